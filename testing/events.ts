/**
 * CloudFront viewer-request events for both runtimes, built the way CloudFront builds them, from one
 * runtime-neutral description of the viewer's request:
 *
 * - Lambda@Edge (DG "Lambda@Edge event structure"): `Records[0].cf`, headers keyed by lower-case name,
 *   each an array of `{ key, value }` keeping the viewer's spelling, every `Cookie` header its own entry;
 * - CloudFront Functions (DG "CloudFront Functions event structure"): header names lower-cased, cookies
 *   parsed out of the `Cookie` headers, the query string as a map, repeated names in `multiValue`.
 *
 * Every map has a null prototype: a name like `__proto__` or `constructor` is an entry like any other.
 */
import type { CloudFrontRequestEvent } from 'aws-lambda';
import { toCloudFrontFunctionEvent, type CloudFrontFunctionEvent } from '../local/cloudfront-function-event';
import { toLambdaEdgeEvent } from '../local/edge-lambda';
import type { HeaderList } from '../local/http-message';

export type { CloudFrontFunctionEvent };

export interface ViewerRequestInit {
  /** `GET` by default. */
  method?: string;
  /** The path, percent-encoded, without the query; `/` by default. */
  uri?: string;
  /** The raw query string, without `?`. */
  querystring?: string;
  /**
   * Header name → value, or `[name, value]` pairs (repeated names allowed). A `Host` and a `User-Agent`
   * are added unless given.
   */
  headers?: Readonly<Record<string, string>> | readonly (readonly [string, string])[];
  /** Raw `Cookie` header values, one per header, as the browser sent them. */
  cookies?: readonly string[];
  /** The viewer's address. */
  ip?: string;
  /** The distribution's CloudFront domain (`config.distributionDomainName`). */
  distributionDomainName?: string;
  requestId?: string;
}

const DEFAULT_DOMAIN = 'd111111abcdef8.cloudfront.net';

/** The request's headers in order: given ones, then `Host` and `User-Agent` where not given, then the Cookie lines. */
export function viewerHeaders(init: ViewerRequestInit): HeaderList {
  const given: HeaderList = Array.isArray(init.headers)
    ? (init.headers as readonly (readonly [string, string])[]).map(([n, v]) => [n, v])
    : Object.entries((init.headers ?? {}) as Record<string, string>);
  const has = (name: string) => given.some(([n]) => n.toLowerCase() === name);
  const list: HeaderList = [];
  if (!has('host')) list.push(['Host', 'cdn.example.com']);
  if (!has('user-agent')) list.push(['User-Agent', 'Amazon CloudFront']);
  list.push(...given);
  for (const value of init.cookies ?? []) list.push(['Cookie', value]);
  return list;
}

/** A Lambda@Edge viewer-request event. */
export function lambdaEdgeViewerRequest(init: ViewerRequestInit = {}): CloudFrontRequestEvent {
  return toLambdaEdgeEvent(
    {
      method: init.method ?? 'GET',
      uri: init.uri ?? '/',
      querystring: init.querystring ?? '',
      headers: viewerHeaders(init),
      body: Buffer.alloc(0),
      clientIp: init.ip ?? '203.0.113.178',
      clientPort: 0,
      requestId: init.requestId ?? 'test-request-id',
    },
    'viewer-request',
    init.distributionDomainName ?? DEFAULT_DOMAIN,
  );
}

/** A CloudFront Functions viewer-request event (`version: '1.0'`). */
export function cloudFrontFunctionViewerRequest(init: ViewerRequestInit = {}): CloudFrontFunctionEvent {
  const event = toCloudFrontFunctionEvent({
    method: init.method ?? 'GET',
    uri: init.uri ?? '/',
    querystring: init.querystring ?? '',
    headers: viewerHeaders(init),
    ip: init.ip ?? '203.0.113.178',
    requestId: init.requestId ?? 'test-request-id',
  });
  if (init.distributionDomainName !== undefined) event.context.distributionDomainName = init.distributionDomainName;
  return event;
}
