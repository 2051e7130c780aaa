/**
 * POST /auth/links, and the two use cases end to end at the function level: every link goes through
 * the BUILT Lambda@Edge gate and through an independent implementation of CloudFront's signed-URL check, at a
 * frozen clock before and after its expiry, for the right and wrong path and the right and wrong IP.
 */
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RequestCase } from '../cases/request-cases';
import { lambdaEdgeEvent, lambdaEdgeOutcome, loadLambdaEdge, type EdgeHandler } from '../helpers/lambda-edge';
import type { Outcome } from '../helpers/outcome';
import { built } from '../helpers/targets';
import {
  cloudfrontJudges,
  codeOf,
  cookiesOf,
  identityHeaders,
  identityToken,
  LOGIN_CONFIG,
  login,
  loginConfig,
  NOW,
  request,
  service,
  viewerAddress,
} from './helpers';

const H = 'https://cdn.example.com';
const TOLERANCE = LOGIN_CONFIG.clockToleranceSeconds;
let edge: EdgeHandler;

beforeAll(async () => {
  edge = loadLambdaEdge(join(await built('default'), 'viewer-request', 'index.js'));
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterAll(() => {
  vi.useRealTimers();
});

/** The built gate's verdict on a viewer request for `url` (as CloudFront splits it) at `at`, from `ip`. */
async function gate(url: string, at: number, ip: string): Promise<Outcome> {
  const rest = url.slice(H.length);
  const q = rest.indexOf('?');
  vi.setSystemTime(at * 1000);
  const c = {
    name: url,
    uri: q < 0 ? rest : rest.slice(0, q),
    querystring: q < 0 ? '' : rest.slice(q + 1),
    ip,
  } as RequestCase;
  return lambdaEdgeOutcome(await edge(lambdaEdgeEvent(c)));
}

function verdict(outcome: Outcome): string {
  return outcome.status === 'forward' ? `forward ${outcome.uri}` : `${outcome.status} ${outcome.code}`;
}

/** The same URL with another path (the token and signature copied verbatim). */
function onOtherPath(url: string, path: string): string {
  const q = url.indexOf('?');
  return `${H}${path}${url.slice(q)}`;
}

async function session(svc = service(), headers: Record<string, string> = {}) {
  const response = await login(svc, { headers });
  return `__Host-tenant=${cookiesOf(response)['__Host-tenant']!.value}`;
}

async function links(
  body: unknown,
  options: { svc?: ReturnType<typeof service>; headers?: Record<string, string>; cookie?: string } = {},
) {
  const svc = options.svc ?? service();
  const cookie = options.cookie ?? (await session(svc));
  return svc.handle(
    request({
      method: 'POST',
      path: '/auth/links',
      headers: { 'content-type': 'application/json', ...options.headers },
      cookies: [cookie],
      body: JSON.stringify(body),
    }),
  );
}

describe('POST /auth/links', () => {
  it('answers one link per file, each with a link token for that exact path', async () => {
    const response = await links({ paths: ['/files/report.pdf', '/files/a%20b.pdf'], expiresIn: 600 });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(response.body) as { links: { path: string; url: string; expires: number }[] };
    expect(body.links.map((l) => [l.path, l.expires])).toEqual([
      ['/files/report.pdf', NOW + 600],
      ['/files/a%20b.pdf', NOW + 600],
    ]);
    for (const link of body.links) {
      expect(link.url.startsWith(`${H}${link.path}?token=`)).toBe(true);
      const token = /[?&]token=([^&]+)/.exec(link.url)![1]!;
      expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'tenant-link+jwt', kid: 'hs-2026-11' });
      expect(decodeJwt(token)).toEqual({
        iss: 'https://login.example.com',
        aud: 'tenant-gate',
        sub: 'alice',
        tid: 'acme',
        pth: link.path,
        iat: NOW,
        exp: NOW + 600,
      });
      // CloudFront's signed-URL parameters follow the token; the policy's Resource is the URL with the token.
      expect(link.url).toMatch(
        /&Policy=[A-Za-z0-9~_-]+&Key-Pair-Id=K2TENANTGATEDEMO&Signature=[A-Za-z0-9~_-]+&Hash-Algorithm=SHA256$/,
      );
      const result = cloudfrontJudges(link.url, NOW + 1, '203.0.113.5');
      expect(result.ok && result.policy.resource).toBe(`${H}${link.path}?token=${token}`);
    }
  });

  it('carries no CloudFront parameters when signed URLs are off', async () => {
    const config = loginConfig({ cloudfront: { ...LOGIN_CONFIG.login.cloudfront, signedUrls: false } });
    const svc = service(config);
    const body = JSON.parse((await links({ paths: ['/files/x'], expiresIn: 60 }, { svc })).body);
    expect(body.links[0].url).toMatch(/^https:\/\/cdn\.example\.com\/files\/x\?token=[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  describe('refusals', () => {
    it.each<[string, unknown, number, string]>([
      ['no paths', { paths: [], expiresIn: 60 }, 400, 'malformed_request'],
      ['paths not strings', { paths: [7], expiresIn: 60 }, 400, 'malformed_request'],
      [
        'too many paths',
        { paths: Array.from({ length: 101 }, (_, i) => `/files/${i}`), expiresIn: 60 },
        400,
        'too_many_paths',
      ],
      ['no expiresIn', { paths: ['/files/x'] }, 400, 'invalid_expiry'],
      ['expiresIn zero', { paths: ['/files/x'], expiresIn: 0 }, 400, 'invalid_expiry'],
      ['expiresIn fractional', { paths: ['/files/x'], expiresIn: 1.5 }, 400, 'invalid_expiry'],
      ['expiresIn over the maximum', { paths: ['/files/x'], expiresIn: 172801 }, 400, 'invalid_expiry'],
      ['bindIp not a boolean', { paths: ['/files/x'], expiresIn: 60, bindIp: 'yes' }, 400, 'malformed_request'],
      [
        'an unknown member',
        { paths: ['/files/x'], expiresIn: 60, prefix: '/tenants/globex' },
        400,
        'malformed_request',
      ],
      ['a path outside the prefix', { paths: ['/tenants/globex/files/x'], expiresIn: 60 }, 400, 'path_not_allowed'],
      ['the prefix itself (a trailing empty segment)', { paths: ['/files/'], expiresIn: 60 }, 400, 'invalid_path'],
      ['a dot-segment escape', { paths: ['/files/../tenants/globex/files/x'], expiresIn: 60 }, 400, 'invalid_path'],
      ['an encoded slash', { paths: ['/files/a%2Fb'], expiresIn: 60 }, 400, 'invalid_path'],
      ['an empty segment', { paths: ['/files//x'], expiresIn: 60 }, 400, 'invalid_path'],
      ['a query in the path', { paths: ['/files/x?token=1'], expiresIn: 60 }, 400, 'invalid_path'],
      ['a CloudFront wildcard', { paths: ['/files/*'], expiresIn: 60 }, 400, 'invalid_path'],
      ['one bad path among good ones', { paths: ['/files/ok', '/files/../x'], expiresIn: 60 }, 400, 'invalid_path'],
      [
        'another tenant named in the body',
        { paths: ['/files/x'], expiresIn: 60, tenant: 'globex' },
        403,
        'tenant_mismatch',
      ],
      ['a body that is an array', [], 400, 'malformed_request'],
    ])('%s', async (_name, body, status, code) => {
      const response = await links(body);
      expect([response.status, JSON.parse(response.body)]).toEqual([status, { error: code }]);
    });

    it("accepts the session's own tenant named in the body", async () => {
      expect((await links({ paths: ['/files/x'], expiresIn: 60, tenant: 'acme' })).status).toBe(200);
    });

    it('needs a valid session', async () => {
      const noCookie = await links({ paths: ['/files/x'], expiresIn: 60 }, { cookie: 'other=1' });
      expect([noCookie.status, JSON.parse(noCookie.body)]).toEqual([401, { error: 'missing_session' }]);
      const link = JSON.parse((await links({ paths: ['/files/x'], expiresIn: 60 })).body).links[0].url as string;
      // A link token is not a session.
      const asCookie = await links(
        { paths: ['/files/y'], expiresIn: 60 },
        { cookie: `__Host-tenant=${/token=([^&]+)/.exec(link)![1]}` },
      );
      expect([asCookie.status, JSON.parse(asCookie.body)]).toEqual([401, { error: 'invalid_session' }]);
    });

    it('needs a JSON body (no form-encoded cross-site POST)', async () => {
      const svc = service();
      const response = await svc.handle(
        request({
          method: 'POST',
          path: '/auth/links',
          headers: { 'content-type': 'text/plain' },
          cookies: [await session(svc)],
          body: '{"paths":["/files/x"],"expiresIn":60}',
        }),
      );
      expect([response.status, JSON.parse(response.body)]).toEqual([415, { error: 'unsupported_media_type' }]);
    });

    it('refuses a foreign Origin', async () => {
      const response = await links(
        { paths: ['/files/x'], expiresIn: 60 },
        { headers: { origin: 'https://evil.example' } },
      );
      expect([response.status, JSON.parse(response.body)]).toEqual([403, { error: 'origin_not_allowed' }]);
    });

    it('refuses to bind when the trusted source gives no single address', async () => {
      const response = await links(
        { paths: ['/files/x'], expiresIn: 60, bindIp: true },
        { headers: { 'cloudfront-viewer-address': '2001:db8::5:1:46532, 192.0.2.1:1' } },
      );
      expect([response.status, JSON.parse(response.body)]).toEqual([400, { error: 'ip_binding_unavailable' }]);
    });
  });
});

describe('IPv6 viewers: the link token binds the canonical address, the CloudFront policy binds no IP', () => {
  it.each([
    ['2001:db8::5', '2001:db8::5'],
    ['2001:DB8:0:0:0:0:0:5', '2001:db8::5'],
    ['2001:0db8:0000:0001:0000:0000:0000:0005', '2001:db8:0:1::5'],
    ['::ffff:192.0.2.9', '192.0.2.9'],
  ])('%s → cip %s', async (viewer, cip) => {
    const response = await links(
      { paths: ['/files/film.mp4'], expiresIn: 60, bindIp: true },
      { headers: viewerAddress(viewer) },
    );
    expect(response.status).toBe(200);
    const url = JSON.parse(response.body).links[0].url as string;
    expect(decodeJwt(/token=([^&]+)/.exec(url)![1]!)).toMatchObject({ cip });
    const result = cloudfrontJudges(url, NOW + 1, cip);
    // CloudFront's IpAddress condition is IPv4-only (docs/platform.md#signed-urls-and-cookies).
    expect(result.ok && result.policy.ipAddress?.text).toBe(cip.includes(':') ? undefined : `${cip}/32`);
  });

  it('a session cannot bind an IPv6 viewer: its only binding is the CloudFront policy', async () => {
    const response = await login(service(), {
      headers: viewerAddress('2001:db8::5'),
      body: '{"bindIp":true}',
    });
    expect([response.status, JSON.parse(response.body)]).toEqual([400, { error: 'ip_binding_unavailable' }]);
  });
});

describe('use case (a): a unique, time-limited link per file', () => {
  let url: string;
  const expires = NOW + 300;
  beforeAll(async () => {
    url = JSON.parse((await links({ paths: ['/files/report.pdf'], expiresIn: 300 })).body).links[0].url;
  });

  it('opens its file, for anyone holding it, until its expiry — at the gate and at CloudFront', async () => {
    for (const [at, ip] of [
      [NOW + 1, '203.0.113.5'],
      [expires - 1, '198.51.100.200'],
    ] as const) {
      expect(verdict(await gate(url, at, ip))).toBe('forward /tenants/acme/files/report.pdf');
      expect(codeOf(cloudfrontJudges(url, at, ip))).toBe('ok');
    }
  });

  it('strips the link token before the request travels on', async () => {
    const outcome = await gate(url, NOW + 1, '203.0.113.5');
    expect(outcome.status === 'forward' && outcome.querystring).not.toMatch(/(^|&)token=/);
  });

  it.each(['/files/other.pdf', '/files/report.pdf2', '/files/report.pdf/x', '/files/REPORT.pdf'])(
    'opens no other file: %s',
    async (path) => {
      const other = onOtherPath(url, path);
      expect(verdict(await gate(other, NOW + 1, '203.0.113.5'))).toBe('403 link_path_mismatch');
      expect(codeOf(cloudfrontJudges(other, NOW + 1, '203.0.113.5'))).toBe('resource_mismatch');
    },
  );

  it('stops at its expiry', async () => {
    expect(codeOf(cloudfrontJudges(url, expires, '203.0.113.5'))).toBe('expired');
    // The gate allows the configured clock tolerance, and not a second more.
    expect(verdict(await gate(url, expires + TOLERANCE - 1, '203.0.113.5'))).toBe(
      'forward /tenants/acme/files/report.pdf',
    );
    expect(verdict(await gate(url, expires + TOLERANCE, '203.0.113.5'))).toBe('401 invalid_token');
  });

  it('is useless to another tenant: the tenant is in the signed token, not in the URL', async () => {
    const globex = service();
    const token = await identityToken({ claims: { 'custom:tenant_id': 'globex' } });
    const response = await globex.handle(request({ method: 'POST', headers: { ...identityHeaders(token) } }));
    const other = JSON.parse(
      (
        await links(
          { paths: ['/files/report.pdf'], expiresIn: 300 },
          { svc: globex, cookie: `__Host-tenant=${cookiesOf(response)['__Host-tenant']!.value}` },
        )
      ).body,
    ).links[0].url as string;
    expect(verdict(await gate(other, NOW + 1, '203.0.113.5'))).toBe('forward /tenants/globex/files/report.pdf');
    expect(other).not.toBe(url);
  });

  it('is unique: two links to one file differ (and neither reveals the other)', async () => {
    const again = JSON.parse((await links({ paths: ['/files/report.pdf'], expiresIn: 301 })).body).links[0].url;
    expect(again).not.toBe(url);
  });
});

describe("use case (b): a film sold for 48 hours, streamed only from the buyer's IP", () => {
  const BUYER = '192.0.2.44';
  const HOURS_48 = 48 * 3600;
  let url: string;
  beforeAll(async () => {
    const response = await links(
      { paths: ['/files/film.mp4'], expiresIn: HOURS_48, bindIp: true },
      { headers: viewerAddress(BUYER) },
    );
    expect(response.status).toBe(200);
    url = JSON.parse(response.body).links[0].url;
  });

  it("binds the link token and the CloudFront policy to the buyer's IPv4 /32", () => {
    const token = /token=([^&]+)/.exec(url)![1]!;
    expect(decodeJwt(token)).toMatchObject({ pth: '/files/film.mp4', cip: BUYER, exp: NOW + HOURS_48 });
    const result = cloudfrontJudges(url, NOW + 1, BUYER);
    expect(result.ok && result.policy.ipAddress?.text).toBe(`${BUYER}/32`);
  });

  it('streams to the buyer for 48 hours', async () => {
    for (const at of [NOW + 1, NOW + 24 * 3600, NOW + HOURS_48 - 1]) {
      expect(verdict(await gate(url, at, BUYER))).toBe('forward /tenants/acme/files/film.mp4');
      expect(codeOf(cloudfrontJudges(url, at, BUYER))).toBe('ok');
    }
  });

  it.each(['192.0.2.45', '198.51.100.44', '2001:db8::44'])('refuses another IP: %s', async (ip) => {
    expect(verdict(await gate(url, NOW + 60, ip))).toBe('403 link_ip_mismatch');
    expect(codeOf(cloudfrontJudges(url, NOW + 60, ip))).toBe('ip_mismatch');
  });

  it('stops after 48 hours, even for the buyer', async () => {
    expect(codeOf(cloudfrontJudges(url, NOW + HOURS_48, BUYER))).toBe('expired');
    expect(verdict(await gate(url, NOW + HOURS_48 + TOLERANCE, BUYER))).toBe('401 invalid_token');
  });

  it('opens no other film for the buyer', async () => {
    const other = onOtherPath(url, '/files/other-film.mp4');
    expect(verdict(await gate(other, NOW + 60, BUYER))).toBe('403 link_path_mismatch');
    expect(codeOf(cloudfrontJudges(other, NOW + 60, BUYER))).toBe('resource_mismatch');
  });
});
