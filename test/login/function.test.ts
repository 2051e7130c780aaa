/**
 * The built login function (DIR/login/index.js) behind a function URL: payload format 2.0 in and out, keys read
 * from the configured files at cold start, and no key material inside the bundle.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toLoginRequest } from '../../functions/login';
import { built } from '../helpers/targets';
import {
  CF_PRIVATE_PEM,
  cloudfrontJudges,
  codeOf,
  identityHeaders,
  identityToken,
  NOW,
  parseSetCookie,
  ROOT,
} from './helpers';

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;
let bundle: string;

function event(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; cookies?: string[]; body?: string; base64?: boolean; ip?: string } = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'abc.lambda-url.us-east-1.on.aws', ...init.headers },
    ...(init.cookies ? { cookies: init.cookies } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc',
      domainName: 'abc.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abc',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: init.ip ?? '130.176.0.1', userAgent: 'Amazon CloudFront' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '15/Jan/2027:08:00:00 +0000',
      timeEpoch: NOW * 1000,
    },
    ...(init.body === undefined ? {} : { body: init.base64 ? Buffer.from(init.body).toString('base64') : init.body }),
    isBase64Encoded: init.base64 ?? false,
  };
}

beforeAll(async () => {
  const file = join(await built('default'), 'login', 'index.js');
  bundle = readFileSync(file, 'utf8');
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW * 1000);
  const require = createRequire(import.meta.filename);
  handler = (require(file) as { handler: Handler }).handler;
});
afterAll(() => {
  vi.useRealTimers();
});

describe('built login function', () => {
  it('embeds no key material: no signing secret, no private key', () => {
    for (const key of JSON.parse(readFileSync(join(ROOT, 'gatekeeper.config.json'), 'utf8')).keys as {
      secret?: string;
    }[]) {
      if (key.secret) expect(bundle).not.toContain(key.secret);
    }
    expect(bundle).not.toContain('PRIVATE KEY');
    expect(bundle).not.toContain(CF_PRIVATE_PEM.split('\n')[2]);
  });

  it('logs in: 204 with the cookies in the function URL `cookies` field', async () => {
    const result = await handler(
      event('POST', '/auth/session', {
        headers: {
          ...identityHeaders(await identityToken()),
          'content-type': 'application/json',
          'cloudfront-viewer-address': '192.0.2.10:5555',
        },
        body: '{"bindIp":true}',
        base64: true,
      }),
    );
    expect(result.statusCode).toBe(204);
    expect(result.body).toBeUndefined();
    const cookies = Object.fromEntries(
      (result.cookies ?? []).map((c) => parseSetCookie(c)).map((c) => [c.name, c.value]),
    );
    expect(Object.keys(cookies)).toContain('__Host-tenant');
    expect(codeOf(cloudfrontJudges('https://cdn.example.com/files/a.pdf', NOW + 1, '192.0.2.10', cookies))).toBe('ok');
    expect(codeOf(cloudfrontJudges('https://cdn.example.com/files/a.pdf', NOW + 1, '192.0.2.11', cookies))).toBe(
      'ip_mismatch',
    );

    const session = await handler(
      event('GET', '/auth/session', { cookies: [`__Host-tenant=${cookies['__Host-tenant']}`, 'other=1'] }),
    );
    expect([session.statusCode, JSON.parse(session.body!)]).toEqual([
      200,
      { tenant: 'acme', sub: 'alice', expires: NOW + 900 },
    ]);
  });

  it('answers refusals as JSON codes', async () => {
    const result = await handler(event('POST', '/auth/session'));
    expect([result.statusCode, JSON.parse(result.body!), result.headers?.['content-type']]).toEqual([
      401,
      { error: 'missing_identity' },
      'application/json',
    ]);
  });
});

describe('function URL adapter', () => {
  it('reads method, path, query, lower-cased headers, cookies, a base64 body and the source IP', () => {
    const request = toLoginRequest({
      ...event('POST', '/auth/links', { body: '{"a":1}', base64: true, cookies: ['a=1', 'b=2'] }),
      rawQueryString: 'everywhere=1',
      headers: { 'Content-Type': 'application/json' },
    });
    expect({ ...request, header: request.header('content-type') }).toEqual({
      method: 'POST',
      path: '/auth/links',
      query: 'everywhere=1',
      header: 'application/json',
      cookies: ['a=1', 'b=2'],
      body: '{"a":1}',
      sourceIp: '130.176.0.1',
    });
  });
});
