/**
 * The gate's own verifier against jose's `jwtVerify`, configured with the same rules, on every token of
 * the suite. They must agree, except where the gate is deliberately stricter (marked in the table) —
 * and there the gate must refuse what jose accepts, or the mark is wrong.
 */
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { jwtVerify, type JWTHeaderParameters } from 'jose';
import { describe, expect, it } from 'vitest';
import { tokenCases } from './cases/token-cases';
import { coreFor } from './helpers/core';
import { CONFIG } from './helpers/keys';
import { NOW } from './helpers/tokens';

const { tokens, keys } = coreFor();
const joseKeys = new Map<string, KeyObject>(
  CONFIG.keys.map((k) => [
    k.kid,
    k.alg === 'HS256'
      ? createSecretKey(Buffer.from(k.secret, 'base64url'))
      : createPublicKey({ key: k.publicKeyJwk as import('node:crypto').JsonWebKey, format: 'jwk' }),
  ]),
);
const tenantPattern = new RegExp(CONFIG.tenantPattern);

async function joseAccepts(token: string): Promise<{ ok: boolean; tenant?: unknown }> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header: JWTHeaderParameters) => {
        const key = typeof header.kid === 'string' ? joseKeys.get(header.kid) : undefined;
        if (!key) throw new Error('unknown kid');
        return key;
      },
      {
        algorithms: ['HS256', 'ES256', 'RS256', 'EdDSA'],
        issuer: CONFIG.issuer,
        audience: CONFIG.audience,
        requiredClaims: ['iss', 'aud', 'exp', 'iat', CONFIG.tenantClaim],
        typ: 'tenant+jwt',
        clockTolerance: CONFIG.clockToleranceSeconds,
        currentDate: new Date(NOW * 1000),
      },
    );
    // jose has no notion of a tenant: apply the configured pattern to what it returns, as an app would.
    const tenant = payload[CONFIG.tenantClaim];
    return { ok: typeof tenant === 'string' && tenantPattern.test(tenant), tenant };
  } catch {
    return { ok: false };
  }
}

describe('differential: gate vs jose jwtVerify', () => {
  it.each(tokenCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const gate = tokens.verify(c.token, keys, NOW);
    const jose = await joseAccepts(c.token);
    if (c.stricterThanJose) {
      expect({ gate: gate.ok, jose: jose.ok }).toEqual({ gate: false, jose: true });
    } else {
      expect(gate.ok).toBe(jose.ok);
      if (gate.ok) expect(gate.token.tenant).toBe(jose.tenant);
    }
  });

  it('covers both verdicts and every algorithm', () => {
    expect(tokenCases.filter((c) => c.expect === 'ok').length).toBeGreaterThan(5);
    expect(tokenCases.filter((c) => c.expect !== 'ok').length).toBeGreaterThan(50);
  });
});
