/**
 * Minting the gate's own tokens (src/token.ts verifies them at the edge): the session token (`tenant+jwt`)
 * and the per-file link token (`tenant-link+jwt`). Every rule the edge applies is respected here by
 * construction — `typ`, `kid`, `alg` of the key, `iss`, `aud`, the tenant claim, `iat`/`exp` and the
 * lifetime caps — so a minted token is never one the gate refuses.
 *
 * Why node:crypto and not jose's SignJWT here: jose signs through WebCrypto, which on Node 20 runs on the
 * thread pool — about 60 µs for one HS256 token against 2 µs for `createHmac`, and far more on a busy
 * two-core machine; that alone broke the budget (a session ≤ 1.3× one RSA-2048 signature). The
 * bytes are jose's: test/login/tenant-token.test.ts proves the output identical to SignJWT's for the
 * deterministic algorithms and verified by jose's jwtVerify for ES256 — the same choice, and the same kind
 * of proof, as the verifier's (functions/key-ring.ts, test/differential.test.ts).
 */
import { createHmac, sign } from 'node:crypto';
import type { GateConfig } from '../config/gate';
import type { ScopeClaims } from '../src/scopes';
import { isSafeTenantSegment } from '../src/tenant-path';
import { grantDirFailure, MAX_SUBJECT_LENGTH, mintedHeader } from '../src/token-rules';
import { GRANT_TYP, LINK_TYP, SESSION_TYP } from '../src/token';
import type { SigningKey } from './keys';
import { canonicalIp } from './viewer-ip';

export interface SessionClaims {
  sub: string;
  tenant: string;
  iat: number;
  exp: number;
  /** The claims the path scopes read (login/claim-mapping.ts), carried by sessions and their links alike. */
  scopeClaims?: ScopeClaims;
}

export interface LinkClaims extends SessionClaims {
  /** The exact viewer path, percent-encoded as the browser sends it. */
  path: string;
  /** The viewer address the link is bound to, if any: IPv4 dotted quad or canonical IPv6 (RFC 5952). */
  ip?: string;
}

export interface GrantClaims extends SessionClaims {
  /** The folder the grant opens: a viewer path under pathPrefix ending with `/` (src/token-rules.ts). */
  dir: string;
  /** As a link's: the viewer address the grant is bound to, if any (canonical). */
  ip?: string;
}

export type TokenRulesForMinting = Pick<
  GateConfig,
  | 'issuer'
  | 'audience'
  | 'tenantClaim'
  | 'tenantPattern'
  | 'maxTokenLifetimeSeconds'
  | 'maxLinkLifetimeSeconds'
  | 'pathPrefix'
  | 'grants'
>;

export interface TenantTokenMinter {
  session(key: SigningKey, claims: SessionClaims): Promise<string>;
  link(key: SigningKey, claims: LinkClaims): Promise<string>;
  /** A folder grant (`tenant-grant+jwt`); only with `grants` configured. */
  grant(key: SigningKey, claims: GrantClaims): Promise<string>;
}

/** The JWS signature (RFC 7515/7518) of `input` under the key: what jose would compute, synchronously. */
function signature(key: SigningKey, input: string): string {
  const data = Buffer.from(input);
  switch (key.alg) {
    case 'HS256':
      return createHmac('sha256', key.key).update(data).digest('base64url');
    case 'ES256':
      // JWS wants the raw r‖s (RFC 7518 §3.4), not DER.
      return sign('sha256', data, { key: key.key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    case 'RS256':
      return sign('sha256', data, key.key).toString('base64url');
    case 'EdDSA':
      return sign(null, data, key.key).toString('base64url');
  }
}

export function createTenantTokenMinter(rules: TokenRulesForMinting): TenantTokenMinter {
  const tenantPattern = new RegExp(rules.tenantPattern);

  function check(claims: SessionClaims, maxLifetime: number): void {
    // Programming errors, not viewer errors: the callers validate first. Minting a token the edge would
    // refuse is never useful, so it fails loudly here.
    if (!tenantPattern.test(claims.tenant) || !isSafeTenantSegment(claims.tenant))
      throw new Error('tenant does not match tenantPattern');
    if (!Number.isInteger(claims.iat) || !Number.isInteger(claims.exp) || claims.exp <= claims.iat)
      throw new Error('bad iat/exp');
    if (claims.exp - claims.iat > maxLifetime)
      throw new Error(`lifetime ${claims.exp - claims.iat}s exceeds ${maxLifetime}s`);
    if (typeof claims.sub !== 'string' || claims.sub === '' || claims.sub.length > MAX_SUBJECT_LENGTH)
      throw new Error('sub required, at most 255 characters');
    for (const values of Object.values(claims.scopeClaims ?? {})) {
      if (!Array.isArray(values) || !values.every((v) => typeof v === 'string' && v !== ''))
        throw new Error('scope claims must be lists of strings');
    }
  }

  // Header and claim order as jose's SignJWT writes them (constructor payload, then iss, aud, sub, iat, exp).
  const headers: Record<string, string> = {};
  function header(key: SigningKey, typ: string): string {
    const id = `${key.kid}\u0000${typ}`;
    return (headers[id] ??= Buffer.from(mintedHeader(key.alg, typ, key.kid)).toString('base64url'));
  }

  async function build(
    payload: Record<string, unknown>,
    key: SigningKey,
    typ: string,
    claims: SessionClaims,
  ): Promise<string> {
    const body = {
      [rules.tenantClaim]: claims.tenant,
      ...claims.scopeClaims,
      ...payload,
      iss: rules.issuer,
      aud: rules.audience,
      sub: claims.sub,
      iat: claims.iat,
      exp: claims.exp,
    };
    const input = `${header(key, typ)}.${Buffer.from(JSON.stringify(body)).toString('base64url')}`;
    return `${input}.${signature(key, input)}`;
  }

  return {
    async session(key, claims) {
      check(claims, rules.maxTokenLifetimeSeconds);
      return build({}, key, SESSION_TYP, claims);
    },
    async link(key, claims) {
      check(claims, rules.maxLinkLifetimeSeconds);
      if (typeof claims.path !== 'string' || !claims.path.startsWith('/')) throw new Error('link path required');
      // The gate compares `cip` with the viewer address as text: one spelling per address (RFC 5952 for IPv6).
      if (claims.ip !== undefined && canonicalIp(claims.ip) !== claims.ip)
        throw new Error('link ip must be an IPv4 dotted quad or a canonical IPv6 address');
      return build(
        claims.ip === undefined ? { pth: claims.path } : { pth: claims.path, cip: claims.ip },
        key,
        LINK_TYP,
        claims,
      );
    },
    async grant(key, claims) {
      if (rules.grants === null) throw new Error('grants are not configured');
      check(claims, rules.grants.maxLifetimeSeconds);
      if (grantDirFailure(claims.dir, rules.pathPrefix) !== undefined)
        throw new Error(`grant dir must be a folder under ${rules.pathPrefix} ending with "/"`);
      if (claims.ip !== undefined && canonicalIp(claims.ip) !== claims.ip)
        throw new Error('grant ip must be an IPv4 dotted quad or a canonical IPv6 address');
      return build(
        claims.ip === undefined ? { dir: claims.dir } : { dir: claims.dir, cip: claims.ip },
        key,
        GRANT_TYP,
        claims,
      );
    },
  };
}
