/**
 * The cache, keyed as CloudFront keys it: on the request after the viewer-request function. Two tenants
 * asking for the same viewer path never get each other's bytes, even right after a hit — and the same gate
 * at origin-request (keyed on the viewer path, run on misses only) leaks, which the doctor flags.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../deploy/doctor';
import {
  cacheKey,
  cachePolicyFrom,
  LocalCache,
  MANAGED_CACHE_POLICIES,
  ttlSeconds,
  type CachePolicy,
} from '../../local/cache';
import { Distribution } from '../../local/distribution';
import { functionOrigin } from '../../local/origin';
import { response } from '../../local/http-message';
import { filesDistribution, headerOf, NOW_S, ROOT, sessionToken, viewerRequest, type GateKind } from './helpers';

const OPTIMIZED = MANAGED_CACHE_POLICIES.CachingOptimized!;
const DISABLED = MANAGED_CACHE_POLICIES.CachingDisabled!;
/** A custom policy that leaves the lifetime to the origin: TTL 0 / 0 / 1 year, nothing but the uri in the key. */
const ORIGIN_HEADERS = cachePolicyFrom({ Name: 'origin-headers', MinTTL: 0, DefaultTTL: 0, MaxTTL: 31536000 });

describe('TTL from Cache-Control within the policy bounds', () => {
  const ok = (cacheControl?: string) =>
    response(200, cacheControl === undefined ? [] : [['cache-control', cacheControl]], 'x');
  it.each<[CachePolicy, string | undefined, number]>([
    [OPTIMIZED, undefined, 86400],
    [OPTIMIZED, 'max-age=60', 60],
    [OPTIMIZED, 'max-age=60, s-maxage=5', 5],
    [OPTIMIZED, 'max-age=0', 1],
    [OPTIMIZED, 'no-store', 1],
    [OPTIMIZED, 'private, max-age=600', 1],
    [OPTIMIZED, 'max-age=99999999999', 31536000],
    [ORIGIN_HEADERS, undefined, 0],
    [ORIGIN_HEADERS, 'no-cache', 0],
    [ORIGIN_HEADERS, 'max-age=30', 30],
    [DISABLED, 'max-age=30', 0],
  ])('%s with Cache-Control %s → %i s', (policy, cacheControl, ttl) => {
    expect(ttlSeconds(policy, ok(cacheControl))).toBe(ttl);
  });

  it('keeps 200 responses only', () => {
    expect(ttlSeconds(OPTIMIZED, response(404, [['cache-control', 'max-age=60']]))).toBe(0);
    expect(ttlSeconds(OPTIMIZED, response(206, []))).toBe(0);
  });

  it('keys on the forwarded uri, GET and HEAD together, the query only when the policy says so', () => {
    expect(cacheKey(OPTIMIZED, { uri: '/tenants/acme/files/a.png', querystring: 'v=2' }, 'localhost')).toBe(
      'GET|HEAD localhost/tenants/acme/files/a.png',
    );
    const withQuery = cachePolicyFrom({
      Name: 'with-query',
      MinTTL: 0,
      DefaultTTL: 0,
      MaxTTL: 31536000,
      ParametersInCacheKeyAndForwardedToOrigin: {
        EnableAcceptEncodingGzip: false,
        QueryStringsConfig: { QueryStringBehavior: 'all' },
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
      },
    });
    expect(cacheKey(withQuery, { uri: '/a', querystring: 'v=2' }, 'localhost')).toBe('GET|HEAD localhost/a?v=2');
  });

  it('expires entries at their TTL', () => {
    const cache = new LocalCache();
    cache.put('k', response(200, [], 'x'), 10, 0);
    expect(cache.get('k', 9_999)?.ageSeconds).toBe(9);
    expect(cache.get('k', 10_000)).toBeUndefined();
  });
});

describe('through a distribution: Hit, Miss, Cache-Control honoured', () => {
  it('a second request is a hit, with Age, and the origin is asked once', async () => {
    const { distribution, clock, origin } = await filesDistribution();
    const cookie = `__Host-tenant=${sessionToken('acme')}`;
    const first = await distribution.handle(viewerRequest('/files/welcome.txt', { cookie }));
    clock.advance(3000);
    const second = await distribution.handle(viewerRequest('/files/welcome.txt', { cookie }));
    expect([first.resultType, headerOf(first.response, 'x-cache')]).toEqual(['Miss', 'Miss from local']);
    expect([second.resultType, headerOf(second.response, 'x-cache'), headerOf(second.response, 'age')]).toEqual([
      'Hit',
      'Hit from local',
      '3',
    ]);
    expect(second.response.body.equals(first.response.body)).toBe(true);
    expect(origin.calls).toEqual(['GET /tenants/acme/files/welcome.txt']);
  });

  it('an origin answer with no-store is not kept when MinTTL is 0', async () => {
    let calls = 0;
    const origin = functionOrigin('no-store', async () => {
      calls++;
      return response(200, [['cache-control', 'no-store']], 'fresh');
    });
    const clock = () => NOW_S * 1000;
    const distribution = new Distribution({
      domain: 'localhost',
      clock,
      behaviors: [{ pathPattern: '*', origin, cachePolicy: ORIGIN_HEADERS }],
    });
    await distribution.handle(viewerRequest('/a'));
    const again = await distribution.handle(viewerRequest('/a'));
    expect([again.resultType, calls]).toEqual(['Miss', 2]);
  });

  it('max-age=1 is honoured: a hit within the second, a miss after', async () => {
    const origin = functionOrigin('short', async () => response(200, [['cache-control', 'max-age=1']], 'x'));
    let now = NOW_S * 1000;
    const distribution = new Distribution({
      domain: 'localhost',
      clock: () => now,
      behaviors: [{ pathPattern: '*', origin, cachePolicy: ORIGIN_HEADERS }],
    });
    await distribution.handle(viewerRequest('/a'));
    expect((await distribution.handle(viewerRequest('/a'))).resultType).toBe('Hit');
    now += 1000;
    expect((await distribution.handle(viewerRequest('/a'))).resultType).toBe('Miss');
  });

  it('a response generated by the viewer-request function is never cached', async () => {
    const { distribution, origin } = await filesDistribution();
    const first = await distribution.handle(viewerRequest('/files/welcome.txt'));
    const second = await distribution.handle(viewerRequest('/files/welcome.txt'));
    expect([first.response.status, first.resultType, second.resultType]).toEqual([
      401,
      'LambdaGeneratedResponse',
      'LambdaGeneratedResponse',
    ]);
    expect(origin.calls).toEqual([]);
    expect(distribution.cache.keys()).toEqual([]);
  });
});

describe.each<GateKind>(['lambda-edge', 'cloudfront-function'])(
  'tenant isolation in the cache, gate = %s at viewer-request',
  (gate) => {
    it("two tenants asking for the same viewer path never get each other's bytes, even right after a hit", async () => {
      const { distribution } = await filesDistribution({ gate });
      const acme = `__Host-tenant=${sessionToken('acme')}`;
      const globex = `__Host-tenant=${sessionToken('globex')}`;
      const a1 = await distribution.handle(viewerRequest('/files/welcome.txt', { cookie: acme }));
      const a2 = await distribution.handle(viewerRequest('/files/welcome.txt', { cookie: acme }));
      // Right after acme's hit, globex asks for the very same viewer path.
      const g1 = await distribution.handle(viewerRequest('/files/welcome.txt', { cookie: globex }));
      const g2 = await distribution.handle(viewerRequest('/files/welcome.txt', { cookie: globex }));
      const a3 = await distribution.handle(viewerRequest('/files/welcome.txt', { cookie: acme }));
      expect([a1, a2, g1, g2, a3].map((e) => e.resultType)).toEqual(['Miss', 'Hit', 'Miss', 'Hit', 'Hit']);
      for (const e of [a1, a2, a3]) expect(e.response.body.toString()).toContain('Acme');
      for (const e of [g1, g2]) expect(e.response.body.toString()).toContain('Globex');
      for (const e of [a1, a2, a3]) expect(e.response.body.toString()).not.toContain('Globex');
      expect(distribution.cache.keys().sort()).toEqual([
        'GET|HEAD localhost/tenants/acme/files/welcome.txt',
        'GET|HEAD localhost/tenants/globex/files/welcome.txt',
      ]);
    });

    it('a request without a credential gets the refusal even when the object is cached', async () => {
      const { distribution } = await filesDistribution({ gate });
      await distribution.handle(
        viewerRequest('/files/welcome.txt', { cookie: `__Host-tenant=${sessionToken('acme')}` }),
      );
      const anonymous = await distribution.handle(viewerRequest('/files/welcome.txt'));
      expect(anonymous.response.status).toBe(401);
      expect(anonymous.response.body.toString()).not.toContain('Acme');
    });
  },
);

describe('the same gate at origin-request leaks across tenants', () => {
  it("keys on the viewer path and runs the gate only on a miss: globex gets acme's bytes", async () => {
    const { distribution, origin } = await filesDistribution({ event: 'origin-request' });
    const acme = await distribution.handle(
      viewerRequest('/files/welcome.txt', { cookie: `__Host-tenant=${sessionToken('acme')}` }),
    );
    const globex = await distribution.handle(
      viewerRequest('/files/welcome.txt', { cookie: `__Host-tenant=${sessionToken('globex')}` }),
    );
    const nobody = await distribution.handle(viewerRequest('/files/welcome.txt'));
    expect(acme.response.body.toString()).toContain('Acme');
    // The leak: a hit on the viewer path, served without running the gate.
    expect(globex.resultType).toBe('Hit');
    expect(globex.response.body.toString()).toContain('Acme');
    expect(nobody.response.status).toBe(200);
    expect(nobody.response.body.toString()).toContain('Acme');
    expect(distribution.cache.keys()).toEqual(['GET|HEAD localhost/files/welcome.txt']);
    expect(origin.calls).toEqual(['GET /tenants/acme/files/welcome.txt']);
  });

  it('is what the doctor flags: GATE_WRONG_EVENT, an error', () => {
    const config = JSON.parse(
      readFileSync(join(ROOT, 'test/fixtures/distribution-config/gate-at-origin-request.json'), 'utf8'),
    ) as DistributionConfig;
    const findings = diagnose(config, { gatedPathPatterns: ['/files/*'], tokenLifetimeSeconds: 900, ipBinding: false });
    expect(findings.find((f) => f.code === 'GATE_WRONG_EVENT')).toMatchObject({ severity: 'error' });
  });
});
