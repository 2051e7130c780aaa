/**
 * Minting the gate's own tokens (src/token.ts verifies them at the edge): the session token (`tenant+jwt`)
 * and the per-file link token (`tenant-link+jwt`). Every rule the edge applies is respected here by
 * construction — `typ`, `kid`, `alg` of the key, `iss`, `aud`, the tenant claim, `iat`/`exp` and the
 * lifetime caps — so a minted token is never one the gate refuses.
 */
import { SignJWT } from 'jose';
import type { GateConfig } from '../config';
import { isSafeTenantSegment } from '../tenant-path';
import { LINK_TYP, SESSION_TYP } from '../token';
import type { SigningKey } from './keys';

export interface SessionClaims {
  sub: string;
  tenant: string;
  iat: number;
  exp: number;
}

export interface LinkClaims extends SessionClaims {
  /** The exact viewer path, percent-encoded as the browser sends it. */
  path: string;
  /** The viewer IPv4 address the link is bound to, if any. */
  ip?: string;
}

export type TokenRulesForMinting = Pick<
  GateConfig,
  'issuer' | 'audience' | 'tenantClaim' | 'tenantPattern' | 'maxTokenLifetimeSeconds' | 'maxLinkLifetimeSeconds'
>;

export interface TenantTokenMinter {
  session(key: SigningKey, claims: SessionClaims): Promise<string>;
  link(key: SigningKey, claims: LinkClaims): Promise<string>;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function createTenantTokenMinter(rules: TokenRulesForMinting): TenantTokenMinter {
  const tenantPattern = new RegExp(rules.tenantPattern);

  function check(claims: SessionClaims, maxLifetime: number): void {
    // Programming errors, not viewer errors: the callers validate first. Minting a token the edge would
    // refuse is never useful, so it fails loudly here.
    if (!tenantPattern.test(claims.tenant) || !isSafeTenantSegment(claims.tenant)) throw new Error('tenant does not match tenantPattern');
    if (!Number.isInteger(claims.iat) || !Number.isInteger(claims.exp) || claims.exp <= claims.iat) throw new Error('bad iat/exp');
    if (claims.exp - claims.iat > maxLifetime) throw new Error(`lifetime ${claims.exp - claims.iat}s exceeds ${maxLifetime}s`);
    if (typeof claims.sub !== 'string' || claims.sub === '') throw new Error('sub required');
  }

  function build(payload: Record<string, unknown>, key: SigningKey, typ: string, claims: SessionClaims): Promise<string> {
    return new SignJWT({ [rules.tenantClaim]: claims.tenant, ...payload })
      .setProtectedHeader({ alg: key.alg, typ, kid: key.kid })
      .setIssuer(rules.issuer)
      .setAudience(rules.audience)
      .setSubject(claims.sub)
      .setIssuedAt(claims.iat)
      .setExpirationTime(claims.exp)
      .sign(key.key);
  }

  return {
    session(key, claims) {
      check(claims, rules.maxTokenLifetimeSeconds);
      return build({}, key, SESSION_TYP, claims);
    },
    link(key, claims) {
      check(claims, rules.maxLinkLifetimeSeconds);
      if (typeof claims.path !== 'string' || !claims.path.startsWith('/')) throw new Error('link path required');
      if (claims.ip !== undefined && !IPV4.test(claims.ip)) throw new Error('link ip must be an IPv4 dotted quad');
      return build(claims.ip === undefined ? { pth: claims.path } : { pth: claims.path, cip: claims.ip }, key, LINK_TYP, claims);
    },
  };
}
