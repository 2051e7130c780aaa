/**
 * The local distribution cannot be broken by one request, and never leaks a credential:
 *
 * - a cookie, query parameter or header named like an `Object.prototype` member is an entry like any other
 *   (no prototype pollution, no 502), in the emulator and in the test helpers' event builders;
 * - developer notes and every access-log field carry no token, signature or policy;
 * - the folder origin never follows a link out of its root or across tenants;
 * - request bodies are bounded in total, and every origin answers within the origin response timeout.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatAccessLogLine, type AccessRecord } from '../../local/access-log';
import { toCloudFrontFunctionEvent } from '../../local/cloudfront-function-event';
import { toLambdaEdgeEvent } from '../../local/edge-lambda';
import { response, type EdgeResponse } from '../../local/http-message';
import { withOriginTimeout, type Origin } from '../../local/origin';
import { folderOrigin } from '../../local/origin-folder';
import { lambdaUrlOrigin, toFunctionUrlEvent } from '../../local/origin-lambda-url';
import { s3Origin } from '../../local/origin-s3';
import { redactCredentials } from '../../local/redact-credentials';
import { close, createEdgeServer, listen } from '../../local/server';
import { cloudFrontFunctionEvent } from '../helpers/cloudfront-function';
import { lambdaEdgeEvent } from '../helpers/lambda-edge';
import {
  filesDistribution,
  ROOT,
  sessionToken,
  signedPath,
  tenantCookies,
  viewerRequest,
  NOW_S,
  type GateKind,
} from './helpers';

const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf'];
const RUNTIMES: GateKind[] = ['lambda-edge', 'cloudfront-function'];

/** Whatever a test did, the next one starts with a clean `Object.prototype`. */
afterEach(() => {
  delete (Object.prototype as Record<string, unknown>).multiValue;
});

const polluted = () => 'multiValue' in {};

describe('names of Object.prototype members are entries like any other', () => {
  it.each(PROTOTYPE_NAMES)(
    'the CloudFront Function event keeps a cookie, a query parameter and a header named %s',
    (name) => {
      const event = toCloudFrontFunctionEvent({
        method: 'GET',
        uri: '/files/a.txt',
        querystring: `${name}=q1&${name}=q2`,
        headers: [
          [name, 'h'],
          ['Cookie', `${name}=c`],
        ],
        ip: '203.0.113.1',
      });
      expect(polluted()).toBe(false);
      const { cookies, querystring, headers } = event.request;
      for (const map of [cookies, querystring, headers]) expect(Object.getPrototypeOf(map)).toBeNull();
      expect(Object.getOwnPropertyDescriptor(cookies, name)?.value).toEqual({ value: 'c' });
      expect(Object.getOwnPropertyDescriptor(querystring, name)?.value).toEqual({
        value: 'q1',
        multiValue: [{ value: 'q1' }, { value: 'q2' }],
      });
      expect(Object.getOwnPropertyDescriptor(headers, name.toLowerCase())?.value).toEqual({ value: 'h' });
    },
  );

  it.each(PROTOTYPE_NAMES)('the Lambda@Edge event keeps a header named %s', (name) => {
    const event = toLambdaEdgeEvent(viewerRequest('/files/a.txt', { headers: [[name, 'h']] }), 'viewer-request', 'd');
    const headers = event.Records[0]!.cf.request.headers;
    expect(Object.getOwnPropertyDescriptor(headers, name.toLowerCase())?.value).toEqual([{ key: name, value: 'h' }]);
  });

  it.each(PROTOTYPE_NAMES)('the function URL event keeps a header named %s', (name) => {
    const event = toFunctionUrlEvent(viewerRequest('/auth/session', { headers: [[name, 'h']] }), NOW_S * 1000);
    expect(Object.getOwnPropertyDescriptor(event.headers, name.toLowerCase())?.value).toBe('h');
  });

  it.each(PROTOTYPE_NAMES)(
    "the test helpers' events keep a cookie, a query parameter and a header named %s",
    (name) => {
      const c = {
        name: '',
        cookies: [`${name}=c`],
        querystring: `${name}=q`,
        headers: Object.fromEntries([[name, 'h']]) as Record<string, string>,
        expect: { status: 0 },
      };
      const cf = cloudFrontFunctionEvent(c).request;
      expect(polluted()).toBe(false);
      expect(Object.getOwnPropertyDescriptor(cf.cookies, name)?.value).toEqual({ value: 'c' });
      expect(Object.getOwnPropertyDescriptor(cf.querystring, name)?.value).toEqual({ value: 'q' });
      const lambda = lambdaEdgeEvent(c).Records[0]!.cf.request.headers;
      expect(Object.getOwnPropertyDescriptor(lambda, name.toLowerCase())?.value).toEqual([{ key: name, value: 'h' }]);
    },
  );

  describe.each(RUNTIMES)('through the distribution, gate = %s', (gate) => {
    const control = async (extra: { cookie?: string; query?: string; header?: [string, string] }) => {
      const { distribution } = await filesDistribution({ gate });
      const target = `/files/welcome.txt${extra.query === undefined ? '' : `?${extra.query}`}`;
      const cookie = `${tenantCookies('acme')}${extra.cookie === undefined ? '' : `; ${extra.cookie}`}`;
      const answer = await distribution.handle(
        viewerRequest(target, { cookie, ...(extra.header ? { headers: [extra.header] } : {}) }),
      );
      // The same request from another user afterwards: nothing of the first one lingers.
      const next = await distribution.handle(viewerRequest('/files/welcome.txt', { cookie: tenantCookies('globex') }));
      return { status: answer.response.status, body: answer.response.body.toString(), next: next.response.status };
    };

    it.each(PROTOTYPE_NAMES)(
      'a cookie, a query parameter or a header named %s answers as any other name',
      async (name) => {
        for (const [probe, plain] of [
          [{ cookie: `${name}=x` }, { cookie: 'plain=x' }],
          [{ query: `${name}=x` }, { query: 'plain=x' }],
          [{ header: [name, 'x'] as [string, string] }, { header: ['x-plain', 'x'] as [string, string] }],
        ] as const) {
          const [got, expected] = [await control(probe), await control(plain)];
          expect(polluted()).toBe(false);
          expect(got).toEqual(expected);
          expect(got.next).toBe(200);
        }
      },
    );
  });
});

const LINK_TOKEN = sessionToken('acme', NOW_S, { typ: 'x' });
const NAMES = {
  cookies: ['__Host-tenant', 'CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id'],
  queryParams: ['token', 'Signature', 'Policy'],
};

describe('no credential in a developer note or an access-log field', () => {
  it.each<[string, string, string[]]>([
    ['a link URL', `resource_mismatch (https://x/files/a?token=${LINK_TOKEN}&v=1)`, ['v=1']],
    ['signed-URL parameters', 'https://x/a?Policy=eyJhbGc&Signature=abc~def_&Key-Pair-Id=K1', ['Key-Pair-Id=K1']],
    ['a percent-encoded query', 'GET /a%3Ftoken%3DSECRET%26x%3D1', ['x%3D1']],
    ['a cookie header', '__Host-tenant=SECRET; theme=dark; CloudFront-Signature=SIG', ['theme=dark']],
    ['an Authorization value', 'authorization: Bearer abc.def.ghi', ['authorization: Bearer']],
    ['an x-identity-token value', `x-identity-token: ${LINK_TOKEN}`, ['x-identity-token: ']],
    ['an opaque x-identity-token header', 'x-identity-token: opaque-SECRET', ['x-identity-token: ']],
    ['a logged headers object', '{"authorization":"SECRET","accept":"*/*"}', ['"accept":"*/*"']],
    ['a bare JWT in a stack trace', `Error: bad token ${LINK_TOKEN}\n    at x`, ['Error: bad token', 'at x']],
  ])('%s', (_, text, kept) => {
    const out = redactCredentials(text, NAMES);
    for (const secret of [LINK_TOKEN, 'SECRET', 'SIG', 'abc~def_', 'eyJhbGc', 'abc.def.ghi'])
      expect(out).not.toContain(secret);
    for (const part of kept) expect(out).toContain(part);
    expect(out).toContain('REDACTED');
  });

  it("redacts the access log's Referer, User-Agent and every other free-text field", () => {
    const record: AccessRecord = {
      startMs: NOW_S * 1000,
      firstByteMs: NOW_S * 1000,
      endMs: NOW_S * 1000,
      edgeLocation: 'LOCAL',
      bytesSent: 1,
      bytesReceived: 1,
      clientIp: '203.0.113.1',
      clientPort: 1,
      method: 'GET',
      distributionHost: 'd111111abcdef8.cloudfront.net',
      hostHeader: `h${LINK_TOKEN}`,
      uri: `/files/${LINK_TOKEN}`,
      querystring: `token=${LINK_TOKEN}`,
      status: 200,
      referer: `http://localhost:8787/files/a.txt?token=${LINK_TOKEN}&Policy=P0L&Signature=S1G&Key-Pair-Id=K1`,
      userAgent: `curl Bearer ${LINK_TOKEN}`,
      cookieHeader: `__Host-tenant=${LINK_TOKEN}`,
      resultType: 'Miss',
      detailedResultType: 'Miss',
      requestId: 'r',
      forwardedFor: `${LINK_TOKEN}`,
      protocolVersion: 'HTTP/1.1',
      contentType: undefined,
      contentLength: undefined,
      rangeStart: undefined,
      rangeEnd: undefined,
    };
    const line = formatAccessLogLine(record, NAMES);
    for (const secret of [LINK_TOKEN, 'P0L', 'S1G', LINK_TOKEN.split('.')[2]!]) expect(line).not.toContain(secret);
    expect(line).toContain('Key-Pair-Id=K1');
  });

  it("the trusted key group's refusal names the rule, never the link token or the signature", async () => {
    const notes: string[] = [];
    const { distribution } = await filesDistribution({ keyGroup: true, note: (m) => notes.push(m) });
    const signed = signedPath(`/files/roadmap.txt?token=${LINK_TOKEN}`, { dateLessThan: NOW_S + 60 });
    const other = signed.replace('/files/roadmap.txt', '/files/welcome.txt');
    const answer = await distribution.handle(viewerRequest(other));
    expect(answer.response.status).toBe(403);
    const text = notes.join('\n');
    expect(text).toContain('resource_mismatch');
    expect(text).not.toContain(LINK_TOKEN);
    const signature = new URLSearchParams(other.split('?')[1]).get('Signature')!;
    expect(text).not.toContain(signature);
  });
});

describe('the folder origin never follows a link', () => {
  const bucket = mkdtempSync(join(tmpdir(), 'tenant-gate-links-'));
  for (const tenant of ['acme', 'globex']) mkdirSync(join(bucket, 'tenants', tenant, 'files'), { recursive: true });
  writeFileSync(join(bucket, 'tenants', 'acme', 'files', 'own.txt'), 'acme');
  writeFileSync(join(bucket, 'tenants', 'globex', 'files', 'payroll.txt'), 'globex secret');
  const acme = join(bucket, 'tenants', 'acme', 'files');
  symlinkSync(join(ROOT, 'package.json'), join(acme, 'package.json'));
  symlinkSync('../../globex/files/payroll.txt', join(acme, 'payroll.txt'));
  symlinkSync('../../globex/files', join(acme, 'globex'));
  symlinkSync('own.txt', join(acme, 'alias.txt'));
  // The root itself reached through a link is fine: it is judged from its real path.
  const linkedRoot = join(mkdtempSync(join(tmpdir(), 'tenant-gate-root-')), 'bucket');
  symlinkSync(bucket, linkedRoot);

  it.each<[string, number, string?]>([
    ['/tenants/acme/files/own.txt', 200, 'acme'],
    ['/tenants/acme/files/package.json', 404],
    ['/tenants/acme/files/payroll.txt', 404],
    ['/tenants/acme/files/globex/payroll.txt', 404],
    ['/tenants/acme/files/alias.txt', 404],
    ['/tenants/globex/files/payroll.txt', 200, 'globex secret'],
  ])('%s → %i', async (uri, status, body) => {
    for (const root of [bucket, linkedRoot]) {
      const answer = await folderOrigin({ root }).fetch(viewerRequest(uri));
      expect(answer.status).toBe(status);
      if (body !== undefined) expect(answer.body.toString()).toBe(body);
      else expect(answer.body.toString()).toContain('NoSuchKey');
    }
  });
});

/** A raw HTTP request to the server, resolving with the status. */
function post(port: number, bytes: number, path = '/x'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(Buffer.alloc(bytes, 0x61));
  });
}

describe('request bodies are bounded in total across requests', () => {
  it('a body that would take the bodies in flight past the budget is a 503; the budget frees when answered', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived = 0;
    const server = createEdgeServer({
      clock: () => NOW_S * 1000,
      log: false,
      maxBodyBytes: 1000,
      requestBodyBudgetBytes: 1500,
      distribution: {
        async handle(viewer) {
          arrived++;
          if (viewer.uri === '/hold') await held;
          return {
            response: response(200, [], String(viewer.body.length)),
            resultType: 'Miss',
            detailedResultType: 'Miss',
            behavior: undefined,
            range: undefined,
            cacheKey: undefined,
          };
        },
      },
    });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const first = post(port, 900, '/hold');
      while (arrived === 0) await new Promise((r) => setTimeout(r, 5));
      expect(await post(port, 1001)).toBe(413); // one body over its own limit
      expect(await post(port, 900)).toBe(503); // 900 + 900 > 1500
      expect(await post(port, 500)).toBe(200); // 900 + 500 fits
      release();
      expect(await first).toBe(200);
      expect(await post(port, 900)).toBe(200); // the held 900 are free again
    } finally {
      release();
      await close(server);
    }
  });
});

describe('every origin answers within the origin response timeout', () => {
  const silent: Socket[] = [];
  afterEach(() => {
    for (const socket of silent.splice(0)) socket.destroy();
  });

  it('a silent S3 endpoint is a 504 after the timeout (it hung a request for 141 s before)', async () => {
    const tcp = createTcpServer((socket) => silent.push(socket));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(tcp.address() as AddressInfo).port}`;
    const started = Date.now();
    try {
      const answer = await withOriginTimeout(s3Origin({ bucket: 'b', endpoint }), 300).fetch(viewerRequest('/a.txt'));
      expect(answer.status).toBe(504);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(silent.length).toBeGreaterThanOrEqual(1); // it did reach the endpoint
    } finally {
      for (const socket of silent.splice(0)) socket.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
  });

  it('a function URL that never answers is a 504', async () => {
    const origin = lambdaUrlOrigin(() => new Promise(() => {}));
    const answer = await withOriginTimeout(origin, 100).fetch(viewerRequest('/auth/session'));
    expect(answer.status).toBe(504);
  });

  it('a folder, or any origin, that never answers is a 504; one that answers in time is untouched', async () => {
    const hanging: Origin = { description: 'hang', fetch: () => new Promise<EdgeResponse>(() => {}) };
    expect((await withOriginTimeout(hanging, 100).fetch(viewerRequest('/a'))).status).toBe(504);
    const bucket = join(ROOT, 'demo', 'bucket');
    const answer = await withOriginTimeout(folderOrigin({ root: bucket }), 5000).fetch(
      viewerRequest('/tenants/acme/files/welcome.txt'),
    );
    expect(answer.status).toBe(200);
  });

  it('an HTTP origin that answers slowly but in time is served', async () => {
    const slow = createHttpServer((_req, res) => setTimeout(() => res.end('late'), 50));
    const port = await listen(slow, 0, '127.0.0.1');
    try {
      const origin: Origin = {
        description: 'slow',
        fetch: async (_request, signal) => {
          const r = await fetch(`http://127.0.0.1:${port}/`, signal ? { signal } : {});
          return response(r.status, [], Buffer.from(await r.arrayBuffer()));
        },
      };
      const answer = await withOriginTimeout(origin, 2000).fetch(viewerRequest('/a'));
      expect([answer.status, answer.body.toString()]).toEqual([200, 'late']);
    } finally {
      await close(slow);
    }
  });
});

describe('nothing is formatted that is not written', () => {
  it('with `log: false` (npm start -- --quiet-log) a request writes no access-log line anywhere', async () => {
    const written: unknown[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => void written.push(args);
    const server = createEdgeServer({
      clock: () => NOW_S * 1000,
      log: false,
      distribution: {
        handle: async () => ({
          response: response(200, [], 'ok'),
          resultType: 'Miss',
          detailedResultType: 'Miss',
          behavior: undefined,
          range: undefined,
          cacheKey: undefined,
        }),
      },
    });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      expect(await post(port, 10)).toBe(200);
    } finally {
      console.log = original;
      await close(server);
    }
    expect(written).toEqual([]);
  });
});
