/**
 * The fast identity verifier (node:crypto KeyObjects, login/identity.ts) against jose's `jwtVerify`, configured
 * as the login configured it before (the oracle below is that code): over every identity-token case, both give
 * the same outcome — the same identity, or the same refusal code and reason.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { createLocalJWKSet, errors, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { IDENTITY_ALGORITHMS, type IdentityConfig } from '../../config/login';
import { LoginError } from '../../login/errors';
import { createIdentityVerifier } from '../../login/identity';
import { isSafeTenantSegment } from '../../src/tenant-path';
import { IDP_ISSUER, IDP_KID, IDP_PRIVATE_KEY, identityToken, LOGIN_CONFIG, NOW } from './helpers';

const pair = (type: 'rsa' | 'ec' | 'ed25519', option?: number | string) =>
  type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: option as number })
    : type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: option as string })
      : generateKeyPairSync('ed25519');

const RSA = pair('rsa', 2048);
const PSS = pair('rsa', 2048);
const P384 = pair('ec', 'P-384');
const ED = pair('ed25519');
const TWIN = pair('ec', 'P-256');

const jwk = (key: KeyObject, members: Record<string, unknown>) => ({
  ...createPublicKey(key).export({ format: 'jwk' }),
  ...members,
});

const JWKS = {
  keys: [
    jwk(IDP_PRIVATE_KEY, { kid: IDP_KID, alg: 'ES256', use: 'sig' }),
    jwk(RSA.privateKey, { kid: 'rsa', use: 'sig' }),
    jwk(PSS.privateKey, { kid: 'pss', alg: 'PS256' }),
    jwk(P384.privateKey, { kid: 'p384', alg: 'ES384', key_ops: ['verify'] }),
    jwk(ED.privateKey, { kid: 'ed', alg: 'EdDSA' }),
    // Two keys under one kid: ambiguous.
    jwk(TWIN.privateKey, { kid: 'twin' }),
    jwk(IDP_PRIVATE_KEY, { kid: 'twin' }),
    // Keys that must never verify a signature.
    jwk(TWIN.privateKey, { kid: 'enc', use: 'enc' }),
    jwk(TWIN.privateKey, { kid: 'ops', key_ops: ['encrypt'] }),
  ],
};

const IDENTITY: IdentityConfig = {
  ...LOGIN_CONFIG.login.identity,
  jwks: JWKS as IdentityConfig['jwks'],
  jwksUrl: null,
  algorithms: [...IDENTITY_ALGORITHMS],
};
const fast = createIdentityVerifier(IDENTITY, LOGIN_CONFIG);

/** The login's identity check as it was: jose's jwtVerify with every optional check made explicit. */
async function oracle(token: string, now: number): Promise<string> {
  const keySet = createLocalJWKSet(JWKS as Parameters<typeof createLocalJWKSet>[0]);
  if (token.length > 8192) return 'invalid_identity: token too long';
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keySet, {
      issuer: IDENTITY.issuer,
      audience: IDENTITY.audience,
      algorithms: IDENTITY.algorithms,
      requiredClaims: ['exp', 'sub', IDENTITY.tenantClaim],
      clockTolerance: LOGIN_CONFIG.clockToleranceSeconds,
      currentDate: new Date(now * 1000),
    }));
  } catch (error) {
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === IDENTITY.tenantClaim)
      return 'tenant_invalid: tenant claim missing';
    return `invalid_identity: ${(error as errors.JOSEError).code ?? (error as Error).name}`;
  }
  const tenant = payload[IDENTITY.tenantClaim];
  if (
    typeof tenant !== 'string' ||
    !new RegExp(LOGIN_CONFIG.tenantPattern).test(tenant) ||
    !isSafeTenantSegment(tenant)
  )
    return 'tenant_invalid: tenant claim does not match tenantPattern';
  if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.exp !== 'number')
    return 'invalid_identity: sub or exp malformed';
  return `${payload.sub}@${tenant} until ${Math.floor(payload.exp)}`;
}

async function outcome(token: string, now: number): Promise<string> {
  try {
    const who = await fast.verify(token, now);
    return `${who.sub}@${who.tenant} until ${who.exp}`;
  } catch (error) {
    if (error instanceof LoginError) return `${error.code}: ${error.reason}`;
    throw error;
  }
}

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

async function signed(header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject) {
  return new SignJWT({
    iss: IDP_ISSUER,
    aud: 'saas-app',
    sub: 'alice',
    'custom:tenant_id': 'acme',
    iat: NOW - 60,
    exp: NOW + 3600,
    ...claims,
  })
    .setProtectedHeader(header as { alg: string })
    .sign(key);
}

const good = await identityToken();
const [goodHeader, goodPayload, goodSignature] = good.split('.') as [string, string, string];

const CASES: [string, () => Promise<string>][] = [
  ['ES256', async () => good],
  ['RS256 without alg in the JWK', () => signed({ alg: 'RS256', kid: 'rsa' }, {}, RSA.privateKey)],
  ['RS384 and RS512 under one key', () => signed({ alg: 'RS512', kid: 'rsa' }, {}, RSA.privateKey)],
  ['PS256', () => signed({ alg: 'PS256', kid: 'pss' }, {}, PSS.privateKey)],
  ['PS384 on a PS256-only key', () => signed({ alg: 'PS384', kid: 'pss' }, {}, PSS.privateKey)],
  ['no kid, one usable key', () => signed({ alg: 'EdDSA' }, {}, ED.privateKey)],
  ['ES384', () => signed({ alg: 'ES384', kid: 'p384' }, {}, P384.privateKey)],
  ['EdDSA', () => signed({ alg: 'EdDSA', kid: 'ed' }, {}, ED.privateKey)],
  ['no kid: several usable keys, ambiguous', () => signed({ alg: 'ES256' }, {}, IDP_PRIVATE_KEY)],
  ['two keys share a kid (the first would verify)', () => signed({ alg: 'ES256', kid: 'twin' }, {}, TWIN.privateKey)],
  ['two keys share a kid (the second would verify)', () => signed({ alg: 'ES256', kid: 'twin' }, {}, IDP_PRIVATE_KEY)],
  ['a key for encryption', () => signed({ alg: 'ES256', kid: 'enc' }, {}, TWIN.privateKey)],
  ['a key whose key_ops lack verify', () => signed({ alg: 'ES256', kid: 'ops' }, {}, TWIN.privateKey)],
  ['ES256 naming an RSA kid', () => signed({ alg: 'ES256', kid: 'rsa' }, {}, IDP_PRIVATE_KEY)],
  ['an unknown kid', () => signed({ alg: 'ES256', kid: 'nope' }, {}, IDP_PRIVATE_KEY)],
  ['a kid that is a number', async () => `${b64({ alg: 'ES256', kid: 7 })}.${goodPayload}.${goodSignature}`],
  ['signed by another key', () => signed({ alg: 'ES256', kid: IDP_KID }, {}, TWIN.privateKey)],
  ['alg none', async () => `${b64({ alg: 'none' })}.${goodPayload}.`],
  ['alg HS256', async () => `${b64({ alg: 'HS256', kid: IDP_KID })}.${goodPayload}.${goodSignature}`],
  ['no alg', async () => `${b64({ kid: IDP_KID })}.${goodPayload}.${goodSignature}`],
  ['a header that is not an object', async () => `${b64('[1]')}.${goodPayload}.${goodSignature}`],
  ['a header that is not JSON', async () => `${b64('{')}.${goodPayload}.${goodSignature}`],
  ['a payload that is not JSON', async () => `${goodHeader}.${b64('{')}.${goodSignature}`],
  ['a payload swapped under the signature', async () => `${goodHeader}.${b64({ sub: 'mallory' })}.${goodSignature}`],
  ['a truncated signature', async () => `${goodHeader}.${goodPayload}.${goodSignature.slice(0, 80)}`],
  ['an empty signature', async () => `${goodHeader}.${goodPayload}.`],
  ['two parts', async () => `${goodHeader}.${goodPayload}`],
  ['four parts', async () => `${good}.x`],
  ['a character outside base64url', async () => `${goodHeader}.${goodPayload}.${goodSignature.slice(1)}!`],
  ['expired', () => signed({ alg: 'ES256', kid: IDP_KID }, { exp: NOW - 31 }, IDP_PRIVATE_KEY)],
  ['expired within tolerance', () => signed({ alg: 'ES256', kid: IDP_KID }, { exp: NOW - 29 }, IDP_PRIVATE_KEY)],
  ['exp exactly now minus tolerance', () => signed({ alg: 'ES256', kid: IDP_KID }, { exp: NOW - 30 }, IDP_PRIVATE_KEY)],
  ['exp a string', () => signed({ alg: 'ES256', kid: IDP_KID }, { exp: String(NOW + 60) }, IDP_PRIVATE_KEY)],
  ['exp fractional', () => signed({ alg: 'ES256', kid: IDP_KID }, { exp: NOW + 60.7 }, IDP_PRIVATE_KEY)],
  ['nbf in the future', () => signed({ alg: 'ES256', kid: IDP_KID }, { nbf: NOW + 31 }, IDP_PRIVATE_KEY)],
  ['nbf within tolerance', () => signed({ alg: 'ES256', kid: IDP_KID }, { nbf: NOW + 30 }, IDP_PRIVATE_KEY)],
  ['iat a string', () => signed({ alg: 'ES256', kid: IDP_KID }, { iat: 'yesterday' }, IDP_PRIVATE_KEY)],
  ['another issuer', () => signed({ alg: 'ES256', kid: IDP_KID }, { iss: 'https://evil.example' }, IDP_PRIVATE_KEY)],
  ['an audience array', () => signed({ alg: 'ES256', kid: IDP_KID }, { aud: ['x', 'saas-app'] }, IDP_PRIVATE_KEY)],
  ['another audience', () => signed({ alg: 'ES256', kid: IDP_KID }, { aud: ['x'] }, IDP_PRIVATE_KEY)],
  ['an audience number', () => signed({ alg: 'ES256', kid: IDP_KID }, { aud: 7 }, IDP_PRIVATE_KEY)],
  ['sub a number', () => signed({ alg: 'ES256', kid: IDP_KID }, { sub: 7 }, IDP_PRIVATE_KEY)],
  ['sub empty', () => signed({ alg: 'ES256', kid: IDP_KID }, { sub: '' }, IDP_PRIVATE_KEY)],
  ['sub null', () => signed({ alg: 'ES256', kid: IDP_KID }, { sub: null }, IDP_PRIVATE_KEY)],
  [
    'a tenant the gate refuses',
    () => signed({ alg: 'ES256', kid: IDP_KID }, { 'custom:tenant_id': '..' }, IDP_PRIVATE_KEY),
  ],
  ['a tenant null', () => signed({ alg: 'ES256', kid: IDP_KID }, { 'custom:tenant_id': null }, IDP_PRIVATE_KEY)],
  ['no tenant and no sub', () => identityToken({ without: ['custom:tenant_id', 'sub'] })],
  ['no iss and no exp', () => identityToken({ without: ['iss', 'exp'] })],
  ['no aud', () => identityToken({ without: ['aud'] })],
  ['far too long', async () => `${good}${'A'.repeat(9000)}`],
];

describe('the fast identity verifier agrees with jose', () => {
  it.each(CASES)('%s', async (_name, make) => {
    const token = await make();
    for (const at of [NOW, NOW + 3600 + 29, NOW + 3600 + 30])
      expect(await outcome(token, at)).toBe(await oracle(token, at));
  });

  it('and on every single-character change of a valid token (property)', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    await fc.assert(
      fc.asyncProperty(fc.nat(good.length - 1), fc.nat(alphabet.length - 1), async (i, c) => {
        const token = `${good.slice(0, i)}${alphabet[c]}${good.slice(i + 1)}`;
        const [mine, jose] = [await outcome(token, NOW), await oracle(token, NOW)];
        // Accepted by both or refused by both with the same code (the reason may name another first failure).
        expect(mine.split(':')[0]).toBe(jose.split(':')[0]);
      }),
      { numRuns: 300 },
    );
  });
});
