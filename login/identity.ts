/**
 * Verifying the identity token the SaaS app already holds (an OIDC ID token, e.g. from Cognito) with jose.
 *
 * Every check jose leaves optional is made explicit (docs/platform.md#tooling): the algorithms
 * (asymmetric only), the issuer, the audience, required `exp` and `sub`, and the tenant claim. The key set
 * is built once per container: a remote one keeps its cache across invocations.
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { GateConfig } from '../config/gate';
import { isSafeTenantSegment } from '../src/tenant-path';
import type { IdentityConfig } from '../config/login';
import { LoginError } from './errors';

export interface Identity {
  sub: string;
  tenant: string;
  /** The identity token's own expiry: a session never outlives it. */
  exp: number;
}

export interface IdentityVerifier {
  verify(token: string, nowSeconds: number): Promise<Identity>;
}

/** Longer than any ID token a provider issues; bounds the work an anonymous caller can ask for. */
export const MAX_IDENTITY_TOKEN_LENGTH = 8192;

export function identityKeySet(identity: IdentityConfig): JWTVerifyGetKey {
  if (identity.jwks !== null) return createLocalJWKSet(identity.jwks as Parameters<typeof createLocalJWKSet>[0]);
  if (identity.jwksUrl === null) throw new Error('login.identity: no jwks and no jwksUrl');
  // Short timeout: a hanging provider must not hold the function until Lambda kills it.
  return createRemoteJWKSet(new URL(identity.jwksUrl), {
    timeoutDuration: 3000,
    cooldownDuration: 30_000,
    cacheMaxAge: 600_000,
  });
}

/** Jose's failures that mean "the provider could not be reached", not "the token is bad". */
function isUnavailable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) return true;
  // A JWKS answer that is not 200 (ERR_JOSE_GENERIC) or not a key set (ERR_JWKS_INVALID) is the provider's fault.
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JWKS_INVALID' || error.code === 'ERR_JOSE_GENERIC';
  // fetch() failures (connection refused, DNS) surface as plain TypeErrors or Errors, not JOSE errors.
  return !(error instanceof errors.JOSEError);
}

export function createIdentityVerifier(
  identity: IdentityConfig,
  gate: Pick<GateConfig, 'tenantPattern' | 'clockToleranceSeconds'>,
  keySet: JWTVerifyGetKey = identityKeySet(identity),
): IdentityVerifier {
  const tenantPattern = new RegExp(gate.tenantPattern);
  return {
    async verify(token, now) {
      if (token.length > MAX_IDENTITY_TOKEN_LENGTH) throw new LoginError('invalid_identity', 'token too long');
      let payload;
      try {
        ({ payload } = await jwtVerify(token, keySet, {
          issuer: identity.issuer,
          audience: identity.audience,
          algorithms: identity.algorithms,
          requiredClaims: ['exp', 'sub', identity.tenantClaim],
          clockTolerance: gate.clockToleranceSeconds,
          currentDate: new Date(now * 1000),
        }));
      } catch (error) {
        if (error instanceof errors.JWTClaimValidationFailed && error.claim === identity.tenantClaim) {
          throw new LoginError('tenant_invalid', 'tenant claim missing', { cause: error });
        }
        if (isUnavailable(error)) throw new LoginError('identity_unavailable', (error as Error).name, { cause: error });
        throw new LoginError('invalid_identity', (error as errors.JOSEError).code, { cause: error });
      }
      const tenant = payload[identity.tenantClaim];
      // The tenant becomes a path segment at the edge: the gate's own rules decide, exactly as signed.
      if (typeof tenant !== 'string' || !tenantPattern.test(tenant) || !isSafeTenantSegment(tenant)) {
        throw new LoginError('tenant_invalid', 'tenant claim does not match tenantPattern');
      }
      if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.exp !== 'number') {
        throw new LoginError('invalid_identity', 'sub or exp malformed');
      }
      return { sub: payload.sub, tenant, exp: Math.floor(payload.exp) };
    },
  };
}
