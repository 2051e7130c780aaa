/**
 * A Lambda function URL origin (the login function): the request becomes a payload-format-2.0 event, the
 * handler's result becomes the response, as the function URL service does it — cookies apart from the
 * headers (`event.cookies`, `result.cookies`), repeated headers joined with commas, binary bodies base64.
 *
 * What reaches it is what CloudFront forwards (origin-request-policy.ts: the policy's headers, `Via`,
 * `X-Amz-Cf-Id`, `X-Forwarded-For`, `CloudFront-Viewer-Address` only when the policy asks for it) and how the
 * origin access control signed it (origin-access-control.ts). With `authType: 'AWS_IAM'` (the stack's) the URL
 * refuses with 403 what CloudFront did not sign, and a `Host` other than its own. The TCP peer the function sees
 * (`sourceIp`) is an edge server, never the viewer: that is why the login function must not bind to it behind
 * CloudFront.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { header, response, type EdgeRequest, type EdgeResponse, type HeaderList } from './http-message';
import { functionUrlForbidden, type LocalIam } from './origin-access-control';
import type { Origin } from './origin';

export type FunctionUrlHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

/** The address the function sees as its caller: a CloudFront edge server (documentation range, RFC 5737). */
export const EDGE_SERVER_IP = '198.51.100.254';
export const URL_DOMAIN = 'login-local.lambda-url.us-east-1.on.aws';
/** Function URLs pass text bodies as they are and base64-encode the rest. */
const TEXT_TYPE = /^(?:text\/|application\/(?:json|xml|x-www-form-urlencoded|javascript)|[^;]*\+(?:json|xml))/i;

/** `CloudFront-Viewer-Address`: `ip:port`, IPv6 written without brackets (DG, CloudFront headers). */
export function viewerAddress(ip: string, port: number): string {
  return `${ip}:${port}`;
}

export function toFunctionUrlEvent(
  request: EdgeRequest,
  nowMs: number,
  domainName: string = URL_DOMAIN,
): APIGatewayProxyEventV2 {
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
  headers.host = domainName;
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
      domainName,
      domainPrefix: domainName.split('.')[0]!,
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

export interface FunctionUrlOptions {
  clock?: () => number;
  /** `AWS_IAM` (the stack's): only requests CloudFront signed through its origin access control are invoked. */
  authType?: 'NONE' | 'AWS_IAM';
  /** Verifies CloudFront's signatures; required with `AWS_IAM`. */
  iam?: LocalIam;
  /** The URL's own host (`<url-id>.lambda-url.<region>.on.aws`). */
  domainName?: string;
  /** Why a request was refused, for the developer notes. */
  note?: (message: string) => void;
}

export function lambdaUrlOrigin(
  handler: FunctionUrlHandler,
  clockOrOptions: (() => number) | FunctionUrlOptions = {},
): Origin {
  const options: FunctionUrlOptions = typeof clockOrOptions === 'function' ? { clock: clockOrOptions } : clockOrOptions;
  const clock = options.clock ?? Date.now;
  const domainName = options.domainName ?? URL_DOMAIN;
  if (options.authType === 'AWS_IAM' && options.iam === undefined)
    throw new Error('a function URL with AuthType AWS_IAM needs the signatures it verifies (iam)');
  return {
    description: `Lambda function URL https://${domainName}`,
    async fetch(request) {
      if (options.authType === 'AWS_IAM') {
        const host = header(request.headers, 'host');
        const refusal =
          host !== undefined && host.toLowerCase() !== domainName
            ? `Host ${host} is not the function URL's own (an origin request policy forwards the viewer's Host)`
            : options.iam!.refusal(request);
        if (refusal !== undefined) {
          options.note?.(`function URL ${domainName} (AWS_IAM) refused ${request.method} ${request.uri}: ${refusal}`);
          return functionUrlForbidden();
        }
      }
      try {
        return fromFunctionUrlResult(await handler(toFunctionUrlEvent(request, clock(), domainName)));
      } catch {
        // The function URL's answer to an unhandled error in the function.
        return response(502, [['content-type', 'application/json']], '{"Message":"Internal Server Error"}');
      }
    },
  };
}
