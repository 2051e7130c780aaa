/** CloudFront-shaped Lambda@Edge viewer-request events, and a runner for the built bundle. */
import type { CloudFrontHeaders, CloudFrontRequestEvent, CloudFrontRequestResult } from 'aws-lambda';
import { createRequire } from 'node:module';
import type { RequestCase } from '../cases/request-cases';
import type { Outcome } from './outcome';

export type EdgeHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;

export function loadLambdaEdge(file: string): EdgeHandler {
  const require = createRequire(import.meta.filename);
  delete require.cache[require.resolve(file)];
  return (require(file) as { handler: EdgeHandler }).handler;
}

export function lambdaEdgeEvent(c: RequestCase): CloudFrontRequestEvent {
  const headers: CloudFrontHeaders = {
    host: [{ key: 'Host', value: 'cdn.example.com' }],
    'user-agent': [{ key: 'User-Agent', value: 'Amazon CloudFront' }],
  };
  for (const [name, value] of Object.entries(c.headers ?? {})) headers[name] = [{ key: name, value }];
  // CloudFront keeps each Cookie header as its own entry, with the key as the viewer spelled it.
  if (c.cookies?.length) headers.cookie = c.cookies.map((value, i) => ({ key: i % 2 ? 'cookie' : 'Cookie', value }));
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: 'd111111abcdef8.cloudfront.net',
            distributionId: 'EDFDVBD6EXAMPLE',
            eventType: 'viewer-request',
            requestId: 'test-request-id',
          },
          request: {
            clientIp: c.ip ?? '203.0.113.178',
            headers,
            method: c.method ?? 'GET',
            querystring: c.querystring ?? '',
            uri: c.uri ?? '/files/report.pdf',
          },
        },
      },
    ],
  } as CloudFrontRequestEvent;
}

export function lambdaEdgeOutcome(result: CloudFrontRequestResult): Outcome {
  if (result && 'status' in result && result.status !== undefined) {
    const headers: Record<string, string> = {};
    for (const [name, entries] of Object.entries(result.headers ?? {})) headers[name] = entries[0]!.value;
    const body = result.body ?? '';
    return {
      status: Number(result.status),
      headers,
      body,
      code: body ? (JSON.parse(body) as { error?: string }).error : undefined,
    };
  }
  const request = result as import('aws-lambda').CloudFrontRequest;
  return {
    status: 'forward',
    uri: request.uri,
    querystring: request.querystring,
    // Cookie pairs across every forwarded Cookie header, comparable with the CloudFront Function's map.
    cookies: (request.headers.cookie ?? []).flatMap((h) => h.value.split(/;\s*/)).filter((pair) => pair !== ''),
  };
}
