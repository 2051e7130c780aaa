/** What only the Lambda@Edge adapter does: malformed events, event shape quirks, logging. */
import { join } from 'node:path';
import type { CloudFrontRequestEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lambdaEdgeEvent, lambdaEdgeOutcome, loadLambdaEdge, type EdgeHandler } from './helpers/lambda-edge';
import { built } from './helpers/targets';
import { mint, NOW } from './helpers/tokens';

let handler: EdgeHandler;
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW * 1000);
  handler = loadLambdaEdge(join(await built('default'), 'viewer-request', 'index.js'));
});
afterAll(() => vi.useRealTimers());

const good = mint();

function withRequest(patch: (request: Record<string, unknown>) => void): CloudFrontRequestEvent {
  const event = lambdaEdgeEvent({ name: '', cookies: [`__Host-tenant=${good}`], expect: { status: 0 } });
  patch(event.Records[0]!.cf.request as unknown as Record<string, unknown>);
  return event;
}

describe('Lambda@Edge adapter: malformed events give a 400, never an exception', () => {
  it.each([
    ['null event', null],
    ['empty object', {}],
    ['no Records', { Records: [] }],
    ['Records not an array', { Records: 'x' }],
    ['cf without request', { Records: [{ cf: {} }] }],
    ['request null', { Records: [{ cf: { request: null } }] }],
    ['request a string', { Records: [{ cf: { request: 'GET /files/a' } }] }],
    ['uri missing', withRequest((r) => delete r.uri)],
    ['uri a number', withRequest((r) => (r.uri = 42))],
    ['method missing', withRequest((r) => delete r.method)],
    ['headers null', withRequest((r) => (r.headers = null))],
    [
      'a header entry without value',
      withRequest((r) => ((r.headers as Record<string, unknown>).cookie = [{ key: 'Cookie' }])),
    ],
    ['headers map holding a string', withRequest((r) => ((r.headers as Record<string, unknown>).cookie = 'x'))],
    ['querystring an object', withRequest((r) => (r.querystring = { token: 'x' }))],
  ])('%s', async (_name, event) => {
    const result = lambdaEdgeOutcome(await handler(event as CloudFrontRequestEvent));
    expect(result).toMatchObject({ status: expect.any(Number) });
    if (result.status === 'forward') return;
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
  });

  it('a missing uri is malformed_request', async () => {
    const outcome = lambdaEdgeOutcome(
      await handler({ Records: [{ cf: { request: null } }] } as unknown as CloudFrontRequestEvent),
    );
    expect(outcome).toMatchObject({ status: 400, code: 'malformed_request' });
  });
});

describe('Lambda@Edge adapter: event shape', () => {
  it('reads a Cookie header under a mixed-case map key too', async () => {
    const event = withRequest((r) => {
      const headers = r.headers as Record<string, unknown>;
      headers.Cookie = headers.cookie;
      delete headers.cookie;
    });
    expect(lambdaEdgeOutcome(await handler(event))).toMatchObject({
      status: 'forward',
      uri: '/tenants/acme/files/report.pdf',
    });
  });

  it('forwards everything else untouched', async () => {
    const event = withRequest((r) => {
      (r.headers as Record<string, unknown>)['x-custom'] = [{ key: 'X-Custom', value: 'kept' }];
      r.querystring = 'a=1';
    });
    const before = structuredClone(event.Records[0]!.cf.request);
    const result = (await handler(event)) as typeof before;
    expect(result).toEqual({
      ...before,
      uri: '/tenants/acme/files/report.pdf',
      headers: { ...before.headers, cookie: undefined },
    });
  });

  it('returns a Lambda@Edge response shape: string status, header lists, text body', async () => {
    const result = await handler(lambdaEdgeEvent({ name: '', expect: { status: 0 } }));
    expect(result).toMatchObject({
      status: '401',
      headers: {
        'cache-control': [{ key: 'cache-control', value: 'no-store' }],
        'content-type': [{ key: 'content-type', value: 'application/json' }],
      },
      bodyEncoding: 'text',
    });
    expect(JSON.parse((result as { body: string }).body)).toEqual({ error: 'missing_credentials' });
  });

  it('logs refusals with their code and reason, never the token', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const forged = mint({ claims: { tid: 'globex' }, signWithKid: 'hs-2026-10' });
    await handler(lambdaEdgeEvent({ name: '', cookies: [`__Host-tenant=${forged}`], expect: { status: 0 } }));
    expect(log).toHaveBeenCalledTimes(1);
    const line = String(log.mock.calls[0]![0]);
    expect(JSON.parse(line)).toEqual({
      gate: 'refused',
      code: 'invalid_token',
      reason: 'signature_invalid',
      requestId: 'test-request-id',
    });
    for (const part of forged.split('.')) expect(line).not.toContain(part);
    log.mockRestore();
  });
});
