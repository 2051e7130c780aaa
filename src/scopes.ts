/**
 * Path scopes inside a tenant (issue 13): rules that narrow which paths under `pathPrefix` a verified
 * credential opens. One implementation, used by the gate on both targets (src/decision.ts) and by the login
 * when it mints a link (login/links.ts), so that the login never mints a link the gate refuses.
 *
 * A rule is a path pattern ending with `/`, optionally holding one whole `{sub}` segment, and optionally a
 * claim with the values that open it:
 * - the first rule whose pattern the path is under decides; no rule: the configured default;
 * - a deciding rule opens the path to the owner (the `{sub}` segment equals the credential's `sub`) or to a
 *   credential whose claim holds one of its values; a rule with neither opens it to every credential of the
 *   tenant.
 *
 * Paths are judged percent-decoded: S3 decodes the key it is sent (docs/platform.md#uri-handling), so
 * `/files/fin%61nce/x` is the object `files/finance/x`, and a rule read on the encoded form would let it through.
 * The gate's path rules (src/tenant-path.ts) have already refused encoded separators, dots and escapes, so
 * decoding cannot change where a segment starts or ends.
 *
 * Written in the subset the CloudFront Function runtime and njs accept (no destructuring, spread, for-of).
 * Compiled in only when the configuration has scopes (`__TG_SCOPES__`, build/artifacts.ts).
 */
import type { GateConfig } from '../config/gate';
import { isSafeTenantSegment } from './tenant-path';

export type ScopesConfig = NonNullable<GateConfig['scopes']>;
export type ScopeRule = ScopesConfig['rules'][number];

/** The placeholder of a per-user folder: one whole segment of a rule's path (5 characters, spelt out below). */
export const SUB_SEGMENT = '{sub}';

/** At most this many values in one scope claim, each of 1 to MAX_SCOPE_VALUE_LENGTH characters. */
export const MAX_SCOPE_VALUES = 64;
export const MAX_SCOPE_VALUE_LENGTH = 128;

/** The claims of a credential that the rules read, validated: each an array of short strings. */
export type ScopeClaims = { [claim: string]: string[] };

/** What a scope decision reads of a credential. */
export interface ScopedCredential {
  subject: string | undefined;
  scopeClaims: ScopeClaims | undefined;
}

/** A scope claim's value: an array of at most MAX_SCOPE_VALUES non-empty strings of at most MAX_SCOPE_VALUE_LENGTH. */
function isScopeValues(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length <= MAX_SCOPE_VALUES &&
    value.every(function (item) {
      return typeof item === 'string' && item !== '' && item.length <= MAX_SCOPE_VALUE_LENGTH;
    })
  );
}

/**
 * The claims the rules read, from a verified payload: a missing claim is left out (it opens nothing), a present
 * one must be an array of short strings. Undefined when one is not: the token is refused, never read in part.
 * The names are validated by the configuration, which refuses every member of Object.prototype (config/scopes.ts):
 * reading one cannot reach an inherited property.
 */
export function readScopeClaims(claims: Record<string, unknown>, scopes: ScopesConfig): ScopeClaims | undefined {
  const read: ScopeClaims = {};
  const rules = scopes.rules;
  for (let i = 0; i < rules.length; i++) {
    const name = rules[i].claim;
    if (name === undefined || claims[name] === undefined) continue;
    if (!isScopeValues(claims[name])) return undefined;
    read[name] = claims[name] as string[];
  }
  return read;
}

/** Whether the rule's claim holds one of its values (the configuration gives `anyOf` with every `claim`). */
function holdsValue(rule: ScopeRule, claims: ScopeClaims | undefined): boolean {
  const held = claims !== undefined && rule.claim !== undefined ? claims[rule.claim] : undefined;
  return (
    held !== undefined &&
    held.some(function (value) {
      return rule.anyOf!.indexOf(value) !== -1;
    })
  );
}

/**
 * Undefined when the credential may open `uri` (a viewer path `checkViewerPath` accepted), else why not.
 * The reason names the deciding rule by index, never a claim value.
 */
export function scopeRefusal(scopes: ScopesConfig, credential: ScopedCredential, uri: string): string | undefined {
  // Cannot throw: the gate's path rules accept only escapes that decode (they decode the path themselves). Were
  // it to throw anyway, both adapters answer 400 and the login 500: closed either way. One native call, even
  // for a path without escapes: cheaper in bytes than the test that would skip it.
  const path = decodeURIComponent(uri);
  const rules = scopes.rules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    const pattern = rule.path;
    const at = pattern.indexOf(SUB_SEGMENT);
    // `prefix{sub}rest`: the segment at `at` names the owner, and `rest` (from its `/` on) must follow it.
    const end = path.indexOf('/', at);
    if (
      at === -1
        ? path.lastIndexOf(pattern, 0) !== 0
        : path.lastIndexOf(pattern.slice(0, at), 0) !== 0 || end < 0 || path.indexOf(pattern.slice(at + 5), end) !== end
    )
      continue;
    const subject = credential.subject;
    if (
      // The owner; a `sub` names a folder only when it is a safe path segment (src/tenant-path.ts).
      (at !== -1 && subject !== undefined && isSafeTenantSegment(subject) && path.slice(at, end) === subject) ||
      // A rule that names neither owner nor claim opens its folder to the whole tenant.
      (at === -1 && rule.claim === undefined) ||
      holdsValue(rule, credential.scopeClaims)
    ) {
      return undefined;
    }
    return 'rule ' + i;
  }
  return scopes.default === 'deny' ? 'default' : undefined;
}
