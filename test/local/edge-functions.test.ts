/**
 * Running edge functions as CloudFront does: the Lambda@Edge bundle in its own vm context whose Date follows
 * the emulator's clock, results checked (40 KB generated-body limit, read-only and disallowed headers, a 204
 * with a body), exceptions as CloudFront's 503; the CloudFront Function likewise.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../local/clock';
import { lambdaEdgeFunction, readLambdaEdgeResult, toLambdaEdgeEvent } from '../../local/edge-lambda';
import { cloudFrontFunction } from '../../local/edge-cloudfront-function';
import { gateFunction, NOW_S, sessionToken, viewerRequest } from './helpers';

function bundle(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tenant-gate-edge-'));
  const file = join(dir, 'index.js');
  writeFileSync(file, source);
  return file;
}

const clock = manualClock(NOW_S * 1000);

describe('Lambda@Edge event', () => {
  it('keeps repeated Cookie headers as separate entries, keys lower-case, the viewer IP as clientIp', () => {
    const request = viewerRequest('/files/a.png?x=1', {
      headers: [
        ['Cookie', 'a=1'],
        ['cookie', 'b=2'],
      ],
      ip: '198.51.100.9',
    });
    const cf = toLambdaEdgeEvent(request, 'viewer-request', 'd1.cloudfront.net').Records[0]!.cf;
    expect(cf.request.headers.cookie).toEqual([
      { key: 'Cookie', value: 'a=1' },
      { key: 'cookie', value: 'b=2' },
    ]);
    expect(cf.request.headers.host).toEqual([{ key: 'Host', value: '127.0.0.1:8787' }]);
    expect([cf.request.clientIp, cf.request.uri, cf.request.querystring, cf.config.eventType]).toEqual([
      '198.51.100.9',
      '/files/a.png',
      'x=1',
      'viewer-request',
    ]);
  });
});

describe('Lambda@Edge results, validated as CloudFront does', () => {
  const original = viewerRequest('/files/a.png');
  const generated = (extra: Record<string, unknown>) => ({ status: '200', headers: {}, ...extra });
  it.each<[string, unknown, string]>([
    ['a generated body over 40 KB', generated({ body: 'x'.repeat(41 * 1024) }), 'error'],
    ['a generated body just under 40 KB', generated({ body: 'x'.repeat(39 * 1024) }), 'respond'],
    ['a 204 with a body', generated({ status: '204', body: 'x' }), 'error'],
    ['a disallowed header in the response', generated({ headers: { via: [{ key: 'Via', value: 'x' }] } }), 'error'],
    [
      'a header key that does not match its name',
      generated({ headers: { 'x-a': [{ key: 'X-B', value: 'x' }] } }),
      'error',
    ],
    ['an invalid status', generated({ status: '99' }), 'error'],
    ['nothing', undefined, 'error'],
    [
      'the request with Host changed',
      {
        uri: '/a',
        querystring: '',
        headers: {
          host: [{ key: 'Host', value: 'evil.example' }],
          'user-agent': [{ key: 'User-Agent', value: 'test' }],
        },
      },
      'error',
    ],
    [
      'the request with X-Forwarded-Proto added',
      {
        uri: '/a',
        querystring: '',
        headers: {
          host: [{ key: 'Host', value: '127.0.0.1:8787' }],
          'user-agent': [{ key: 'User-Agent', value: 'test' }],
          'x-forwarded-proto': [{ key: 'X-Forwarded-Proto', value: 'https' }],
        },
      },
      'error',
    ],
    [
      'the request with the uri rewritten',
      {
        uri: '/tenants/acme/a',
        querystring: '',
        headers: {
          host: [{ key: 'Host', value: '127.0.0.1:8787' }],
          'user-agent': [{ key: 'User-Agent', value: 'test' }],
        },
      },
      'forward',
    ],
  ])('%s → %s', (_label, result, kind) => {
    const outcome = readLambdaEdgeResult(result, original, 'viewer-request');
    expect(outcome.kind).toBe(kind);
    if (outcome.kind === 'error') expect(outcome.response.status).toBe(502);
  });

  it("an exception is CloudFront's 503 (function execution error)", async () => {
    const fn = lambdaEdgeFunction(bundle('exports.handler = async () => { throw new Error("boom"); };'), { clock });
    const outcome = await fn.run(viewerRequest('/a'), 'viewer-request');
    expect(outcome.kind === 'error' && [outcome.response.status, outcome.detail]).toEqual([503, 'boom']);
  });

  it("the bundle's Date follows the emulator clock; its module state survives between requests (one container)", async () => {
    const local = manualClock(1_000_000);
    const fn = lambdaEdgeFunction(
      bundle(
        'let calls = 0; exports.handler = async () => ({ status: "200", body: JSON.stringify({ now: Date.now(), made: new Date().getTime(), calls: ++calls }) });',
      ),
      { clock: local },
    );
    const read = async () => {
      const outcome = await fn.run(viewerRequest('/a'), 'viewer-request');
      return outcome.kind === 'respond' ? (JSON.parse(outcome.response.body.toString()) as unknown) : outcome;
    };
    expect(await read()).toEqual({ now: 1_000_000, made: 1_000_000, calls: 1 });
    local.advance(5000);
    expect(await read()).toEqual({ now: 1_005_000, made: 1_005_000, calls: 2 });
  });

  it('a bundle may require Node built-ins only', () => {
    expect(() => lambdaEdgeFunction(bundle('require("jose"); exports.handler = async () => ({});'), { clock })).toThrow(
      /Node built-ins/,
    );
  });

  it("the built gate: the token judged at the emulator time, not the machine's", async () => {
    const gate = await gateFunction('lambda-edge', clock);
    const token = sessionToken('acme', NOW_S);
    clock.set(NOW_S * 1000);
    const now = await gate.run(viewerRequest('/files/a.png', { cookie: `__Host-tenant=${token}` }), 'viewer-request');
    expect(now.kind === 'forward' && now.request.uri).toBe('/tenants/acme/files/a.png');
    clock.set((NOW_S + 3600) * 1000);
    const later = await gate.run(viewerRequest('/files/a.png', { cookie: `__Host-tenant=${token}` }), 'viewer-request');
    expect(later.kind === 'respond' && later.response.status).toBe(401);
  });
});

describe('CloudFront Function', () => {
  it("an exception is CloudFront's 503", async () => {
    const fn = cloudFrontFunction(bundle('function handler(event) { throw new Error("boom"); }'), { clock });
    const outcome = await fn.run(viewerRequest('/a'), 'viewer-request');
    expect(outcome.kind === 'error' && outcome.response.status).toBe(503);
  });

  it('cannot run at origin-request', async () => {
    const fn = cloudFrontFunction(bundle('function handler(event) { return event.request; }'), { clock });
    await expect(fn.run(viewerRequest('/a'), 'origin-request')).rejects.toThrow(/viewer events only/);
  });

  it('the built gate forwards with the uri rewritten and the token cookie removed, other cookies kept', async () => {
    const gate = await gateFunction('cloudfront-function', clock);
    clock.set(NOW_S * 1000);
    const outcome = await gate.run(
      viewerRequest('/files/a.png', { cookie: `theme=dark; __Host-tenant=${sessionToken('globex')}` }),
      'viewer-request',
    );
    expect(outcome.kind).toBe('forward');
    if (outcome.kind !== 'forward') return;
    expect(outcome.request.uri).toBe('/tenants/globex/files/a.png');
    expect(outcome.request.headers.filter(([n]) => n === 'cookie')).toEqual([['cookie', 'theme=dark']]);
  });
});
