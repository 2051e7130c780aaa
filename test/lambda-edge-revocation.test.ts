/**
 * How revocation reaches Lambda@Edge (functions/revocation-cache.ts): the login's answer per tenant and user,
 * used for `cacheSeconds`, kept while the login cannot answer until `maxStaleSeconds` old, then refused. The
 * bound is tested on a frozen clock: a revoked credential never passes later than `maxStaleSeconds` after the
 * revocation, and within `cacheSeconds` while the login answers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRevocationCache } from '../functions/revocation-cache';
import type { VerifiedToken } from '../src/token';

const T0 = 1_800_000_000;
const CACHE = 60;
const STALE = 300;

function credential(tenant = 'acme', subject: string | undefined = 'alice', iat = T0 - 10): VerifiedToken {
  return {
    kind: 'session',
    kid: 'k',
    tenant,
    exp: iat + 900,
    iat,
    subject,
    path: undefined,
    ip: undefined,
    scopeClaims: undefined,
  };
}

/** A login whose answer and availability the test sets; it counts the questions. */
function login() {
  const state = { notBefore: 0, up: true, status: 200, body: undefined as string | undefined, asked: [] as string[] };
  const fetch = async (_url: string, init: { headers: Record<string, string> }) => {
    state.asked.push(init.headers.cookie!);
    if (!state.up) throw new TypeError('fetch failed');
    return new Response(state.body ?? JSON.stringify({ notBefore: state.notBefore }), { status: state.status });
  };
  const cache = createRevocationCache({
    url: 'https://cdn.example.com/auth/revocation',
    cookieName: '__Host-tenant',
    cacheSeconds: CACHE,
    maxStaleSeconds: STALE,
    fetch,
  });
  return { state, cache };
}

describe('the revocation cache of Lambda@Edge', () => {
  it('asks once per tenant and user within cacheSeconds, presenting the credential as the session cookie', async () => {
    const { state, cache } = login();
    expect(await cache.notBefore(credential(), 'tok-a', T0)).toBe(0);
    expect(await cache.notBefore(credential(), 'tok-a2', T0 + CACHE - 1)).toBe(0);
    expect(await cache.notBefore(credential('acme', 'bob'), 'tok-b', T0)).toBe(0);
    expect(await cache.notBefore(credential('globex'), 'tok-g', T0)).toBe(0);
    expect(state.asked).toEqual(['__Host-tenant=tok-a', '__Host-tenant=tok-b', '__Host-tenant=tok-g']);
  });

  it('a burst of requests waits for one answer', async () => {
    const { state, cache } = login();
    const answers = await Promise.all([1, 2, 3, 4].map(() => cache.notBefore(credential(), 'tok', T0)));
    expect(answers).toEqual([0, 0, 0, 0]);
    expect(state.asked).toHaveLength(1);
  });

  it('honours a revocation within cacheSeconds while the login answers', async () => {
    const { state, cache } = login();
    await cache.notBefore(credential(), 'tok', T0);
    state.notBefore = T0 + 1; // revoked at T0 + 1
    expect(await cache.notBefore(credential(), 'tok', T0 + CACHE - 1)).toBe(0); // still the cached answer
    expect(await cache.notBefore(credential(), 'tok', T0 + CACHE)).toBe(T0 + 1); // asked again
  });

  it('keeps the last answer while the login is down, until maxStaleSeconds, then knows nothing (the gate refuses)', async () => {
    const { state, cache } = login();
    await cache.notBefore(credential(), 'tok', T0);
    state.up = false;
    expect(await cache.notBefore(credential(), 'tok', T0 + CACHE)).toBe(0);
    expect(await cache.notBefore(credential(), 'tok', T0 + STALE - 1)).toBe(0);
    expect(await cache.notBefore(credential(), 'tok', T0 + STALE)).toBeUndefined();
    state.up = true;
    state.notBefore = T0 + 7;
    expect(await cache.notBefore(credential(), 'tok', T0 + STALE + 1)).toBe(T0 + 7);
  });

  it.each([
    ['the login down, nothing known yet', { up: false }],
    ['a 503 (the login cannot read the store)', { status: 503, body: '{"error":"revocation_unavailable"}' }],
    ['a 401 (the login refuses the credential)', { status: 401, body: '{"error":"invalid_session"}' }],
    ['not JSON', { body: 'oops' }],
    ['no notBefore', { body: '{}' }],
    ['a negative epoch', { body: '{"notBefore":-1}' }],
    ['a fraction', { body: '{"notBefore":1.5}' }],
    ['a string', { body: '{"notBefore":"0"}' }],
  ])('knows nothing from %s: the gate refuses (503), never guesses', async (_name, given) => {
    const { state, cache } = login();
    Object.assign(state, given);
    expect(await cache.notBefore(credential(), 'tok', T0)).toBeUndefined();
  });

  it('remembers at most maxEntries tenants and users, forgetting the oldest', async () => {
    const state = { asked: 0 };
    const cache = createRevocationCache({
      url: 'https://cdn.example.com/auth/revocation',
      cookieName: 'c',
      cacheSeconds: CACHE,
      maxStaleSeconds: STALE,
      maxEntries: 2,
      fetch: async () => {
        state.asked++;
        return new Response('{"notBefore":0}');
      },
    });
    for (const sub of ['a', 'b', 'c', 'a']) await cache.notBefore(credential('acme', sub), 't', T0);
    expect(state.asked).toBe(4); // `a` was forgotten when `c` came
  });

  it('the bound, as a property: an answer older than maxStaleSeconds is never used', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ step: fc.integer({ min: 0, max: 200 }), up: fc.boolean() }), {
          minLength: 1,
          maxLength: 30,
        }),
        async (steps) => {
          const { state, cache } = login();
          let now = T0;
          let lastAnswerAt: number | undefined;
          for (const { step, up } of steps) {
            now += step;
            state.up = up;
            state.notBefore = now; // every answer differs: the one returned tells its age
            const got = await cache.notBefore(credential(), 'tok', now);
            if (got !== undefined) {
              expect(now - got).toBeLessThan(STALE);
              if (got === now) lastAnswerAt = now;
            } else expect(lastAnswerAt === undefined || now - lastAnswerAt >= STALE).toBe(true);
          }
        },
      ),
    );
  });
});
