/** The origins: a Lambda function URL (payload 2.0, as CloudFront reaches it) and an S3-compatible endpoint. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EDGE_SERVER_IP,
  fromFunctionUrlResult,
  lambdaUrlOrigin,
  toFunctionUrlEvent,
  URL_DOMAIN,
} from '../../local/origin-lambda-url';
import { s3Origin } from '../../local/origin-s3';
import { viewerRequest } from './helpers';

describe('Lambda function URL origin', () => {
  const request = {
    ...viewerRequest('/auth/session?x=1', {
      method: 'POST',
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Forwarded-For', '192.0.2.1'],
        ['Accept', 'a'],
        ['accept', 'b'],
      ],
      cookie: '__Host-tenant=abc; theme=dark',
      ip: '203.0.113.10',
    }),
    body: Buffer.from('{"bindIp":true}'),
  };

  it('builds the event from the request as forwarded: headers joined, cookies apart, its own host, the edge as sourceIp', () => {
    const event = toFunctionUrlEvent(request, Date.UTC(2027, 0, 15));
    // What CloudFront adds (X-Forwarded-For, CloudFront-Viewer-Address) is origin-request-policy.ts's business.
    expect(event.headers['x-forwarded-for']).toBe('192.0.2.1');
    expect(event.headers.host).toBe(URL_DOMAIN);
    expect(event.headers.accept).toBe('a,b');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['__Host-tenant=abc', 'theme=dark']);
    expect(event.requestContext.http).toMatchObject({
      method: 'POST',
      path: '/auth/session',
      sourceIp: EDGE_SERVER_IP,
    });
    expect([event.rawPath, event.rawQueryString, event.body, event.isBase64Encoded]).toEqual([
      '/auth/session',
      'x=1',
      '{"bindIp":true}',
      false,
    ]);
  });

  it('base64-encodes a binary body', () => {
    const event = toFunctionUrlEvent(
      { ...request, headers: [['content-type', 'application/octet-stream']], body: Buffer.from([0, 255]) },
      0,
    );
    expect([event.body, event.isBase64Encoded]).toEqual(['AP8=', true]);
  });

  it('reads the result: cookies become Set-Cookie headers, base64 bodies decoded, a bare value is JSON', () => {
    const r = fromFunctionUrlResult({
      statusCode: 204,
      headers: { 'cache-control': 'no-store' },
      cookies: ['a=1; Secure', 'b=2'],
    });
    expect(r.headers).toEqual([
      ['cache-control', 'no-store'],
      ['set-cookie', 'a=1; Secure'],
      ['set-cookie', 'b=2'],
    ]);
    expect(fromFunctionUrlResult({ statusCode: 200, body: 'aGk=', isBase64Encoded: true }).body.toString()).toBe('hi');
    expect(fromFunctionUrlResult('plain' as never).body.toString()).toBe('"plain"');
  });

  it("an exception in the function is the function URL's 502", async () => {
    const origin = lambdaUrlOrigin(async () => {
      throw new Error('boom');
    });
    expect((await origin.fetch(request)).status).toBe(502);
  });
});

describe('S3-compatible endpoint through @aws-sdk/client-s3', () => {
  const objects: Record<string, string> = { '/demo-bucket/tenants/acme/files/welcome.txt': 'Welcome to Acme' };
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const body = objects[req.url!.split('?')[0]!];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/xml' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
      );
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/plain',
      etag: '"e1"',
      'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  let endpoint = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('GETs the key the uri names, path-style, and passes ETag and type on', async () => {
    const origin = s3Origin({ bucket: 'demo-bucket', endpoint });
    const answer = await origin.fetch(viewerRequest('/tenants/acme/files/welcome.txt'));
    expect([answer.status, answer.body.toString()]).toEqual([200, 'Welcome to Acme']);
    expect(answer.headers).toContainEqual(['etag', '"e1"']);
    expect(answer.headers).toContainEqual(['content-type', 'text/plain']);
    expect(seen.at(-1)).toMatch(/^GET \/demo-bucket\/tenants\/acme\/files\/welcome\.txt/);
  });

  it('a missing key is 404 NoSuchKey', async () => {
    const answer = await s3Origin({ bucket: 'demo-bucket', endpoint }).fetch(
      viewerRequest('/tenants/acme/files/none.txt'),
    );
    expect(answer.status).toBe(404);
    expect(answer.body.toString()).toContain('NoSuchKey');
  });

  it('an unreachable endpoint is a 502', async () => {
    const answer = await s3Origin({ bucket: 'b', endpoint: 'http://127.0.0.1:9' }).fetch(viewerRequest('/a.txt'));
    expect(answer.status).toBe(502);
  });
});
