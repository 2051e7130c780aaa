/**
 * The trusted key group remembers a verified signed-cookie set (local/signed-cookie-cache.ts) and still
 * judges every request's URL, time and viewer against the signed policy: the remembered answer is, for
 * every request, the answer of the full check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeCloudFrontRequest } from '../../lib/cloudfront-signature/index';
import { SignedCookieCache } from '../../local/signed-cookie-cache';
import { checkTrustedKeyGroup, judgedUrl, requestCookies, signedCookieCache } from '../../local/signed-requests';
import type { TrustedKeyGroup } from '../../local/signed-requests';
import { DOMAIN, KEY_GROUP, NOW_S, signedCookieHeader, signedPath, viewerRequest } from './helpers';

const FILES = `https://${DOMAIN}/files/*`;
const plain = signedCookieHeader({ resource: FILES, dateLessThan: NOW_S + 600 });
const bound = signedCookieHeader({ resource: FILES, dateLessThan: NOW_S + 600, ip: '203.0.113.0/24' });
const later = signedCookieHeader({ resource: FILES, dateLessThan: NOW_S + 600, dateGreaterThan: NOW_S + 60 });
const oneFile = signedCookieHeader({ resource: `https://${DOMAIN}/files/a.txt`, dateLessThan: NOW_S + 600 });

/** The first character of `name`'s value changed: same length, still CloudFront base64, another signature. */
const tamper = (text: string, name: string) =>
  text.replace(new RegExp(`(${name}=)(.)`), (_, prefix: string, c: string) => `${prefix}${c === 'A' ? 'B' : 'A'}`);

/** A fresh group per test: its cache starts empty. */
const group = (): TrustedKeyGroup => ({ publicKeys: { ...KEY_GROUP.publicKeys } });

function check(g: TrustedKeyGroup, target: string, cookie: string, nowS: number, ip = '203.0.113.10') {
  const result = checkTrustedKeyGroup(g, viewerRequest(target, { cookie, ip }), DOMAIN, nowS * 1000).result;
  return result.ok ? 'ok' : result.code;
}

describe('remembered signed cookies', () => {
  it('a pass is remembered once, keyed by the exact cookie values', () => {
    const g = group();
    expect(check(g, '/files/a.txt', plain, NOW_S)).toBe('ok');
    expect(check(g, '/files/b.txt', plain, NOW_S + 1)).toBe('ok');
    expect(signedCookieCache(g).size).toBe(1);
  });

  it.each<[string, string, string, number, string, string]>([
    ['another resource pattern', oneFile, '/files/b.txt', NOW_S, '203.0.113.10', 'resource_mismatch'],
    ['past DateLessThan', plain, '/files/a.txt', NOW_S + 600, '203.0.113.10', 'expired'],
    ['another viewer than IpAddress names', bound, '/files/a.txt', NOW_S, '198.51.100.1', 'ip_mismatch'],
    ['an IPv6 viewer under IpAddress', bound, '/files/a.txt', NOW_S, '2001:db8::1', 'ip_mismatch'],
    ['before DateGreaterThan', later, '/files/a.txt', NOW_S, '203.0.113.10', 'not_yet_valid'],
    [
      'a changed signature',
      tamper(plain, 'CloudFront-Signature'),
      '/files/a.txt',
      NOW_S,
      '203.0.113.10',
      'bad_signature',
    ],
  ])('after a pass, %s is still refused', (_, cookie, target, nowS, ip, code) => {
    const g = group();
    // Prime the cache with a pass of the very same cookies where they do hold.
    for (const c of [plain, bound, oneFile]) expect(check(g, '/files/a.txt', c, NOW_S)).toBe('ok');
    expect(check(g, '/files/a.txt', later, NOW_S + 61)).toBe('ok');
    expect(check(g, target, cookie, nowS, ip)).toBe(code);
  });

  it('an expired entry leaves the cache', () => {
    const g = group();
    check(g, '/files/a.txt', plain, NOW_S);
    expect(check(g, '/files/a.txt', plain, NOW_S + 600)).toBe('expired');
    expect(signedCookieCache(g).size).toBe(0);
  });

  it('a signed URL is judged as a signed URL, whatever cookies were remembered', () => {
    const g = group();
    check(g, '/files/a.txt', plain, NOW_S);
    const url = tamper(signedPath('/files/a.txt', { dateLessThan: NOW_S + 60 }), 'Signature');
    expect(check(g, url, plain, NOW_S)).toBe('bad_signature');
  });

  it('holds at most its capacity, the oldest leaving first', () => {
    const cache = new SignedCookieCache(2);
    for (const cookie of [plain, bound, oneFile]) {
      const request = viewerRequest('/files/a.txt', { cookie });
      const cookies = requestCookies(request);
      const url = judgedUrl(DOMAIN, request);
      const result = judgeCloudFrontRequest({
        url,
        cookies,
        publicKeys: KEY_GROUP.publicKeys,
        now: NOW_S,
        viewerIp: '203.0.113.10',
      });
      cache.remember(cookies, result);
    }
    expect(cache.size).toBe(2);
    const first = requestCookies(viewerRequest('/x', { cookie: plain }));
    expect(cache.lookup(`https://${DOMAIN}/files/a.txt`, first, NOW_S, '203.0.113.10')).toBeUndefined();
  });

  it('property: with or without the cache, every request gets the same answer', () => {
    const g = group();
    const sets = [plain, bound, later, oneFile];
    fc.assert(
      fc.property(
        fc.constantFrom(...sets),
        fc.constantFrom('/files/a.txt', '/files/b.txt', '/files/x/y.png', '/other/a.txt', '/files/a.txt?v=1'),
        fc.integer({ min: -10, max: 700 }),
        fc.constantFrom('203.0.113.10', '203.0.113.250', '198.51.100.1', '2001:db8::1'),
        (cookie, target, offset, ip) => {
          const request = viewerRequest(target, { cookie, ip });
          const full = judgeCloudFrontRequest({
            url: judgedUrl(DOMAIN, request),
            cookies: requestCookies(request),
            publicKeys: KEY_GROUP.publicKeys,
            now: NOW_S + offset,
            viewerIp: ip,
          });
          expect(check(g, target, cookie, NOW_S + offset, ip)).toBe(full.ok ? 'ok' : full.code);
        },
      ),
      { numRuns: 300 },
    );
  });
});
