import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type CloudfrontSignerAlgorithm, getSignedCookies, getSignedUrl } from '@aws-sdk/cloudfront-signer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CloudFrontSignatureErrorCode,
  type CloudFrontVerifyResult,
  encodeCloudFrontBase64,
  judgeCloudFrontRequest,
  type VerifyOptions,
  verifySignedCookies,
  verifySignedUrl,
} from '../../lib/cloudfront-signature/index';

// A frozen clock: every judgement below happens at this instant, never at the machine's time.
const NOW = 1_900_000_000;
const at = (seconds: number) => new Date(seconds * 1000);
const H = 'https://cdn.example.com';
const KID = 'K2JCJMDEHXQW5F';
const OTHER_KID = 'K3OTHERKEY0001';
const EC_KID = 'KECDSAP256KEY1';

const pkcs8 = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const KEY = pkcs8(rsa.privateKey);
const OTHER_KEY = pkcs8(other.privateKey);
const EC_KEY = pkcs8(ec.privateKey);

const OPTS: VerifyOptions = {
  publicKeys: {
    [KID]: rsa.publicKey,
    // A PEM string works as well as a KeyObject.
    [OTHER_KID]: other.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    [EC_KID]: ec.publicKey,
  },
  now: NOW,
  viewerIp: '192.0.2.10',
};

function policy(resource: string | undefined, condition: Record<string, unknown>): string {
  return JSON.stringify({
    Statement: [{ ...(resource === undefined ? {} : { Resource: resource }), Condition: condition }],
  });
}
const until = (seconds: number) => ({ DateLessThan: { 'AWS:EpochTime': seconds } });

/** Raw string edits: `new URL()` would normalize what CloudFront compares literally. */
function setParam(url: string, name: string, value: string): string {
  return url.replace(new RegExp(`([?&])${name}=[^&]*`), `$1${name}=${value}`);
}
function dropParam(url: string, name: string): string {
  return url.replace(new RegExp(`[?&]${name}=[^&]*`), '').replace(/^([^?]*)&/, '$1?');
}
function param(url: string, name: string): string {
  return new RegExp(`[?&]${name}=([^&]*)`).exec(url)?.[1] ?? '';
}
function cookieJar(cookies: ReturnType<typeof getSignedCookies>): Record<string, string> {
  return Object.fromEntries(Object.entries(cookies).map(([name, value]) => [name, String(value)]));
}
/** Flips one character in the middle of a CloudFront-base64 value, keeping it decodable. */
function flip(value: string): string {
  const i = Math.floor(value.length / 2);
  return value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
}

function expectRefused(result: CloudFrontVerifyResult, code: CloudFrontSignatureErrorCode): void {
  expect(result.ok ? { ok: true } : { ok: false, code: result.code }).toEqual({ ok: false, code });
  if (!result.ok) {
    // The explanation names the same failure first.
    expect(result.checks.find((check) => check.status === 'fail')?.detail).toBe(result.reason);
  }
}
function expectAccepted(result: CloudFrontVerifyResult): void {
  expect(result.ok ? 'ok' : `${result.code}: ${result.reason}`).toBe('ok');
  expect(result.checks.every((check) => check.status === 'pass')).toBe(true);
}

interface Case {
  readonly name: string;
  readonly url: () => string;
  readonly opts?: Partial<VerifyOptions>;
  /** `undefined` means accepted. */
  readonly code?: CloudFrontSignatureErrorCode;
}

describe.each<CloudfrontSignerAlgorithm>(['SHA1', 'SHA256'])(
  'signed URL from @aws-sdk/cloudfront-signer, %s',
  (algorithm) => {
    const canned = (url: string, dateLessThan = NOW + 60, privateKey = KEY, keyPairId = KID) =>
      getSignedUrl({ url, keyPairId, privateKey, dateLessThan: at(dateLessThan), algorithm });
    const custom = (url: string, policyText: string, privateKey = KEY, keyPairId = KID) =>
      getSignedUrl({ url, keyPairId, privateKey, policy: policyText, algorithm });
    const filesPolicy = (condition: Record<string, unknown>) =>
      policy(`${H}/files/*`, { ...until(NOW + 60), ...condition });

    const cases: Case[] = [
      // --- canned policy
      { name: 'canned: valid', url: () => canned(`${H}/files/a.txt`) },
      { name: 'canned: own query string kept in the resource', url: () => canned(`${H}/files/a.txt?v=2&x=y`) },
      { name: 'canned: signer percent-encodes the path', url: () => canned(`${H}/files/a b.txt`) },
      {
        name: 'canned: path changed',
        url: () => canned(`${H}/files/a.txt`).replace('/a.txt', '/b.txt'),
        code: 'bad_signature',
      },
      {
        name: 'canned: query added',
        url: () => canned(`${H}/files/a.txt`).replace('a.txt?', 'a.txt?v=3&'),
        code: 'bad_signature',
      },
      {
        name: 'canned: http instead of https',
        url: () => canned(`${H}/files/a.txt`).replace('https:', 'http:'),
        code: 'bad_signature',
      },
      {
        name: 'canned: Expires extended',
        url: () => {
          const url = canned(`${H}/files/a.txt`);
          return setParam(url, 'Expires', String(Number(param(url, 'Expires')) + 3600));
        },
        code: 'bad_signature',
      },
      { name: 'canned: DateLessThan is exclusive (now == Expires)', url: () => canned(`${H}/a`, NOW), code: 'expired' },
      { name: 'canned: one second left', url: () => canned(`${H}/a`, NOW + 1) },
      { name: 'canned: expired', url: () => canned(`${H}/a`, NOW - 1), code: 'expired' },
      {
        name: 'canned: Expires with leading zero',
        url: () => setParam(canned(`${H}/a`), 'Expires', `0${NOW + 60}`),
        code: 'malformed_policy',
      },
      {
        name: 'canned: Expires not a number',
        url: () => setParam(canned(`${H}/a`), 'Expires', 'soon'),
        code: 'malformed_policy',
      },

      // --- custom policy
      { name: 'custom: wildcard resource', url: () => custom(`${H}/files/x/y.txt?z=1`, filesPolicy({})) },
      {
        name: 'custom: resource mismatch',
        url: () => custom(`${H}/other/x`, filesPolicy({})),
        code: 'resource_mismatch',
      },
      {
        name: 'custom: resource compared with the URL minus signing parameters (exact, no query)',
        url: () => custom(`${H}/files/x.txt`, policy(`${H}/files/x.txt`, until(NOW + 60))),
      },
      {
        name: 'custom: exact resource, viewer adds a query string',
        url: () => custom(`${H}/files/x.txt?v=1`, policy(`${H}/files/x.txt`, until(NOW + 60))),
        code: 'resource_mismatch',
      },
      {
        name: 'custom: `a*` matches /files/abc',
        url: () => custom(`${H}/files/abc`, policy(`${H}/files/a*`, until(NOW + 60))),
      },
      {
        name: 'custom: `a*` matches /files/a/b',
        url: () => custom(`${H}/files/a/b`, policy(`${H}/files/a*`, until(NOW + 60))),
      },
      {
        name: 'custom: `a?c` matches /files/abc',
        url: () => custom(`${H}/files/abc`, policy(`${H}/files/a?c`, until(NOW + 60))),
      },
      {
        name: 'custom: `a?c` does not match /files/abbc',
        url: () => custom(`${H}/files/abbc`, policy(`${H}/files/a?c`, until(NOW + 60))),
        code: 'resource_mismatch',
      },
      {
        name: 'custom: Resource omitted grants any URL',
        url: () => custom(`https://elsewhere.example.net/x`, policy(undefined, until(NOW + 60))),
      },
      { name: 'custom: expired', url: () => custom(`${H}/files/a`, policy(`${H}/*`, until(NOW))), code: 'expired' },
      {
        name: 'custom: DateGreaterThan in the future',
        url: () => custom(`${H}/files/a`, filesPolicy({ DateGreaterThan: { 'AWS:EpochTime': NOW + 10 } })),
        code: 'not_yet_valid',
      },
      {
        name: 'custom: DateGreaterThan is exclusive (now == DateGreaterThan)',
        url: () => custom(`${H}/files/a`, filesPolicy({ DateGreaterThan: { 'AWS:EpochTime': NOW } })),
        code: 'not_yet_valid',
      },
      {
        name: 'custom: DateGreaterThan passed',
        url: () => custom(`${H}/files/a`, filesPolicy({ DateGreaterThan: { 'AWS:EpochTime': NOW - 1 } })),
      },
      {
        name: 'custom: IP /32 match',
        url: () => custom(`${H}/files/a`, filesPolicy({ IpAddress: { 'AWS:SourceIp': '192.0.2.10/32' } })),
      },
      {
        name: 'custom: IP /32 neighbour',
        url: () => custom(`${H}/files/a`, filesPolicy({ IpAddress: { 'AWS:SourceIp': '192.0.2.10/32' } })),
        opts: { viewerIp: '192.0.2.11' },
        code: 'ip_mismatch',
      },
      {
        name: 'custom: IP /24 match',
        url: () => custom(`${H}/files/a`, filesPolicy({ IpAddress: { 'AWS:SourceIp': '192.0.2.0/24' } })),
        opts: { viewerIp: '192.0.2.254' },
      },
      {
        name: 'custom: IP outside /24',
        url: () => custom(`${H}/files/a`, filesPolicy({ IpAddress: { 'AWS:SourceIp': '192.0.2.0/24' } })),
        opts: { viewerIp: '192.0.3.1' },
        code: 'ip_mismatch',
      },
      {
        name: 'custom: IPv6 viewer never matches an IP policy',
        url: () => custom(`${H}/files/a`, filesPolicy({ IpAddress: { 'AWS:SourceIp': '0.0.0.0/0' } })),
        opts: { viewerIp: '2001:db8::10' },
        code: 'ip_mismatch',
      },
      {
        name: 'custom: IPv4-mapped IPv6 viewer does not match either',
        url: () => custom(`${H}/files/a`, filesPolicy({ IpAddress: { 'AWS:SourceIp': '192.0.2.10/32' } })),
        opts: { viewerIp: '::ffff:192.0.2.10' },
        code: 'ip_mismatch',
      },
      {
        name: 'custom: IPv6 viewer without an IP policy',
        url: () => custom(`${H}/files/a`, filesPolicy({})),
        opts: { viewerIp: '2001:db8::10' },
      },
      {
        name: 'custom: Policy tampered (later DateLessThan, re-encoded)',
        url: () =>
          setParam(
            custom(`${H}/files/a`, filesPolicy({})),
            'Policy',
            encodeCloudFrontBase64(policy(`${H}/files/*`, until(NOW + 99_999))),
          ),
        code: 'bad_signature',
      },
      {
        name: 'custom: Policy flipped',
        url: () => {
          const url = custom(`${H}/files/a`, filesPolicy({}));
          return setParam(url, 'Policy', flip(param(url, 'Policy')));
        },
        code: 'bad_signature',
      },
      {
        name: 'custom: signed policy with two statements',
        url: () =>
          custom(
            `${H}/files/a`,
            JSON.stringify({ Statement: [{ Condition: until(NOW + 60) }, { Condition: until(NOW + 60) }] }),
          ),
        code: 'malformed_policy',
      },
      {
        name: 'custom: signed policy without DateLessThan',
        url: () => custom(`${H}/files/a`, policy(`${H}/*`, {})),
        code: 'malformed_policy',
      },
      {
        name: 'custom: signed policy that is not JSON',
        url: () => custom(`${H}/files/a`, 'not json'),
        code: 'malformed_policy',
      },

      // --- signature and key
      {
        name: 'Signature flipped',
        url: () => {
          const url = canned(`${H}/a`);
          return setParam(url, 'Signature', flip(param(url, 'Signature')));
        },
        code: 'bad_signature',
      },
      {
        name: 'unknown Key-Pair-Id',
        url: () => setParam(canned(`${H}/a`), 'Key-Pair-Id', 'KNOPE'),
        code: 'unknown_key_pair',
      },
      {
        name: 'Key-Pair-Id "__proto__" is not a key',
        url: () => setParam(canned(`${H}/a`), 'Key-Pair-Id', '__proto__'),
        code: 'unknown_key_pair',
      },
      {
        name: 'signed by another trusted key, its own ID',
        url: () => canned(`${H}/a`, NOW + 60, OTHER_KEY, OTHER_KID),
      },
      {
        name: 'signed by another key, claiming ours',
        url: () => canned(`${H}/a`, NOW + 60, OTHER_KEY, KID),
        code: 'bad_signature',
      },
      { name: 'ECDSA P-256 key', url: () => canned(`${H}/a`, NOW + 60, EC_KEY, EC_KID) },
      {
        name: 'ECDSA signature under an RSA key ID',
        url: () => canned(`${H}/a`, NOW + 60, EC_KEY, KID),
        code: 'bad_signature',
      },
      {
        name: 'key no longer trusted',
        url: () => canned(`${H}/a`),
        opts: { publicKeys: { [OTHER_KID]: other.publicKey } },
        code: 'unknown_key_pair',
      },

      // --- hash algorithm
      {
        name: 'Hash-Algorithm flipped',
        url: () => {
          const url = canned(`${H}/a`);
          return algorithm === 'SHA256' ? dropParam(url, 'Hash-Algorithm') : `${url}&Hash-Algorithm=SHA256`;
        },
        code: 'bad_signature',
      },
      {
        name: 'Hash-Algorithm=MD5',
        url: () => `${dropParam(canned(`${H}/a`), 'Hash-Algorithm')}&Hash-Algorithm=MD5`,
        code: 'unsupported_hash_algorithm',
      },
      {
        name: 'Hash-Algorithm=sha256 (case)',
        url: () => `${dropParam(canned(`${H}/a`), 'Hash-Algorithm')}&Hash-Algorithm=sha256`,
        code: 'unsupported_hash_algorithm',
      },

      // --- parameters and encodings
      { name: 'no Signature', url: () => dropParam(canned(`${H}/a`), 'Signature'), code: 'missing_parameter' },
      { name: 'no Key-Pair-Id', url: () => dropParam(canned(`${H}/a`), 'Key-Pair-Id'), code: 'missing_parameter' },
      { name: 'no Expires', url: () => dropParam(canned(`${H}/a`), 'Expires'), code: 'missing_parameter' },
      {
        name: 'no Policy',
        url: () => dropParam(custom(`${H}/files/a`, filesPolicy({})), 'Policy'),
        code: 'missing_parameter',
      },
      {
        name: 'Expires and Policy together',
        url: () => `${custom(`${H}/files/a`, filesPolicy({}))}&Expires=${NOW + 60}`,
        code: 'mixed_forms',
      },
      {
        name: 'Signature twice',
        url: () => {
          const url = canned(`${H}/a`);
          return `${url}&Signature=${param(url, 'Signature')}`;
        },
        code: 'duplicate_parameter',
      },
      {
        name: 'Signature not base64',
        url: () => setParam(canned(`${H}/a`), 'Signature', '!!!!'),
        code: 'bad_encoding',
      },
      {
        name: 'Signature in standard base64',
        url: () => {
          const url = canned(`${H}/a`);
          return setParam(url, 'Signature', param(url, 'Signature').replace(/_/g, '='));
        },
        code: 'bad_encoding',
      },
      {
        name: 'Signature with broken percent-encoding',
        url: () => setParam(canned(`${H}/a`), 'Signature', '%zz'),
        code: 'bad_encoding',
      },
      {
        name: 'Policy of three characters',
        url: () => setParam(custom(`${H}/files/a`, filesPolicy({})), 'Policy', 'abc'),
        code: 'bad_encoding',
      },
      { name: 'empty Signature', url: () => setParam(canned(`${H}/a`), 'Signature', ''), code: 'bad_encoding' },

      // --- URL and options
      { name: 'not http(s)', url: () => canned(`${H}/a`).replace('https://', 'ftp://'), code: 'malformed_url' },
      { name: 'relative URL', url: () => '/a?Expires=1&Signature=AAAA&Key-Pair-Id=K', code: 'malformed_url' },
      {
        name: 'raw space in URL',
        url: () => `${H}/a b?Expires=1&Signature=AAAA&Key-Pair-Id=${KID}`,
        code: 'malformed_url',
      },
      { name: 'now is not a time', url: () => canned(`${H}/a`), opts: { now: Number.NaN }, code: 'invalid_option' },
      {
        name: 'now as an invalid Date',
        url: () => canned(`${H}/a`),
        opts: { now: new Date('nope') },
        code: 'invalid_option',
      },
      { name: 'now as a Date', url: () => canned(`${H}/a`), opts: { now: at(NOW) } },
      {
        name: 'viewerIp is not an IP',
        url: () => canned(`${H}/a`),
        opts: { viewerIp: 'localhost' },
        code: 'invalid_option',
      },
      {
        name: 'unreadable PEM',
        url: () => canned(`${H}/a`),
        opts: { publicKeys: { [KID]: 'not a pem' } },
        code: 'invalid_option',
      },
      {
        name: 'RSA-1024 key refused by CloudFront',
        url: () => canned(`${H}/a`),
        opts: { publicKeys: { [KID]: generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey } },
        code: 'invalid_option',
      },
    ];

    it.each(cases)('$name', ({ url, opts, code }) => {
      const result = verifySignedUrl(url(), { ...OPTS, ...opts });
      if (code === undefined) expectAccepted(result);
      else expectRefused(result, code);
    });

    it('reports what was accepted', () => {
      const result = verifySignedUrl(canned(`${H}/files/a.txt?v=2`), OPTS);
      expect(result).toMatchObject({
        ok: true,
        form: 'url',
        keyPairId: KID,
        hashAlgorithm: algorithm,
        policy: { kind: 'canned', resource: `${H}/files/a.txt?v=2`, dateLessThan: NOW + 60 },
      });
    });

    it('explains every rule, still evaluating independent ones after a failure', () => {
      const url = custom(`${H}/other/a`, filesPolicy({ IpAddress: { 'AWS:SourceIp': '192.0.2.0/24' } }));
      const result = verifySignedUrl(setParam(url, 'Signature', flip(param(url, 'Signature'))), {
        ...OPTS,
        now: NOW + 3600,
      });
      expect(result.ok).toBe(false);
      expect(Object.fromEntries(result.checks.map((check) => [check.rule, check.status]))).toEqual({
        options: 'pass',
        url: 'pass',
        parameters: 'pass',
        hash_algorithm: 'pass',
        key_pair: 'pass',
        encoding: 'pass',
        signature: 'fail',
        policy: 'pass',
        resource: 'fail',
        date_less_than: 'fail',
        date_greater_than: 'pass',
        ip_address: 'pass',
      });
      if (!result.ok) expect(result.code).toBe('bad_signature');
    });

    it('refuses every one-character change to a valid signed URL', () => {
      const url = canned(`${H}/files/a.txt?v=2`);
      fc.assert(
        fc.property(
          fc.nat({ max: url.length - 1 }),
          fc.constantFrom('a', 'Z', '0', '-', '_', '~', '&', '=', '?', '%', '/', '.', '#'),
          (i, c) => {
            fc.pre(url[i] !== c);
            const changed = url.slice(0, i) + c + url.slice(i + 1);
            expect(verifySignedUrl(changed, OPTS).ok).toBe(false);
          },
        ),
        { numRuns: 300 },
      );
    });
  },
);

describe.each<CloudfrontSignerAlgorithm>(['SHA1', 'SHA256'])(
  'signed cookies from @aws-sdk/cloudfront-signer, %s',
  (algorithm) => {
    const cannedJar = (url: string, dateLessThan = NOW + 60) =>
      cookieJar(getSignedCookies({ url, keyPairId: KID, privateKey: KEY, dateLessThan: at(dateLessThan), algorithm }));
    const customJar = (policyText: string) =>
      cookieJar(getSignedCookies({ policy: policyText, keyPairId: KID, privateKey: KEY, algorithm }));
    const files = policy(`${H}/files/*`, until(NOW + 60));

    const cases: {
      name: string;
      url: string;
      cookies: () => Record<string, string>;
      opts?: Partial<VerifyOptions>;
      code?: CloudFrontSignatureErrorCode;
    }[] = [
      { name: 'canned: the signed URL itself', url: `${H}/files/a.txt`, cookies: () => cannedJar(`${H}/files/a.txt`) },
      // A canned statement is rebuilt from the request URL, so canned cookies only ever open that one URL.
      {
        name: 'canned: another URL',
        url: `${H}/files/b.txt`,
        cookies: () => cannedJar(`${H}/files/a.txt`),
        code: 'bad_signature',
      },
      {
        name: 'canned: same path, extra query',
        url: `${H}/files/a.txt?v=1`,
        cookies: () => cannedJar(`${H}/files/a.txt`),
        code: 'bad_signature',
      },
      { name: 'canned: expired', url: `${H}/a`, cookies: () => cannedJar(`${H}/a`, NOW), code: 'expired' },
      { name: 'custom: wildcard', url: `${H}/files/abc`, cookies: () => customJar(files) },
      {
        name: 'custom: wildcard spans / and the query',
        url: `${H}/files/a/b.txt?x=1`,
        cookies: () => customJar(files),
      },
      {
        name: 'custom: outside the wildcard',
        url: `${H}/other/a`,
        cookies: () => customJar(files),
        code: 'resource_mismatch',
      },
      {
        name: 'custom: IP bound, viewer outside',
        url: `${H}/files/a`,
        cookies: () =>
          customJar(policy(`${H}/files/*`, { ...until(NOW + 60), IpAddress: { 'AWS:SourceIp': '192.0.2.0/24' } })),
        opts: { viewerIp: '198.51.100.1' },
        code: 'ip_mismatch',
      },
      {
        name: 'custom: Policy cookie tampered',
        url: `${H}/files/a`,
        cookies: () => ({
          ...customJar(files),
          'CloudFront-Policy': encodeCloudFrontBase64(policy(`${H}/*`, until(NOW + 60))),
        }),
        code: 'bad_signature',
      },
      {
        name: 'hash algorithm cookie dropped or added',
        url: `${H}/files/a`,
        cookies: () => {
          const jar = customJar(files);
          if (algorithm === 'SHA256') delete jar['CloudFront-Hash-Algorithm'];
          else jar['CloudFront-Hash-Algorithm'] = 'SHA256';
          return jar;
        },
        code: 'bad_signature',
      },
      {
        name: 'hash algorithm cookie SHA512',
        url: `${H}/files/a`,
        cookies: () => ({ ...customJar(files), 'CloudFront-Hash-Algorithm': 'SHA512' }),
        code: 'unsupported_hash_algorithm',
      },
      {
        name: 'no CloudFront-Signature',
        url: `${H}/files/a`,
        cookies: () => {
          const jar = customJar(files);
          delete jar['CloudFront-Signature'];
          return jar;
        },
        code: 'missing_parameter',
      },
      {
        name: 'CloudFront-Policy and CloudFront-Expires together',
        url: `${H}/files/a`,
        cookies: () => ({ ...customJar(files), 'CloudFront-Expires': String(NOW + 60) }),
        code: 'mixed_forms',
      },
      {
        name: 'wrong key ID',
        url: `${H}/files/a`,
        cookies: () => ({ ...customJar(files), 'CloudFront-Key-Pair-Id': OTHER_KID }),
        code: 'bad_signature',
      },
      {
        name: 'garbage signature cookie',
        url: `${H}/files/a`,
        cookies: () => ({ ...customJar(files), 'CloudFront-Signature': 'a b c' }),
        code: 'bad_encoding',
      },
    ];

    it.each(cases)('$name', ({ url, cookies, opts, code }) => {
      const result = verifySignedCookies(url, cookies(), { ...OPTS, ...opts });
      if (code === undefined) expectAccepted(result);
      else expectRefused(result, code);
    });
  },
);

describe('judgeCloudFrontRequest: a signed URL excludes cookies', () => {
  const files = policy(`${H}/files/*`, until(NOW + 60));
  const goodCookies = cookieJar(getSignedCookies({ policy: files, keyPairId: KID, privateKey: KEY }));
  const goodUrl = getSignedUrl({ url: `${H}/files/a`, policy: files, keyPairId: KID, privateKey: KEY });

  it.each<{
    name: string;
    url: string;
    cookies?: Record<string, string>;
    form: 'url' | 'cookies' | undefined;
    code?: CloudFrontSignatureErrorCode;
  }>([
    { name: 'signed URL, no cookies', url: goodUrl, form: 'url' },
    { name: 'signed URL, garbage cookies', url: goodUrl, cookies: { 'CloudFront-Signature': '!!' }, form: 'url' },
    { name: 'plain URL, signed cookies', url: `${H}/files/a`, cookies: goodCookies, form: 'cookies' },
    {
      name: 'signed URL outside its wildcard, valid cookies',
      url: goodUrl.replace('/files/a', '/other/a'),
      cookies: goodCookies,
      form: 'url',
      code: 'resource_mismatch',
    },
    {
      name: 'tampered signed URL, valid cookies',
      url: setParam(goodUrl, 'Signature', flip(param(goodUrl, 'Signature'))),
      cookies: goodCookies,
      form: 'url',
      code: 'bad_signature',
    },
    {
      name: 'a lone Expires makes it a signed URL',
      url: `${H}/files/a?Expires=${NOW + 60}`,
      cookies: goodCookies,
      form: 'url',
      code: 'missing_parameter',
    },
    {
      name: 'a lone Key-Pair-Id too',
      url: `${H}/files/a?Key-Pair-Id=${KID}`,
      cookies: goodCookies,
      form: 'url',
      code: 'missing_parameter',
    },
    {
      name: 'a lone Hash-Algorithm does not',
      url: `${H}/files/a?Hash-Algorithm=SHA256`,
      cookies: goodCookies,
      form: 'cookies',
    },
    {
      name: 'parameter names are case-sensitive',
      url: `${H}/files/a?expires=1`,
      cookies: goodCookies,
      form: 'cookies',
    },
    { name: 'neither', url: `${H}/files/a`, cookies: { session: 'x' }, form: undefined, code: 'missing_parameter' },
    { name: 'neither, no cookie object', url: `${H}/files/a`, form: undefined, code: 'missing_parameter' },
  ])('$name', ({ url, cookies, form, code }) => {
    const result = judgeCloudFrontRequest({ ...OPTS, url, ...(cookies === undefined ? {} : { cookies }) });
    expect(result.form).toBe(form);
    if (code === undefined) expectAccepted(result);
    else expectRefused(result, code);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.dictionary(fc.string({ maxLength: 30 }), fc.string({ maxLength: 60 })),
        (url, cookies) => {
          const result = judgeCloudFrontRequest({ ...OPTS, url: `${H}/${url}`, cookies });
          expect(typeof result.ok).toBe('boolean');
          const raw = judgeCloudFrontRequest({ ...OPTS, url, cookies });
          expect(raw.ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
    const loose = judgeCloudFrontRequest as (request: unknown) => CloudFrontVerifyResult;
    expect(loose({ url: 42, publicKeys: null, now: 'x', viewerIp: 7 }).ok).toBe(false);
    expect(loose({ ...OPTS, url: goodUrl, cookies: null }).ok).toBe(true);
  });
});
