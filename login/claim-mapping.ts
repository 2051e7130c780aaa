/**
 * The claims a sign-in carries from the identity token into the tenant token (`login.claimMapping`): what the
 * path scopes read (src/scopes.ts), and optionally the `sub` that names per-user folders.
 *
 * Only the values some rule names are carried: a tenant token stays small whatever the identity provider puts
 * in its groups, and never holds a value the gate would refuse (src/scopes.ts: at most 64 values of at most
 * 128 characters, which the configuration's `anyOf` lists already respect).
 */
import type { LoginConfig } from '../config/login';
import type { ScopeClaims, ScopesConfig } from '../src/scopes';
import { MAX_SUBJECT_LENGTH } from '../src/token-rules';
import { LoginError } from './errors';

export interface MappedClaims {
  /** The tenant token's `sub`: the identity's own, or the claim mapped to `sub`. */
  sub: string;
  /** The claims the scope rules read, each a list of the values rules name (possibly empty). */
  claims: ScopeClaims;
}

/** An identity claim as a list of strings: a string is one value, an array keeps its strings, anything else none. */
function valuesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function mapIdentityClaims(
  mapping: LoginConfig['claimMapping'],
  scopes: ScopesConfig | undefined,
  identityClaims: Record<string, unknown>,
  identitySub: string,
): MappedClaims {
  let sub = identitySub;
  const claims: ScopeClaims = {};
  for (const [from, to] of Object.entries(mapping)) {
    const value = Object.hasOwn(identityClaims, from) ? identityClaims[from] : undefined;
    if (to === 'sub') {
      // No fallback to the identity's own `sub`: an opaque id could equal another user's mapped name, and so
      // open that user's folder.
      if (typeof value !== 'string' || value === '' || value.length > MAX_SUBJECT_LENGTH) {
        throw new LoginError(
          'invalid_identity',
          `claim ${from} (mapped to sub) is not a string of 1 to 255 characters`,
        );
      }
      sub = value;
      continue;
    }
    const named = new Set<string>();
    for (const rule of scopes?.rules ?? []) if (rule.claim === to) for (const v of rule.anyOf ?? []) named.add(v);
    claims[to] = [...new Set(valuesOf(value).filter((v) => named.has(v)))];
  }
  return { sub, claims };
}
