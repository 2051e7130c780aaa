/**
 * The token rules, one function each, in the one place both readers take them from: the gate's verifier
 * (src/token.ts, which stops at the first failure) and `tenant-gate verify` (login/explain-token.ts, which
 * reports every rule). Compact JWS (RFC 7515) carrying JWT claims (RFC 7519), under RFC 8725 (JWT BCP).
 *
 * Each rule answers the TokenFailure it finds, or undefined. Written for the CloudFront Function too (njs
 * subset: no destructuring, spread, classes, for-of), and cheap under njs: native calls over JavaScript loops.
 */
import type { GateConfig } from '../config/gate';
import type { TokenFailure } from './errors';
import { IPV4, ipv6Groups } from './ip-address';
import { isSafeTenantSegment } from './tenant-path';

export const SESSION_TYP = 'tenant+jwt';
export const LINK_TYP = 'tenant-link+jwt';
export type TokenKind = 'session' | 'link' | 'grant';

/** Compile-time switch (build/artifacts.ts): false leaves grants out of the bundle; undefined compiles them in. */
declare const __TG_GRANTS__: boolean | undefined;

/**
 * Header members that carry or point to a key: a token never chooses its own key (RFC 8725 §3.10, RFC 7515
 * §4.1.2–4.1.6). `x5t` and `x5t#S256` are not among them: a thumbprint neither carries nor locates a key, it
 * only names one, and the gate takes its key by `kid` from its own configuration whatever else the header
 * says — so, like any member the gate does not read, they are ignored (as jose ignores them).
 */
export const EMBEDDED_KEY_MEMBERS = ['jwk', 'jku', 'x5u', 'x5c'];

/** The configuration fields verification reads (a `GateConfig` is one). */
export type TokenRules = Pick<
  GateConfig,
  | 'issuer'
  | 'audience'
  | 'tenantClaim'
  | 'tenantPattern'
  | 'clockToleranceSeconds'
  | 'maxTokenLength'
  | 'maxTokenLifetimeSeconds'
  | 'maxLinkLifetimeSeconds'
  | 'pathPrefix'
  | 'grants'
> &
  Partial<Pick<GateConfig, 'scopes'>>;

/**
 * What differs between runtimes in reading a segment: base64url decoding and encoding (as lenient as the
 * runtime's own: the rule is applied by `canonicalBytes`), and UTF-8 decoding.
 */
export interface Base64urlPort {
  segmentBytes(segment: string): Uint8Array;
  /** Unpadded base64url of `bytes`. */
  encode(bytes: Uint8Array): string;
  /**
   * `bytes` as UTF-8, undefined when they are not valid UTF-8. A leading byte-order mark is kept, never
   * stripped: JSON.parse then refuses it, as it must (RFC 8259 §8.1: a JSON text must not begin with one).
   */
  text(bytes: Uint8Array): string | undefined;
}

/**
 * Structure: at most `maxLength` characters, exactly three non-empty segments. Returns them, or the failure.
 * Which characters a segment holds is `canonicalBytes`'s rule.
 */
export function splitToken(token: string, maxLength: number): string[] | TokenFailure {
  if (token.length > maxLength) return 'token_too_long';
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 1 || second < first + 2 || second === token.length - 1 || token.indexOf('.', second + 1) !== -1) {
    return 'token_malformed';
  }
  return [token.slice(0, first), token.slice(first + 1, second), token.slice(second + 1)];
}

/**
 * The bytes of a segment when it is canonical base64url — the URL-safe alphabet, no padding, no whitespace,
 * the unused low bits of the last character zero (RFC 7515 §2, Appendix C; RFC 4648 §3.5) — else undefined. Decoding and
 * re-encoding gives back the very string only for such a segment, whatever a lenient decoder skipped or
 * guessed; so exactly one string stands for one byte sequence, and comparing signatures as bytes or as
 * strings never disagrees. Under njs two native calls cost less than any scan written in JavaScript.
 */
export function canonicalBytes(port: Base64urlPort, segment: string): Uint8Array | undefined {
  const bytes = port.segmentBytes(segment);
  return port.encode(bytes) === segment ? bytes : undefined;
}

/**
 * `canonicalBytes`' rule for 32 bytes (an HS256 signature) written as a pattern, for a hot path that cannot
 * afford its two calls: 43 base64url characters, the last leaving its two unused low bits zero. A test holds
 * the two together on generated strings.
 */
export const CANONICAL_BASE64URL_32 = '[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]';

/** A JSON object (not an array, not null), or undefined. Duplicate members: the last wins, on every target. */
export function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (_error) {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}

/** A folder grant (src/grant.ts): its own `typ`, so it is never a session or a link, nor they a grant. */
export const GRANT_TYP = 'tenant-grant+jwt';

/**
 * A protected header as tenant-gate's own minters write it (login/tenant-token.ts): `alg`, `typ`, `kid`, in this
 * order. The CloudFront Function derives from its keys alone the header segments of the session tokens they sign,
 * so that its fast path needs nothing learnt from an earlier request (functions/cloudfront-function.ts).
 */
export function mintedHeader(alg: string, typ: string, kid: string): string {
  return JSON.stringify({ alg: alg, typ: typ, kid: kid });
}

/** The token kind its `typ` names, exactly (RFC 8725 §3.11: explicit typing), or undefined. */
export function kindOf(typ: unknown): TokenKind | undefined {
  if (typ === SESSION_TYP) return 'session';
  if (typ === LINK_TYP) return 'link';
  if ((typeof __TG_GRANTS__ === 'undefined' || __TG_GRANTS__) && typ === GRANT_TYP) return 'grant';
  return undefined;
}

/** The protected header's rules, in the order the gate applies them. */
export function headerFailure(header: Record<string, unknown>): TokenFailure | undefined {
  const alg = header.alg;
  if (typeof alg !== 'string') return 'header_malformed';
  // `none` (RFC 7518 §3.6) is refused by name, whatever the keys say (RFC 8725 §3.1).
  if (alg.toLowerCase() === 'none') return 'alg_none';
  if (kindOf(header.typ) === undefined) return 'typ_mismatch';
  for (let i = 0; i < EMBEDDED_KEY_MEMBERS.length; i++) {
    if (header[EMBEDDED_KEY_MEMBERS[i]] !== undefined) return 'embedded_key';
  }
  // Members that would change how the token is read: `crit` lists extensions a recipient must understand
  // (RFC 7515 §4.1.11), `b64` (RFC 7797) changes the signing input. The gate understands none.
  if (header.crit !== undefined || header.b64 !== undefined) return 'crit_unsupported';
  const kid = header.kid;
  if (typeof kid !== 'string' || kid === '') return 'kid_missing';
  return undefined;
}

/** JSON admits 1e999, which parses to Infinity: a token that never expires is not a NumericDate. */
export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && isFinite(value);
}

export function issuerFailure(claims: Record<string, unknown>, rules: TokenRules): TokenFailure | undefined {
  return claims.iss === rules.issuer ? undefined : 'iss_mismatch';
}

/** `aud` is the audience, or an array holding it (RFC 7519 §4.1.3). */
export function audienceFailure(claims: Record<string, unknown>, rules: TokenRules): TokenFailure | undefined {
  const aud = claims.aud;
  if (aud === rules.audience || (Array.isArray(aud) && aud.indexOf(rules.audience) !== -1)) return undefined;
  return 'aud_mismatch';
}

/** RFC 7519 §4.1.4: required here; the token must not be accepted on or after `exp` (plus the tolerance). */
export function expiryFailure(exp: unknown, now: number, tolerance: number): TokenFailure | undefined {
  if (exp === undefined) return 'exp_missing';
  if (!isNumericDate(exp)) return 'exp_invalid';
  return exp <= now - tolerance ? 'expired' : undefined;
}

/** Required here, so that the lifetime can be bounded; never in the future (beyond the tolerance). */
export function issuedAtFailure(iat: unknown, now: number, tolerance: number): TokenFailure | undefined {
  if (iat === undefined) return 'iat_missing';
  if (!isNumericDate(iat)) return 'iat_invalid';
  return iat > now + tolerance ? 'iat_in_future' : undefined;
}

/** RFC 7519 §4.1.5: optional; when present, not before it (minus the tolerance). */
export function notBeforeFailure(nbf: unknown, now: number, tolerance: number): TokenFailure | undefined {
  if (nbf === undefined) return undefined;
  if (!isNumericDate(nbf)) return 'nbf_invalid';
  return nbf > now + tolerance ? 'not_yet_valid' : undefined;
}

/** The longest a token of this kind may live, `exp − iat`. */
export function maxLifetime(kind: TokenKind, rules: TokenRules): number {
  // A grant without `grants` configured may live 0 s: every one is refused (lifetime_exceeded).
  if ((typeof __TG_GRANTS__ === 'undefined' || __TG_GRANTS__) && kind === 'grant') {
    // A build with grants has them configured: no test for null there.
    return typeof __TG_GRANTS__ === 'undefined' && rules.grants === null ? 0 : rules.grants!.maxLifetimeSeconds;
  }
  return kind === 'link' ? rules.maxLinkLifetimeSeconds : rules.maxTokenLifetimeSeconds;
}

/**
 * The tenant claim: a string matching `tenantPattern` exactly — never decoded, trimmed or case-folded — and a
 * safe path segment whatever the pattern admits.
 */
export function tenantFailure(tenant: unknown, tenantPattern: RegExp): TokenFailure | undefined {
  if (tenant === undefined) return 'tenant_missing';
  if (typeof tenant !== 'string' || !tenantPattern.test(tenant) || !isSafeTenantSegment(tenant)) {
    return 'tenant_invalid';
  }
  return undefined;
}

/** A link token's `pth`: the one viewer path it opens, required. */
export function linkPathFailure(pth: unknown): TokenFailure | undefined {
  return typeof pth === 'string' && pth !== '' ? undefined : 'link_path_missing';
}

/**
 * A link token's `cip`, optional: one viewer address, an IPv4 dotted quad in canonical form or an IPv6 address
 * in hex groups (src/ip-address.ts, which also compares it with the viewer's).
 */
export function linkIpFailure(cip: unknown): TokenFailure | undefined {
  if (cip === undefined) return undefined;
  return typeof cip === 'string' && (IPV4.test(cip) || ipv6Groups(cip) !== undefined) ? undefined : 'link_ip_invalid';
}

/** The longest `sub` a tenant token may carry (the contract shared with revocation, issue 13). */
export const MAX_SUBJECT_LENGTH = 255;

/** `sub`, optional (RFC 7519 §4.1.2): when present, a non-empty string of at most MAX_SUBJECT_LENGTH characters. */
export function subjectFailure(sub: unknown): TokenFailure | undefined {
  if (sub === undefined) return undefined;
  return typeof sub === 'string' && sub !== '' && sub.length <= MAX_SUBJECT_LENGTH ? undefined : 'sub_invalid';
}

/**
 * A grant's `dir`: the folder it opens, under `pathPrefix` and ending with `/` (`/files/films/nosferatu/`).
 * Compared with the viewer path as text, so the trailing `/` is what keeps `/files/films/a/` from opening
 * `/files/films/ab/x`. Nothing more is checked here, every byte counting in the CloudFront Function: a `dir` with a
 * dot, empty or encoded segment is a prefix of no path the gate's path rules accept, so it opens nothing; and
 * `pathPrefix` itself would open no more than a session of the same signer. The minter refuses all of these
 * (login/grants.ts: one folder strictly under pathPrefix, plain segments).
 */
export function grantDirFailure(dir: unknown, pathPrefix: string): TokenFailure | undefined {
  return typeof dir === 'string' && dir.lastIndexOf(pathPrefix, 0) === 0 && dir.slice(-1) === '/'
    ? undefined
    : 'grant_dir_invalid';
}
