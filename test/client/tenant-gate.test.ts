/**
 * The browser module against a local distribution (cookies kept by a jar, as a browser keeps them): the
 * production way of signing in, the refresh before expiry, a signed-out file request turned into a new
 * sign-in, and every refusal explained with who refused and why.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainRefusal } from '../../client/refusal';
import { createTenantGate, sha256Hex, type Refusal } from '../../client/tenant-gate';
import { manualClock } from '../../local/clock';
import { startLocalDistribution, type LocalDistribution } from '../../testing/index';
import { cookieJarFetch } from '../helpers/cookie-jar';

const clock = manualClock(Date.now());
let cdn: LocalDistribution;
beforeAll(async () => void (cdn = await startLocalDistribution({ clock })), 60_000);
afterAll(() => cdn.close());

interface Sent {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

/** A jar fetch that records what was sent. */
function recording() {
  const sent: Sent[] = [];
  const jar = cookieJarFetch();
  const fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    sent.push({
      method: init.method ?? 'GET',
      path: new URL(String(input)).pathname,
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : '',
    });
    return jar(input, init);
  }) as typeof globalThis.fetch;
  return { sent, fetch, jar: jar.jar };
}

function gateFor(sub: string, tenant: string, extra: Partial<Parameters<typeof createTenantGate>[0]> = {}) {
  const r = recording();
  const timers: { run: () => void; ms: number }[] = [];
  const needed: Refusal[] = [];
  const gate = createTenantGate({
    getIdentityToken: () => cdn.identityToken(sub, tenant),
    baseUrl: cdn.url,
    fetch: r.fetch,
    now: clock,
    setTimer: (run, ms) => timers.push({ run, ms }),
    clearTimer: () => timers.splice(0),
    onSignInNeeded: (refusal) => needed.push(refusal),
    ...extra,
  });
  return { gate, timers, needed, ...r };
}

describe('the browser module', () => {
  it('signs in as production requires: x-identity-token, the body hash, never Authorization', async () => {
    const { gate, sent } = gateFor('alice', 'acme');
    await gate.signIn();
    const post = sent.find((s) => s.method === 'POST')!;
    expect(post.path).toBe('/auth/session');
    expect(post.headers.get('x-identity-token')).toMatch(/^eyJ/);
    expect(post.headers.get('authorization')).toBeNull();
    expect(post.headers.get('x-amz-content-sha256')).toBe(createHash('sha256').update(post.body).digest('hex'));
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('refreshes the session its margin before it expires', async () => {
    const { gate, timers, sent } = gateFor('alice', 'acme', { refreshMarginSeconds: 120 });
    const session = await gate.signIn();
    expect(timers).toHaveLength(1);
    expect(timers[0]!.ms).toBe((session.expires - 120) * 1000 - clock());
    const posts = () => sent.filter((s) => s.method === 'POST').length;
    const before = posts();
    timers[0]!.run();
    await new Promise((r) => setTimeout(r, 300));
    expect(posts()).toBe(before + 1);
    gate.close();
  });

  it('turns a signed-out file request into one new sign-in and one retry', async () => {
    const { gate, jar, sent } = gateFor('alice', 'acme');
    await gate.signIn();
    jar.clear(); // the cookies expired in the browser
    const response = await gate.fetch('/files/welcome.txt');
    expect(response.status).toBe(200);
    const files = sent.filter((s) => s.path === '/files/welcome.txt');
    expect(files).toHaveLength(2);
    gate.close();
  });

  it('tells onSignInNeeded who refused and why when the identity is refused, and returns the refusal', async () => {
    const { gate, needed, jar } = gateFor('alice', 'acme', { getIdentityToken: () => 'not-a-token' });
    jar.clear();
    const response = await gate.fetch('/files/welcome.txt');
    expect(response.status).toBe(403);
    expect(needed.map((n) => [n.by, n.code])).toEqual([['login', 'invalid_identity']]);
    await expect(gate.signIn()).rejects.toThrow(/401 invalid_identity: Your identity token was refused/);
  });

  it('a refused link request throws the refusal, explained', async () => {
    const { gate } = gateFor('bob', 'globex');
    await gate.signIn();
    await expect(gate.links(['/files/welcome.txt'], { expiresIn: 0 })).rejects.toMatchObject({
      refusal: { by: 'login', code: 'invalid_expiry' },
    });
    gate.close();
  });
});

describe('every refusal says who refused and why', () => {
  const xml = (code: string, message: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  it.each<[string, number, string, string, string, string]>([
    ['the gate', 401, '{"error":"invalid_token"}', '/files/a', 'gate', 'invalid_token'],
    ['the gate, missing cookies', 401, '{"error":"missing_credentials"}', '/files/a', 'gate', 'missing_credentials'],
    ['the login', 403, '{"error":"tenant_mismatch"}', '/auth/links', 'login', 'tenant_mismatch'],
    [
      "CloudFront's check, no cookies",
      403,
      xml('MissingKey', 'Missing Key-Pair-Id query parameter or cookie value'),
      '/files/a',
      'cloudfront',
      'MissingKey',
    ],
    [
      "CloudFront's check, expired",
      403,
      xml('AccessDenied', 'Access denied'),
      '/files/a',
      'cloudfront',
      'AccessDenied',
    ],
    [
      'the bucket, missing key',
      404,
      xml('NoSuchKey', 'The specified key does not exist.'),
      '/files/a',
      'bucket',
      'NoSuchKey',
    ],
    [
      'the bucket, 403 for a missing key',
      403,
      xml('AccessDenied', 'Access Denied'),
      '/files/a',
      'bucket',
      'AccessDenied',
    ],
    [
      'a custom error page (HTML)',
      403,
      '<!doctype html><h1>Not allowed</h1>',
      '/files/a',
      'cloudfront',
      'AccessDenied',
    ],
    [
      'a custom error page (JSON)',
      403,
      '{"error":"MissingKey","refusedBy":"cloudfront"}',
      '/files/a',
      'cloudfront',
      'MissingKey',
    ],
    ['an origin timeout', 504, xml('OriginTimeout', 'x'), '/files/a', 'cloudfront', 'OriginTimeout'],
    ['an unknown answer', 500, 'oops', '/other', 'cloudfront', 'http_500'],
  ])('%s', (_, status, body, url, by, code) => {
    const refusal = explainRefusal(status, body, url);
    expect([refusal.by, refusal.code]).toEqual([by, code]);
    expect(refusal.sentence).toMatch(/^[A-Z].*[.)]$/);
  });
});
