/**
 * Verification of the gate's tokens: compact JWS (RFC 7515) carrying JWT claims (RFC 7519), under the
 * rules of RFC 8725 (JWT Best Current Practices).
 *
 * Two kinds share one verifier, told apart by the `typ` header (RFC 8725 §3.11, explicit typing):
 * - `tenant+jwt`: the session token, from the cookie; valid for every file of its tenant.
 * - `tenant-link+jwt`: a link token, from the query; valid for one path (`pth`) and optionally one viewer
 *   IPv4 address (`cip`).
 * A token of one kind is never accepted as the other.
 *
 * The runtime provides only the two things that differ between Node and CloudFront Functions: base64url
 * decoding to text, and the keys (each of which knows how to check its own signature).
 */
import { hasCanonicalTail } from './base64url';
import type { Algorithm, GateConfig } from '../config/gate';
import type { TokenFailure } from './errors';
import { isSafeTenantSegment } from './tenant-path';

export const SESSION_TYP = 'tenant+jwt';
export const LINK_TYP = 'tenant-link+jwt';
export type TokenKind = 'session' | 'link';

export interface VerificationKey {
  alg: Algorithm;
  /** Whether `signature` (canonical base64url) signs `signingInput` (ASCII) under this key. */
  verify(signingInput: string, signature: string): boolean;
}

export type KeyLookup = (kid: string) => VerificationKey | undefined;

/** base64url (already checked to be canonical) → its bytes read as UTF-8, or undefined if not valid UTF-8. */
export type Base64urlTextDecoder = (segment: string) => string | undefined;

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
>;

export interface VerifiedToken {
  kind: TokenKind;
  kid: string;
  tenant: string;
  exp: number;
  iat: number;
  /** Link tokens only: the one viewer path they open. */
  path: string | undefined;
  /** Link tokens only, when bound: the one viewer IPv4 address they work from. */
  ip: string | undefined;
}

export type TokenResult = { ok: true; token: VerifiedToken } | { ok: false; failure: TokenFailure };

export interface TokenHeader {
  kid: string;
  alg: string;
  kind: TokenKind;
}

export type HeaderResult = { ok: true; header: TokenHeader } | { ok: false; failure: TokenFailure };

/** Header members that carry or point to a key. A token never chooses its own key (RFC 8725 §3.10). */
const EMBEDDED_KEY_MEMBERS = ['jwk', 'jku', 'x5u', 'x5c'];

const NOT_COMPACT_JWS_CHAR = /[^A-Za-z0-9_.-]/;

/** A dotted quad; the gate compares it with the viewer address, so a malformed one could never match anyway. */
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function fail(failure: TokenFailure): { ok: false; failure: TokenFailure } {
  return { ok: false, failure: failure };
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
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

function isNumericDate(value: unknown): value is number {
  // JSON admits 1e999, which parses to Infinity: a token that never expires is not a NumericDate.
  return typeof value === 'number' && isFinite(value);
}

/** Splits a compact JWS into its three segments, or reports why it is not one. */
function split(token: string, maxLength: number): string[] | TokenFailure {
  if (token.length > maxLength) return 'token_too_long';
  // Exactly three non-empty segments of the base64url alphabet: no padding, no whitespace, nothing else.
  if (NOT_COMPACT_JWS_CHAR.test(token)) return 'token_malformed';
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 1 || second < first + 2 || second === token.length - 1 || token.indexOf('.', second + 1) !== -1) {
    return 'token_malformed';
  }
  const parts = [token.slice(0, first), token.slice(first + 1, second), token.slice(second + 1)];
  for (let i = 0; i < 3; i++) if (!hasCanonicalTail(parts[i])) return 'token_malformed';
  return parts;
}

function parseHeader(segment: string, decodeText: Base64urlTextDecoder): HeaderResult {
  const header = parseObject(decodeText(segment));
  if (header === undefined) return fail('header_malformed');
  const alg = header.alg;
  if (typeof alg !== 'string') return fail('header_malformed');
  // `none` (RFC 7518 §3.6) is refused by name, whatever the keys say (RFC 8725 §3.1).
  if (alg.toLowerCase() === 'none') return fail('alg_none');
  let kind: TokenKind;
  if (header.typ === SESSION_TYP) kind = 'session';
  else if (header.typ === LINK_TYP) kind = 'link';
  else return fail('typ_mismatch');
  for (let i = 0; i < EMBEDDED_KEY_MEMBERS.length; i++) {
    if (header[EMBEDDED_KEY_MEMBERS[i]] !== undefined) return fail('embedded_key');
  }
  // RFC 7515 §4.1.11: a recipient must refuse extensions it does not understand; we understand none.
  if (header.crit !== undefined) return fail('crit_unsupported');
  if (header.b64 !== undefined) return fail('crit_unsupported');
  const kid = header.kid;
  if (typeof kid !== 'string' || kid === '') return fail('kid_missing');
  return { ok: true, header: { kid: kid, alg: alg, kind: kind } };
}

/** Reads and checks the protected header only: which key the token names, and its kind. */
export function readTokenHeader(token: string, maxLength: number, decodeText: Base64urlTextDecoder): HeaderResult {
  const parts = split(token, maxLength);
  return typeof parts === 'string' ? fail(parts) : parseHeader(parts[0], decodeText);
}

export interface TokenVerifier {
  verify(token: string, keys: KeyLookup, nowSeconds: number): TokenResult;
}

/**
 * Builds the verifier once per process. It remembers the last header it parsed: in practice every token
 * signed with one key has the same header segment, so the hot path skips one decode and one JSON.parse.
 */
export function createTokenVerifier(rules: TokenRules, decodeText: Base64urlTextDecoder): TokenVerifier {
  const tenantPattern = new RegExp(rules.tenantPattern);
  let lastHeaderSegment = '';
  let lastHeader: HeaderResult = fail('header_malformed');

  function verify(token: string, keys: KeyLookup, now: number): TokenResult {
    const parts = typeof token === 'string' ? split(token, rules.maxTokenLength) : 'token_malformed';
    if (typeof parts === 'string') return fail(parts);
    // Tokens signed with one key share one header segment: parse it once, remember the verdict.
    if (parts[0] !== lastHeaderSegment) {
      lastHeader = parseHeader(parts[0], decodeText);
      lastHeaderSegment = parts[0];
    }
    if (!lastHeader.ok) return lastHeader;
    const header = lastHeader.header;

    const key = keys(header.kid);
    if (key === undefined) return fail('kid_unknown');
    // The key decides the algorithm, never the token (RFC 8725 §3.1: no algorithm confusion).
    if (header.alg !== key.alg) return fail('alg_mismatch');
    if (!key.verify(token.slice(0, token.length - parts[2].length - 1), parts[2])) return fail('signature_invalid');

    const claims = parseObject(decodeText(parts[1]));
    if (claims === undefined) return fail('payload_malformed');
    if (claims.iss !== rules.issuer) return fail('iss_mismatch');
    const aud = claims.aud;
    if (aud !== rules.audience && !(Array.isArray(aud) && aud.indexOf(rules.audience) !== -1)) {
      return fail('aud_mismatch');
    }
    const tolerance = rules.clockToleranceSeconds;
    const exp = claims.exp;
    if (exp === undefined) return fail('exp_missing');
    if (!isNumericDate(exp)) return fail('exp_invalid');
    // RFC 7519 §4.1.4: the token must not be accepted on or after `exp`.
    if (exp <= now - tolerance) return fail('expired');
    const iat = claims.iat;
    if (iat === undefined) return fail('iat_missing');
    if (!isNumericDate(iat)) return fail('iat_invalid');
    if (iat > now + tolerance) return fail('iat_in_future');
    const nbf = claims.nbf;
    if (nbf !== undefined) {
      if (!isNumericDate(nbf)) return fail('nbf_invalid');
      if (nbf > now + tolerance) return fail('not_yet_valid');
    }
    const maxLifetime = header.kind === 'link' ? rules.maxLinkLifetimeSeconds : rules.maxTokenLifetimeSeconds;
    if (exp - iat > maxLifetime) return fail('lifetime_exceeded');

    const tenant = claims[rules.tenantClaim];
    if (tenant === undefined) return fail('tenant_missing');
    // Taken exactly as signed: never decoded, trimmed or case-folded.
    if (typeof tenant !== 'string' || !tenantPattern.test(tenant) || !isSafeTenantSegment(tenant)) {
      return fail('tenant_invalid');
    }

    let path: string | undefined;
    let ip: string | undefined;
    if (header.kind === 'link') {
      if (typeof claims.pth !== 'string' || claims.pth === '') return fail('link_path_missing');
      path = claims.pth;
      if (claims.cip !== undefined) {
        if (typeof claims.cip !== 'string' || !IPV4.test(claims.cip)) return fail('link_ip_invalid');
        ip = claims.cip;
      }
    }
    return {
      ok: true,
      token: { kind: header.kind, kid: header.kid, tenant: tenant, exp: exp, iat: iat, path: path, ip: ip },
    };
  }

  return { verify: verify };
}
