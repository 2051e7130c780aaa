/**
 * The built CloudFront Function on a behavior's viewer-request event: the request becomes the function's
 * event (local/cloudfront-function-event.ts), the script runs in node:vm with CloudFront's built-ins only
 * (local/cloudfront-function-runtime.ts), and the result is read back. CloudFront Functions exist for
 * viewer events only; an exception is a 503 (DG "HTTP 503 status code (function execution error)").
 */
import { readFileSync } from 'node:fs';
import { readableGateLog } from '../lib/log-reasons';
import type { Clock } from './clock';
import { fromCloudFrontFunctionResult, toCloudFrontFunctionEvent, type CfMap } from './cloudfront-function-event';
import { loadCloudFrontFunction, type DistributionTenantContext } from './cloudfront-function-runtime';
import type { EdgeFunction } from './edge-function';
import { xmlError, type HeaderList } from './http-message';
import type { LocalKeyValueStore } from './key-value-store';

/** Like Lambda@Edge at viewer events, a function's generated response is capped at 40 KB (DG quotas). */
const GENERATED_BODY_LIMIT = 40 * 1024;

function entries(map: CfMap): [string, string][] {
  const list: [string, string][] = [];
  for (const [name, entry] of Object.entries(map)) {
    for (const v of entry.multiValue ?? [{ value: entry.value }]) list.push([name, v.value]);
  }
  return list;
}

export interface CloudFrontFunctionOptions {
  clock: Clock;
  store?: LocalKeyValueStore;
  log?: (line: string) => void;
  /** The distribution tenant this function serves (a multi-tenant distribution); none: a standard distribution. */
  distributionTenant?: DistributionTenantContext;
}

export function cloudFrontFunction(file: string, options: CloudFrontFunctionOptions): EdgeFunction {
  const handler = loadCloudFrontFunction(readFileSync(file, 'utf8'), {
    now: options.clock,
    ...(options.store ? { store: options.store } : {}),
    ...(options.distributionTenant ? { distributionTenant: options.distributionTenant } : {}),
    log: (line) => (options.log ?? console.log)(readableGateLog(line)),
  });
  return {
    kind: 'cloudfront-function',
    async run(request, eventType) {
      if (eventType !== 'viewer-request') throw new Error('CloudFront Functions run on viewer events only');
      const event = toCloudFrontFunctionEvent({
        method: request.method,
        uri: request.uri,
        querystring: request.querystring,
        headers: request.headers,
        ip: request.clientIp,
        requestId: request.requestId,
      });
      let result;
      try {
        result = fromCloudFrontFunctionResult(await handler(event));
      } catch (error) {
        return {
          kind: 'error',
          response: xmlError(
            503,
            'FunctionExecutionError',
            'The CloudFront function associated with the CloudFront distribution failed.',
          ),
          detail: (error as Error)?.message ?? String(error),
        };
      }
      if (result.kind === 'respond') {
        const headers: HeaderList = Object.entries(result.headers);
        for (const [name, cookie] of Object.entries(result.cookies)) {
          const attributes = (cookie as { attributes?: string }).attributes;
          headers.push(['set-cookie', `${name}=${cookie.value}${attributes ? `; ${attributes}` : ''}`]);
        }
        const body = Buffer.from(result.body);
        if (body.length > GENERATED_BODY_LIMIT) {
          return {
            kind: 'error',
            response: xmlError(502, 'FunctionValidationError', 'The CloudFront function returned an invalid value.'),
            detail: 'body over 40 KB',
          };
        }
        return { kind: 'respond', response: { status: result.status, headers, body } };
      }
      const headers: HeaderList = entries(result.headers);
      if (result.cookieHeader !== '') headers.push(['cookie', result.cookieHeader]);
      return { kind: 'forward', request: { ...request, uri: result.uri, querystring: result.querystring, headers } };
    },
  };
}
