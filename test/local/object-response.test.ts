/** What players and image tags need: HEAD, Range (206 / 416), ETag + If-None-Match (304), content types. */
import { describe, expect, it } from 'vitest';
import { contentTypeFor } from '../../local/content-type';
import { response, type EdgeResponse } from '../../local/http-message';
import { parseRange, serveObject } from '../../local/object-response';
import { objectKey } from '../../local/origin-folder';
import { filesDistribution, headerOf, sessionToken, viewerRequest } from './helpers';

const OBJECT: EdgeResponse = response(
  200,
  [
    ['etag', '"abc"'],
    ['content-type', 'text/plain'],
    ['last-modified', 'Wed, 01 Jan 2025 00:00:00 GMT'],
  ],
  '0123456789',
);

describe('Range', () => {
  it.each<[string, number, ReturnType<typeof parseRange>]>([
    ['bytes=0-3', 10, { start: 0, end: 3 }],
    ['bytes=5-', 10, { start: 5, end: 9 }],
    ['bytes=-3', 10, { start: 7, end: 9 }],
    ['bytes=8-100', 10, { start: 8, end: 9 }],
    ['bytes=-100', 10, { start: 0, end: 9 }],
    ['bytes=10-', 10, 'unsatisfiable'],
    ['bytes=-0', 10, 'unsatisfiable'],
    ['bytes=4-2', 10, undefined],
    ['bytes=0-1,3-4', 10, undefined],
    ['items=0-1', 10, undefined],
  ])('%s of %i bytes', (value, size, expected) => {
    expect(parseRange(value, size)).toEqual(expected);
  });

  it('206 with Content-Range and the slice', () => {
    const { response: r, range } = serveObject('GET', [['range', 'bytes=2-5']], OBJECT);
    expect([r.status, headerOf(r, 'content-range'), headerOf(r, 'content-length'), r.body.toString()]).toEqual([
      206,
      'bytes 2-5/10',
      '4',
      '2345',
    ]);
    expect(range).toEqual({ start: 2, end: 5 });
  });

  it('416 with Content-Range */size when nothing is satisfiable', () => {
    const { response: r } = serveObject('GET', [['range', 'bytes=20-']], OBJECT);
    expect([r.status, headerOf(r, 'content-range')]).toEqual([416, 'bytes */10']);
  });

  it('If-Range with an old ETag gets the whole object', () => {
    const { response: r } = serveObject(
      'GET',
      [
        ['range', 'bytes=2-5'],
        ['if-range', '"old"'],
      ],
      OBJECT,
    );
    expect([r.status, r.body.length]).toEqual([200, 10]);
  });
});

describe('HEAD and conditional requests', () => {
  it('HEAD: the headers of the whole object, no body', () => {
    const { response: r } = serveObject('HEAD', [], OBJECT);
    expect([r.status, headerOf(r, 'content-length'), headerOf(r, 'accept-ranges'), r.body.length]).toEqual([
      200,
      '10',
      'bytes',
      0,
    ]);
  });

  it.each<[string, [string, string][], number]>([
    ['matching If-None-Match', [['if-none-match', '"abc"']], 304],
    ['weak match', [['if-none-match', 'W/"abc"']], 304],
    ['one of a list', [['if-none-match', '"x", "abc"']], 304],
    ['*', [['if-none-match', '*']], 304],
    ['another ETag', [['if-none-match', '"x"']], 200],
    ['If-Modified-Since after Last-Modified', [['if-modified-since', 'Thu, 02 Jan 2025 00:00:00 GMT']], 304],
    ['If-Modified-Since before Last-Modified', [['if-modified-since', 'Tue, 31 Dec 2024 00:00:00 GMT']], 200],
    [
      'If-None-Match decides over If-Modified-Since',
      [
        ['if-none-match', '"x"'],
        ['if-modified-since', 'Thu, 02 Jan 2025 00:00:00 GMT'],
      ],
      200,
    ],
  ])('%s → %i', (_label, headers, status) => {
    const { response: r } = serveObject('GET', headers, OBJECT);
    expect(r.status).toBe(status);
    if (status === 304) {
      expect(r.body.length).toBe(0);
      expect(headerOf(r, 'etag')).toBe('"abc"');
      expect(headerOf(r, 'content-type')).toBeUndefined();
    }
  });
});

describe('content types by extension', () => {
  it.each([
    ['a/welcome.txt', 'text/plain; charset=utf-8'],
    ['logo.SVG', 'image/svg+xml'],
    ['badge.png', 'image/png'],
    ['clip.mp4', 'video/mp4'],
    ['stream.m3u8', 'application/vnd.apple.mpegurl'],
    ['report.pdf', 'application/pdf'],
    ['index.json', 'application/json'],
    ['noextension', 'application/octet-stream'],
    ['.hidden', 'application/octet-stream'],
  ])('%s → %s', (key, type) => {
    expect(contentTypeFor(key)).toBe(type);
  });
});

describe('the folder origin reads keys literally, as S3', () => {
  it.each([
    ['/tenants/acme/files/a.png', 'tenants/acme/files/a.png'],
    ['/tenants/acme/files/a%20b.png', 'tenants/acme/files/a b.png'],
    ['/tenants/acme/../globex/files/a.png', undefined],
    ['/tenants/acme/files/%2e%2e/x', undefined],
    ['/tenants//acme', undefined],
    ['/a%5Cb', undefined],
    ['/bad%zz', undefined],
  ])('%s → %s', (uri, key) => {
    expect(objectKey(uri)).toBe(key);
  });
});

describe('through the distribution (cached object, gate in front)', () => {
  const cookie = `__Host-tenant=${sessionToken('acme')}`;

  it('Range on a hit, 304 on a hit, HEAD, content type, ETag', async () => {
    const { distribution, origin } = await filesDistribution();
    const full = await distribution.handle(viewerRequest('/files/badge.png', { cookie }));
    const etag = headerOf(full.response, 'etag')!;
    expect([full.response.status, headerOf(full.response, 'content-type')]).toEqual([200, 'image/png']);
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const partial = await distribution.handle(
      viewerRequest('/files/badge.png', { cookie, headers: [['Range', 'bytes=0-7']] }),
    );
    expect([partial.response.status, partial.resultType, partial.response.body.toString('latin1')]).toEqual([
      206,
      'Hit',
      '\x89PNG\r\n\x1a\n',
    ]);
    const revalidated = await distribution.handle(
      viewerRequest('/files/badge.png', { cookie, headers: [['If-None-Match', etag]] }),
    );
    expect([revalidated.response.status, revalidated.response.body.length]).toEqual([304, 0]);
    const head = await distribution.handle(viewerRequest('/files/badge.png', { cookie, method: 'HEAD' }));
    expect([head.response.status, head.response.body.length, headerOf(head.response, 'content-length')]).toEqual([
      200,
      0,
      String(full.response.body.length),
    ]);
    expect(origin.calls).toEqual(['GET /tenants/acme/files/badge.png']);
  });

  it('a Range miss fetches the whole object, then answers 206', async () => {
    const { distribution, origin } = await filesDistribution();
    const partial = await distribution.handle(
      viewerRequest('/files/welcome.txt', { cookie, headers: [['Range', 'bytes=0-6']] }),
    );
    expect([partial.response.status, partial.resultType, partial.response.body.toString()]).toEqual([
      206,
      'Miss',
      'Welcome',
    ]);
    expect((await distribution.handle(viewerRequest('/files/welcome.txt', { cookie }))).resultType).toBe('Hit');
    expect(origin.calls).toHaveLength(1);
  });

  it("a missing key is the bucket's 404 NoSuchKey, looked up in the tenant's own folder", async () => {
    const { distribution, origin } = await filesDistribution();
    const missing = await distribution.handle(viewerRequest('/files/payroll.txt', { cookie }));
    expect([missing.response.status, missing.resultType]).toEqual([404, 'Error']);
    expect(missing.response.body.toString()).toContain('NoSuchKey');
    expect(origin.calls).toEqual(['GET /tenants/acme/files/payroll.txt']);
  });
});
