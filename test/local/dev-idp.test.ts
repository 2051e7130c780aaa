/** The development identity provider: ID tokens for any demo user, verifiable with its published JWKS. */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createDevIdentityProvider } from '../../local/dev-idp';
import { viewerRequest } from './helpers';

const OPTIONS = {
  issuer: 'https://dev-idp.tenant-gate.localhost',
  audience: 'tenant-gate-demo',
  tenantClaim: 'tenant',
};

function post(body: string) {
  return {
    ...viewerRequest('/dev/idp/token', { method: 'POST', headers: [['content-type', 'application/json']] }),
    body: Buffer.from(body),
  };
}

describe('development identity provider', () => {
  it('POST /dev/idp/token {sub, tenant} → an ES256 id_token the published JWKS verifies', async () => {
    const idp = await createDevIdentityProvider(OPTIONS);
    const answer = await idp.fetch(post('{"sub":"alice","tenant":"acme"}'));
    expect(answer.status).toBe(200);
    const { id_token: token } = JSON.parse(answer.body.toString()) as { id_token: string };
    const jwks = JSON.parse((await idp.fetch(viewerRequest('/dev/idp/.well-known/jwks.json'))).body.toString());
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: OPTIONS.issuer,
      audience: OPTIONS.audience,
      algorithms: ['ES256'],
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sub: 'alice', tenant: 'acme' });
    expect(payload.exp! - payload.iat!).toBe(3600);
  });

  it('publishes its discovery document', async () => {
    const idp = await createDevIdentityProvider(OPTIONS);
    const doc = JSON.parse(
      (await idp.fetch(viewerRequest('/dev/idp/.well-known/openid-configuration'))).body.toString(),
    );
    expect(doc).toMatchObject({ issuer: OPTIONS.issuer, jwks_uri: '/dev/idp/.well-known/jwks.json' });
  });

  it.each([
    ['not JSON', 'nope', 400],
    ['no sub', '{"tenant":"acme"}', 400],
    ['a sub with a space', '{"sub":"a b","tenant":"acme"}', 400],
    ['no tenant', '{"sub":"alice"}', 400],
  ])('%s → %i', async (_label, body, status) => {
    const idp = await createDevIdentityProvider(OPTIONS);
    expect((await idp.fetch(post(body))).status).toBe(status);
  });

  it('answers GET /token with 405 and an unknown path with 404', async () => {
    const idp = await createDevIdentityProvider(OPTIONS);
    expect((await idp.fetch(viewerRequest('/dev/idp/token'))).status).toBe(405);
    expect((await idp.fetch(viewerRequest('/dev/idp/other'))).status).toBe(404);
  });

  it('uses a fresh key at every start', async () => {
    const a = await createDevIdentityProvider(OPTIONS);
    const b = await createDevIdentityProvider(OPTIONS);
    expect(a.jwks.keys[0]!.x).not.toBe(b.jwks.keys[0]!.x);
  });
});
