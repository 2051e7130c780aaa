/**
 * A Lambda function URL origin (the login function): the request becomes a payload-format-2.0 event, the
 * handler's result becomes the response, as the function URL service does it — cookies apart from the
 * headers (`event.cookies`, `result.cookies`), repeated headers joined with commas, binary bodies base64.
 *
 * What CloudFront adds on the way (origin request policy `AllViewerExceptHostHeader`, which `tenant-gate
 * attach` sets): every viewer header but `Host`, `CloudFront-Viewer-Address` (`ip:port`, the address the
 * login function binds to when `viewerIpSource` is `cloudfront-viewer-address`), the viewer address appended
 * to `X-Forwarded-For`, `Via`, `X-Amz-Cf-Id`. The TCP peer the function sees (`sourceIp`) is an edge server,
 * never the viewer: that is why the login function must not bind to it behind CloudFront.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { response, type EdgeRequest, type EdgeResponse, type HeaderList } from './http-message';
import type { Origin } from './origin';

export type FunctionUrlHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

/** The address the function sees as its caller: a CloudFront edge server (documentation range, RFC 5737). */
export const EDGE_SERVER_IP = '198.51.100.254';
const URL_DOMAIN = 'login-local.lambda-url.us-east-1.on.aws';
/** Function URLs pass text bodies as they are and base64-encode the rest. */
const TEXT_TYPE = /^(?:text\/|application\/(?:json|xml|x-www-form-urlencoded|javascript)|[^;]*\+(?:json|xml))/i;

/** `CloudFront-Viewer-Address`: `ip:port`, IPv6 written without brackets (DG, CloudFront headers). */
export function viewerAddress(ip: string, port: number): string {
  return `${ip}:${port}`;
}

export function toFunctionUrlEvent(request: EdgeRequest, nowMs: number): APIGatewayProxyEventV2 {
  // Null prototype: a header named `constructor` or `__proto__` is an entry like any other.
  const headers = Object.create(null) as Record<string, string>;
  const cookies: string[] = [];
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    if (lower === 'host') continue;
    if (lower === 'cookie') {
      for (const pair of value.split(';')) if (pair.trim() !== '') cookies.push(pair.trim());
      continue;
    }
    headers[lower] = headers[lower] === undefined ? value : `${headers[lower]},${value}`;
  }
  const forwardedFor = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwardedFor === undefined ? request.clientIp : `${forwardedFor}, ${request.clientIp}`;
  headers['cloudfront-viewer-address'] = viewerAddress(request.clientIp, request.clientPort);
  headers['x-amz-cf-id'] = request.requestId;
  headers.via = '1.1 local.cloudfront.net (CloudFront)';
  headers.host = URL_DOMAIN;
  const type = headers['content-type'] ?? '';
  const text = request.body.length === 0 || TEXT_TYPE.test(type);
  const time = new Date(nowMs);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.uri,
    rawQueryString: request.querystring,
    headers,
    ...(cookies.length > 0 ? { cookies } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'login-local',
      domainName: URL_DOMAIN,
      domainPrefix: 'login-local',
      http: {
        method: request.method,
        path: request.uri,
        protocol: 'HTTP/1.1',
        sourceIp: EDGE_SERVER_IP,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId,
      routeKey: '$default',
      stage: '$default',
      time: time.toUTCString(),
      timeEpoch: nowMs,
    },
    ...(request.body.length > 0
      ? { body: text ? request.body.toString('utf8') : request.body.toString('base64') }
      : {}),
    isBase64Encoded: !text,
  };
}

export function fromFunctionUrlResult(result: APIGatewayProxyResultV2): EdgeResponse {
  // A result without `statusCode` is taken as a JSON body with status 200 (Lambda function URL docs).
  if (typeof result !== 'object' || result === null || typeof result.statusCode !== 'number') {
    return response(200, [['content-type', 'application/json']], JSON.stringify(result));
  }
  const headers: HeaderList = [];
  for (const [name, value] of Object.entries(result.headers ?? {})) headers.push([name, String(value)]);
  for (const cookie of result.cookies ?? []) headers.push(['set-cookie', cookie]);
  const body =
    result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  return response(result.statusCode, headers, body);
}

export function lambdaUrlOrigin(handler: FunctionUrlHandler, clock: () => number = Date.now): Origin {
  return {
    description: 'Lambda function URL',
    async fetch(request) {
      try {
        return fromFunctionUrlResult(await handler(toFunctionUrlEvent(request, clock())));
      } catch {
        // The function URL's answer to an unhandled error in the function.
        return response(502, [['content-type', 'application/json']], '{"Message":"Internal Server Error"}');
      }
    },
  };
}
