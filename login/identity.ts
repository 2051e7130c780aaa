/**
 * Verifying the identity token the SaaS app already holds (an OIDC ID token, e.g. from Cognito) with
 * `node:crypto` KeyObjects made once from the provider's JWKS (./identity-keys.ts).
 *
 * Why not jose's `jwtVerify` per request: it verifies through WebCrypto, which costs about as much again as
 * the signature itself on Node (issue 12: a session at 1.77× its floor). The rules are jose's, configured as the
 * login always configured it — the algorithms (asymmetric only), the issuer, the audience, required `exp`,
 * `sub` and the tenant claim, the clock tolerance (docs/platform.md#tooling) — and the refusal reasons are
 * jose's error codes; test/login/identity-differential.test.ts runs the identity-token cases through both and
 * expects the same outcome. Stricter than jose in two places: a `crit` header is refused (jose accepts `crit: ["b64"]`), and
 * base64url must be unpadded (jose's decoder is lenient).
 */
import { constants, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { GateConfig } from '../config/gate';
import type { IdentityAlgorithm, IdentityConfig } from '../config/login';
import { isSafeTenantSegment } from '../src/tenant-path';
import { LoginError } from './errors';
import { createIdentityKeySource, type IdentityKey, type IdentityKeySource } from './identity-keys';

export interface Identity {
  sub: string;
  tenant: string;
  /** The identity token's own expiry: a session never outlives it. */
  exp: number;
  /** Every claim of the verified identity token: `login.claimMapping` picks what the session carries. */
  claims: Record<string, unknown>;
}

export interface IdentityVerifier {
  verify(token: string, nowSeconds: number): Promise<Identity>;
}

/** Longer than any ID token a provider issues; bounds the work an anonymous caller can ask for. */
export const MAX_IDENTITY_TOKEN_LENGTH = 8192;

interface AlgorithmRule {
  kty: string;
  /** The curve a key must name (EC, OKP). */
  crv?: string;
  check(data: Buffer, key: KeyObject, signature: Buffer): boolean;
}

function rsa(digest: string, pssSaltLength?: number): AlgorithmRule {
  return {
    kty: 'RSA',
    check(data, key, signature) {
      // RFC 7518 §3.3 / §3.5 (and jose): 2048-bit keys at least.
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return false;
      if (pssSaltLength === undefined) return verifySignature(digest, data, key, signature);
      return verifySignature(
        digest,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pssSaltLength },
        signature,
      );
    },
  };
}

function ecdsa(digest: string, crv: string, size: number): AlgorithmRule {
  return {
    kty: 'EC',
    crv,
    // JWS ECDSA signatures are the raw r‖s of fixed size (RFC 7518 §3.4), not DER.
    check: (data, key, signature) =>
      signature.length === size && verifySignature(digest, data, { key, dsaEncoding: 'ieee-p1363' }, signature),
  };
}

const RULES: { readonly [alg in IdentityAlgorithm]: AlgorithmRule } = {
  RS256: rsa('sha256'),
  RS384: rsa('sha384'),
  RS512: rsa('sha512'),
  PS256: rsa('sha256', 32),
  PS384: rsa('sha384', 48),
  PS512: rsa('sha512', 64),
  ES256: ecdsa('sha256', 'P-256', 64),
  ES384: ecdsa('sha384', 'P-384', 96),
  EdDSA: { kty: 'OKP', crv: 'Ed25519', check: (data, key, signature) => verifySignature(null, data, key, signature) },
};

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalid(code: string): LoginError {
  return new LoginError('invalid_identity', code);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeJson(part: string, code: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(Buffer.from(part, 'base64url')));
  } catch {
    throw invalid(code);
  }
  if (!isObject(value)) throw invalid(code);
  return value;
}

/** The JWKS members a token may be verified with: jose's local key set selection, member for member. */
function usable(jwk: IdentityKey, rule: AlgorithmRule, alg: string, kid: unknown): boolean {
  const ops = jwk.keyOps;
  return (
    (jwk.ext === undefined || typeof jwk.ext === 'boolean') &&
    (ops === undefined ||
      (Array.isArray(ops) &&
        ops.every((op, i) => typeof op === 'string' && ops.indexOf(op) === i) &&
        ops.includes('verify'))) &&
    jwk.kty === rule.kty &&
    (kid === undefined || (typeof kid === 'string' && kid === jwk.kid)) &&
    (jwk.alg === undefined || jwk.alg === alg) &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    (rule.crv === undefined || jwk.crv === rule.crv)
  );
}

/** The RFC 7519 claims as jose's jwtVerify checks them with the options the login gives it. */
function checkClaims(payload: Record<string, unknown>, identity: IdentityConfig, tolerance: number, now: number): void {
  // jose's presence order: issuer, audience, then the required claims from last to first.
  for (const claim of ['iss', 'aud', identity.tenantClaim, 'sub', 'exp']) {
    if (!Object.hasOwn(payload, claim)) {
      if (claim === identity.tenantClaim) throw new LoginError('tenant_invalid', 'tenant claim missing');
      throw invalid('ERR_JWT_CLAIM_VALIDATION_FAILED');
    }
  }
  if (payload.iss !== identity.issuer) throw invalid('ERR_JWT_CLAIM_VALIDATION_FAILED');
  const aud = payload.aud;
  const audienceOk =
    typeof aud === 'string'
      ? identity.audience.includes(aud)
      : Array.isArray(aud) && identity.audience.some((a) => aud.includes(a));
  if (!audienceOk) throw invalid('ERR_JWT_CLAIM_VALIDATION_FAILED');
  for (const claim of ['iat', 'nbf', 'exp']) {
    if (payload[claim] !== undefined && typeof payload[claim] !== 'number')
      throw invalid('ERR_JWT_CLAIM_VALIDATION_FAILED');
  }
  if (typeof payload.nbf === 'number' && payload.nbf > now + tolerance)
    throw invalid('ERR_JWT_CLAIM_VALIDATION_FAILED');
  if ((payload.exp as number) <= now - tolerance) throw invalid('ERR_JWT_EXPIRED');
}

export function createIdentityVerifier(
  identity: IdentityConfig,
  gate: Pick<GateConfig, 'tenantPattern' | 'clockToleranceSeconds'>,
  source: IdentityKeySource = createIdentityKeySource(identity),
): IdentityVerifier {
  const tenantPattern = new RegExp(gate.tenantPattern);
  const algorithms: readonly string[] = identity.algorithms;

  async function checkSignature(header: Record<string, unknown>, alg: IdentityAlgorithm, parts: string[]) {
    const rule = RULES[alg];
    const signature = Buffer.from(parts[2]!, 'base64url');
    const data = Buffer.from(`${parts[0]}.${parts[1]}`);
    let candidates = (await source.keys()).filter((jwk) => usable(jwk, rule, alg, header.kid));
    if (candidates.length === 0) {
      // A kid the cached set lacks: the provider may have rotated; refetch (rate-limited) once.
      candidates = (await source.refetch()).filter((jwk) => usable(jwk, rule, alg, header.kid));
      if (candidates.length === 0) throw invalid('ERR_JWKS_NO_MATCHING_KEY');
    }
    // Several usable keys (no kid, or a kid used twice): ambiguous, refused as jose's jwtVerify refuses it.
    if (candidates.length > 1) throw invalid('ERR_JWKS_MULTIPLE_MATCHING_KEYS');
    const key = candidates[0]!.key;
    if (key === null || !rule.check(data, key, signature)) throw invalid('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  }

  return {
    async verify(token, now) {
      if (token.length > MAX_IDENTITY_TOKEN_LENGTH) throw invalid('token too long');
      const parts = token.split('.');
      if (parts.length !== 3) throw invalid('ERR_JWS_INVALID');
      if (!parts.every((part) => BASE64URL.test(part))) throw invalid('ERR_JWS_INVALID');
      const header = decodeJson(parts[0]!, 'ERR_JWS_INVALID');
      // RFC 7515 §4.1.11: extensions we do not implement must be refused.
      if (header.crit !== undefined) throw invalid('ERR_JOSE_NOT_SUPPORTED');
      if (typeof header.alg !== 'string') throw invalid('ERR_JWS_INVALID');
      if (!algorithms.includes(header.alg)) throw invalid('ERR_JOSE_ALG_NOT_ALLOWED');
      await checkSignature(header, header.alg as IdentityAlgorithm, parts);
      const payload = decodeJson(parts[1]!, 'ERR_JWT_INVALID');
      checkClaims(payload, identity, gate.clockToleranceSeconds, now);
      const tenant = payload[identity.tenantClaim];
      // The tenant becomes a path segment at the edge: the gate's own rules decide, exactly as signed.
      if (typeof tenant !== 'string' || !tenantPattern.test(tenant) || !isSafeTenantSegment(tenant)) {
        throw new LoginError('tenant_invalid', 'tenant claim does not match tenantPattern');
      }
      if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.exp !== 'number') {
        throw invalid('sub or exp malformed');
      }
      return { sub: payload.sub, tenant, exp: Math.floor(payload.exp), claims: payload };
    },
  };
}
