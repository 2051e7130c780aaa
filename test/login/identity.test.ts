/** Identity tokens: every check jose leaves optional is made; the remote JWKS path runs against 127.0.0.1. */
import { createPublicKey, createSecretKey, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityConfig } from '../../config/login';
import { LoginError } from '../../login/errors';
import { createIdentityVerifier } from '../../login/identity';
import { createIdentityKeySource } from '../../login/identity-keys';
import { IDP_KID, IDP_PRIVATE_KEY, identityToken, LOGIN_CONFIG, NOW } from './helpers';

const IDENTITY = LOGIN_CONFIG.login.identity;
const verifier = createIdentityVerifier(IDENTITY, LOGIN_CONFIG);

async function outcome(token: string, at = NOW, v = verifier): Promise<string> {
  try {
    const who = await v.verify(token, at);
    return `${who.sub}@${who.tenant} until ${who.exp}`;
  } catch (error) {
    if (error instanceof LoginError) return `${error.code}: ${error.reason}`;
    throw error;
  }
}

const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

describe('identity verification', () => {
  it.each<[string, () => Promise<string>, string]>([
    ['a valid identity token', () => identityToken(), `alice@acme until ${NOW + 3600}`],
    [
      'an audience in an array',
      () => identityToken({ claims: { aud: ['other', 'saas-app'] } }),
      `alice@acme until ${NOW + 3600}`,
    ],
    [
      'expired beyond tolerance',
      () => identityToken({ claims: { exp: NOW - 30 } }),
      'invalid_identity: ERR_JWT_EXPIRED',
    ],
    [
      'another issuer',
      () => identityToken({ claims: { iss: 'https://evil.example' } }),
      'invalid_identity: ERR_JWT_CLAIM_VALIDATION_FAILED',
    ],
    [
      'another audience',
      () => identityToken({ claims: { aud: 'other' } }),
      'invalid_identity: ERR_JWT_CLAIM_VALIDATION_FAILED',
    ],
    ['no exp', () => identityToken({ without: ['exp'] }), 'invalid_identity: ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['no sub', () => identityToken({ without: ['sub'] }), 'invalid_identity: ERR_JWT_CLAIM_VALIDATION_FAILED'],
    [
      'signed by a foreign key with the right kid',
      () => identityToken({ key: foreign }),
      'invalid_identity: ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    ],
    [
      'an unknown kid',
      () => identityToken({ kid: 'other', key: foreign }),
      'invalid_identity: ERR_JWKS_NO_MATCHING_KEY',
    ],
    [
      'HS256 with the public key as secret (algorithm confusion)',
      () =>
        identityToken({
          alg: 'HS256',
          key: createSecretKey(Buffer.from(JSON.stringify(createPublicKey(IDP_PRIVATE_KEY).export({ format: 'jwk' })))),
        }),
      'invalid_identity: ERR_JOSE_ALG_NOT_ALLOWED',
    ],
    ['no tenant claim', () => identityToken({ without: ['custom:tenant_id'] }), 'tenant_invalid: tenant claim missing'],
    [
      'a tenant with a slash',
      () => identityToken({ claims: { 'custom:tenant_id': 'acme/../globex' } }),
      'tenant_invalid: tenant claim does not match tenantPattern',
    ],
    [
      'a tenant in upper case',
      () => identityToken({ claims: { 'custom:tenant_id': 'Acme' } }),
      'tenant_invalid: tenant claim does not match tenantPattern',
    ],
    [
      'a tenant that is a number',
      () => identityToken({ claims: { 'custom:tenant_id': 7 } }),
      'tenant_invalid: tenant claim does not match tenantPattern',
    ],
    [
      'a token far too long',
      async () => `${await identityToken()}${'A'.repeat(9000)}`,
      'invalid_identity: token too long',
    ],
  ])('%s → %s', async (_name, token, expected) => {
    expect(await outcome(await token())).toBe(expected);
  });
});

describe('remote JWKS (OIDC jwksUrl)', () => {
  let server: Server;
  let hits = 0;
  let base = '';
  const jwks = JSON.stringify({
    keys: [{ ...createPublicKey(IDP_PRIVATE_KEY).export({ format: 'jwk' }), kid: IDP_KID, alg: 'ES256' }],
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      if (req.url === '/.well-known/jwks.json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const remote = (url: string): IdentityConfig => ({ ...IDENTITY, jwks: null, jwksUrl: url });

  it('fetches the key set once and verifies with it', async () => {
    const v = createIdentityVerifier(remote(`${base}/.well-known/jwks.json`), LOGIN_CONFIG);
    const before = hits;
    expect(await outcome(await identityToken(), NOW, v)).toBe(`alice@acme until ${NOW + 3600}`);
    expect(await outcome(await identityToken({ claims: { sub: 'bob' } }), NOW, v)).toBe(`bob@acme until ${NOW + 3600}`);
    expect(hits - before).toBe(1);
  });

  it('answers identity_unavailable when the provider cannot be reached', async () => {
    const v = createIdentityVerifier(remote(`${base}/missing.json`), LOGIN_CONFIG);
    expect(await outcome(await identityToken(), NOW, v)).toMatch(/^identity_unavailable: /);
    const closed = createIdentityVerifier(remote('http://127.0.0.1:9/jwks.json'), LOGIN_CONFIG);
    expect(await outcome(await identityToken(), NOW, closed)).toMatch(/^identity_unavailable: /);
  });

  it('makes KeyObjects once from a static JWKS', async () => {
    const source = createIdentityKeySource(IDENTITY);
    const keys = await source.keys();
    expect(keys.map((k) => [k.kid, k.key?.asymmetricKeyType])).toEqual([[IDP_KID, 'ec']]);
    expect(await source.keys()).toBe(keys);
  });
});
