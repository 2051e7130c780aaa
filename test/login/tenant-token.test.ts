/**
 * The minter writes jose's bytes without jose's WebCrypto round trip: identical to SignJWT for the
 * deterministic algorithms, accepted by jwtVerify for ES256, and accepted by the edge gate for all four.
 */
import { createPublicKey } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { KeyConfig } from '../../config/gate';
import type { SigningKey } from '../../login/keys';
import { createTenantTokenMinter } from '../../login/tenant-token';
import { coreFor } from '../helpers/core';
import { CONFIG, privateKey, type Kid } from '../helpers/keys';
import { NOW } from '../helpers/tokens';

const minter = createTenantTokenMinter(CONFIG);
const core = coreFor();
const KIDS: Kid[] = ['hs-2026-11', 'es-2026-11', 'rs-2026-11', 'ed-2026-11'];
const claims = { sub: 'alice', tenant: 'acme', iat: NOW - 10, exp: NOW + 600 };

function signingKey(kid: Kid): SigningKey {
  const config = CONFIG.keys.find((k) => k.kid === kid)!;
  return { kid, alg: config.alg as KeyConfig['alg'], key: privateKey(kid) };
}

function jose(kid: Kid, typ: string, extra: Record<string, unknown>): Promise<string> {
  const key = signingKey(kid);
  return new SignJWT({ tid: claims.tenant, ...extra })
    .setProtectedHeader({ alg: key.alg, typ, kid })
    .setIssuer(CONFIG.issuer)
    .setAudience(CONFIG.audience)
    .setSubject(claims.sub)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(key.alg === 'HS256' ? new Uint8Array(privateKey(kid).export()) : privateKey(kid));
}

describe.each(KIDS)('%s', (kid) => {
  it("session token: jose's bytes, accepted by jose and by the gate", async () => {
    const token = await minter.session(signingKey(kid), claims);
    if (kid !== 'es-2026-11') expect(token).toBe(await jose(kid, 'tenant+jwt', {}));
    const key = kid.startsWith('hs') ? new Uint8Array(privateKey(kid).export()) : createPublicKey(privateKey(kid));
    const { payload } = await jwtVerify(token, key, {
      issuer: CONFIG.issuer,
      audience: CONFIG.audience,
      typ: 'tenant+jwt',
      currentDate: new Date(NOW * 1000),
    });
    expect(payload).toEqual({
      tid: 'acme',
      iss: CONFIG.issuer,
      aud: CONFIG.audience,
      sub: 'alice',
      iat: NOW - 10,
      exp: NOW + 600,
    });
    const result = core.tokens.verify(token, core.keys, NOW);
    expect(result.ok && result.token).toMatchObject({ kind: 'session', tenant: 'acme', kid });
  });

  it("link token: jose's bytes, bound to its path and IP", async () => {
    const token = await minter.link(signingKey(kid), { ...claims, path: '/files/a.pdf', ip: '192.0.2.4' });
    if (kid !== 'es-2026-11')
      expect(token).toBe(await jose(kid, 'tenant-link+jwt', { pth: '/files/a.pdf', cip: '192.0.2.4' }));
    const result = core.tokens.verify(token, core.keys, NOW);
    expect(result.ok && result.token).toMatchObject({ kind: 'link', path: '/files/a.pdf', ip: '192.0.2.4' });
  });
});

describe('the minter refuses to mint what the gate would refuse', () => {
  const key = signingKey('hs-2026-11');
  it.each<[string, () => Promise<string>, string]>([
    [
      'a tenant outside tenantPattern',
      () => minter.session(key, { ...claims, tenant: 'Acme' }),
      'tenant does not match tenantPattern',
    ],
    [
      'a session over maxTokenLifetimeSeconds',
      () => minter.session(key, { ...claims, exp: claims.iat + 3601 }),
      'lifetime 3601s exceeds 3600s',
    ],
    [
      'a link over maxLinkLifetimeSeconds',
      () => minter.link(key, { ...claims, exp: claims.iat + 172801, path: '/files/x' }),
      'lifetime 172801s exceeds 172800s',
    ],
    [
      'an IPv6 link binding not in canonical form (RFC 5952)',
      () => minter.link(key, { ...claims, path: '/files/x', ip: '2001:DB8:0::1' }),
      'link ip must be an IPv4 dotted quad or a canonical IPv6 address',
    ],
    ['exp before iat', () => minter.session(key, { ...claims, exp: claims.iat }), 'bad iat/exp'],
  ])('%s', async (_name, mint, message) => {
    await expect(mint()).rejects.toThrow(message);
  });
});
