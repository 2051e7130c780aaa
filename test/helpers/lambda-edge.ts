/** CloudFront-shaped Lambda@Edge viewer-request events, and a runner for the built bundle. */
import type { CloudFrontRequestEvent, CloudFrontRequestResult } from 'aws-lambda';
import { createRequire } from 'node:module';
import { lambdaEdgeViewerRequest } from '../../testing/events';
import type { RequestCase } from '../cases/request-cases';
import type { Outcome } from './outcome';

export type EdgeHandler = (event: CloudFrontRequestEvent) => Promise<CloudFrontRequestResult>;

export function loadLambdaEdge(file: string): EdgeHandler {
  const require = createRequire(import.meta.filename);
  delete require.cache[require.resolve(file)];
  return (require(file) as { handler: EdgeHandler }).handler;
}

export function lambdaEdgeEvent(c: RequestCase): CloudFrontRequestEvent {
  // CloudFront keeps each Cookie header as its own entry, with the key as the viewer spelled it.
  const cookies = (c.cookies ?? []).map((value, i) => [i % 2 ? 'cookie' : 'Cookie', value] as const);
  return lambdaEdgeViewerRequest({
    method: c.method ?? 'GET',
    uri: c.uri ?? '/files/report.pdf',
    querystring: c.querystring ?? '',
    headers: [...Object.entries(c.headers ?? {}), ...cookies],
    ip: c.ip ?? '203.0.113.178',
    distributionDomainName: 'd111111abcdef8.cloudfront.net',
  });
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
