/**
 * The development identity provider — local mode only, never deployed. It stands in for the SaaS app's
 * own OIDC provider (Cognito, Auth0…), so that the login function runs its real verification path:
 *
 *   POST /dev/idp/token  {"sub":"alice","tenant":"acme"}  →  {"id_token": "<ES256 JWT>", …}
 *   GET  /dev/idp/.well-known/jwks.json                    →  the public key (the login function's jwksUrl)
 *   GET  /dev/idp/.well-known/openid-configuration         →  issuer and jwks_uri
 *
 * The key pair is made at start and lives in memory only. Anyone who can reach the emulator can get a token
 * for any user and tenant: that is the point of a development provider, and why it exists only here.
 * It reads the emulator's clock, as the login function does, so that tests can move time for both.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { Clock } from './clock';
import { response, type EdgeRequest, type EdgeResponse } from './http-message';
import type { Origin } from './origin';

export interface DevIdentityProviderOptions {
  issuer: string;
  audience: string;
  /** The claim naming the tenant, as the login configuration reads it (`login.identity.tenantClaim`). */
  tenantClaim: string;
  /** Path prefix the provider is served under. */
  basePath?: string;
  lifetimeSeconds?: number;
  clock?: Clock;
}

export interface DevIdentityProvider extends Origin {
  readonly jwks: { keys: JWK[] };
  issue(sub: string, tenant: string): Promise<string>;
}

const SUB = /^[A-Za-z0-9._@+-]{1,128}$/;

function json(status: number, value: unknown): EdgeResponse {
  return response(
    status,
    [
      ['content-type', 'application/json'],
      ['cache-control', 'no-store'],
    ],
    JSON.stringify(value),
  );
}

export async function createDevIdentityProvider(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  const base = options.basePath ?? '/dev/idp';
  const lifetime = options.lifetimeSeconds ?? 3600;
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `dev-idp-${randomUUID().slice(0, 8)}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const jwks = { keys: [jwk] };

  async function issue(sub: string, tenant: string): Promise<string> {
    const now = Math.floor((options.clock ?? Date.now)() / 1000);
    return new SignJWT({ [options.tenantClaim]: tenant, email: `${sub}@${tenant}.example` })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setSubject(sub)
      .setIssuedAt(now)
      .setExpirationTime(now + lifetime)
      .sign(privateKey);
  }

  async function fetch(request: EdgeRequest): Promise<EdgeResponse> {
    const path = request.uri;
    if (path === `${base}/.well-known/jwks.json` && (request.method === 'GET' || request.method === 'HEAD'))
      return json(200, jwks);
    if (path === `${base}/.well-known/openid-configuration` && request.method === 'GET') {
      return json(200, {
        issuer: options.issuer,
        jwks_uri: `${base}/.well-known/jwks.json`,
        id_token_signing_alg_values_supported: ['ES256'],
      });
    }
    if (path !== `${base}/token`) return json(404, { error: 'not_found' });
    if (request.method !== 'POST') return json(405, { error: 'method_not_allowed' });
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8'));
    } catch {
      return json(400, {
        error: 'invalid_request',
        error_description: 'body must be JSON {"sub": "...", "tenant": "..."}',
      });
    }
    const { sub, tenant } = (typeof body === 'object' && body !== null ? body : {}) as {
      sub?: unknown;
      tenant?: unknown;
    };
    if (typeof sub !== 'string' || !SUB.test(sub))
      return json(400, { error: 'invalid_request', error_description: 'sub: 1 to 128 of [A-Za-z0-9._@+-]' });
    // The tenant is passed through as given: judging it is the login function's job (tenantPattern).
    if (typeof tenant !== 'string' || tenant.length === 0 || tenant.length > 128) {
      return json(400, { error: 'invalid_request', error_description: 'tenant: a non-empty string' });
    }
    return json(200, { id_token: await issue(sub, tenant), token_type: 'Bearer', expires_in: lifetime });
  }

  return { description: 'development identity provider', jwks, issue, fetch };
}
