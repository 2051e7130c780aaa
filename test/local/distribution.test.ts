/** Behaviors by path pattern, first match wins, default `*`; matching on the normalized path; allowed methods. */
import { describe, expect, it } from 'vitest';
import { MANAGED_CACHE_POLICIES } from '../../local/cache';
import {
  ALL_METHODS,
  Distribution,
  matchBehavior,
  matchesPathPattern,
  normalizeForMatching,
  type Behavior,
} from '../../local/distribution';
import { response } from '../../local/http-message';
import { functionOrigin } from '../../local/origin';
import { viewerRequest } from './helpers';

function named(name: string) {
  return functionOrigin(name, async (request) =>
    response(
      200,
      [
        ['x-origin', name],
        ['x-uri', request.uri],
        ['x-host', request.headers.find(([n]) => n.toLowerCase() === 'host')?.[1] ?? ''],
        ['x-origin-header', request.headers.find(([n]) => n.toLowerCase() === 'origin')?.[1] ?? ''],
      ],
      name,
    ),
  );
}

const DISABLED = MANAGED_CACHE_POLICIES.CachingDisabled!;
const BEHAVIORS: Behavior[] = [
  { pathPattern: '/auth/*', origin: named('login'), allowedMethods: ALL_METHODS, cachePolicy: DISABLED },
  { pathPattern: '/files/*.png', origin: named('images'), cachePolicy: DISABLED },
  { pathPattern: 'files/*', origin: named('files'), cachePolicy: DISABLED },
  { pathPattern: '/v?/api', origin: named('api'), cachePolicy: DISABLED },
  { pathPattern: '*', origin: named('spa'), cachePolicy: DISABLED },
];

describe('path patterns', () => {
  it.each<[string, string, boolean]>([
    ['/files/*', '/files/a/b.png', true],
    ['/files/*', '/files/', true],
    ['/files/*', '/files', false],
    ['/files/*', '/Files/a', false],
    ['files/*', '/files/a', true],
    ['/*.png', '/a/b/c.png', true],
    ['/v?/api', '/v1/api', true],
    ['/v?/api', '/v10/api', false],
    ['/a.b', '/aXb', false],
    ['*', '/anything/at/all', true],
  ])('%s against %s → %s', (pattern, path, expected) => {
    expect(matchesPathPattern(pattern, path)).toBe(expected);
  });

  it.each([
    ['/files/../auth/session', '/auth/session'],
    ['/files/./a', '/files/a'],
    ['//files//a', '/files/a'],
    ['/a/b/', '/a/b/'],
    ['/..', '/'],
  ])('normalizes %s to %s for matching only', (uri, normalized) => {
    expect(normalizeForMatching(uri)).toBe(normalized);
  });
});

describe('first match wins, the default behavior last', () => {
  it.each([
    ['/auth/session', 'login'],
    ['/files/logo.png', 'images'],
    ['/files/welcome.txt', 'files'],
    ['/v2/api', 'api'],
    ['/', 'spa'],
    ['/index.html', 'spa'],
    ['/tenants/globex/files/welcome.txt', 'spa'],
    ['/files/../auth/session', 'login'],
  ])('%s → %s', async (uri, origin) => {
    expect(matchBehavior(BEHAVIORS, uri)?.origin.description).toBe(origin);
  });

  it('sends the raw uri on, not the normalized one (docs/platform.md#uri-handling: the gate must refuse dot segments itself)', async () => {
    const distribution = new Distribution({ domain: 'localhost', clock: Date.now, behaviors: BEHAVIORS });
    const exchange = await distribution.handle(viewerRequest('/files/../auth/session'));
    expect(exchange.response.headers).toContainEqual(['x-origin', 'login']);
    expect(exchange.response.headers).toContainEqual(['x-uri', '/files/../auth/session']);
  });

  it("refuses a method the behavior does not allow with CloudFront's 403", async () => {
    const distribution = new Distribution({ domain: 'localhost', clock: Date.now, behaviors: BEHAVIORS });
    const post = await distribution.handle(viewerRequest('/files/a.txt', { method: 'POST' }));
    expect(post.response.status).toBe(403);
    expect(post.response.body.toString()).toContain('not configured to allow the HTTP request method');
    expect((await distribution.handle(viewerRequest('/auth/session', { method: 'POST' }))).response.status).toBe(200);
  });

  it('serves the default root object for /', async () => {
    const distribution = new Distribution({
      domain: 'localhost',
      clock: Date.now,
      behaviors: BEHAVIORS,
      defaultRootObject: 'index.html',
    });
    expect((await distribution.handle(viewerRequest('/'))).response.headers).toContainEqual(['x-uri', '/index.html']);
  });

  it('presents itself as the distribution: Host is the domain, its own Origin becomes https://<domain>', async () => {
    const distribution = new Distribution({ domain: 'localhost', clock: Date.now, behaviors: BEHAVIORS });
    const own = await distribution.handle(
      viewerRequest('/auth/session', { headers: [['Origin', 'http://127.0.0.1:8787']] }),
    );
    expect(own.response.headers).toContainEqual(['x-host', 'localhost']);
    expect(own.response.headers).toContainEqual(['x-origin-header', 'https://localhost']);
    const foreign = await distribution.handle(
      viewerRequest('/auth/session', { headers: [['Origin', 'http://evil.example']] }),
    );
    expect(foreign.response.headers).toContainEqual(['x-origin-header', 'http://evil.example']);
  });

  it('refuses a configuration whose last behavior is not the default', () => {
    expect(() => new Distribution({ domain: 'localhost', clock: Date.now, behaviors: BEHAVIORS.slice(0, 2) })).toThrow(
      /default behavior/,
    );
  });
});
