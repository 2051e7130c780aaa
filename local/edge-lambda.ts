/**
 * Runs a built Lambda@Edge bundle (CommonJS, `exports.handler`) the way CloudFront invokes it on a request
 * event: the HTTP request becomes `Records[0].cf`, the result is read back and checked as CloudFront checks
 * it (DG "Lambda@Edge event structure", "Restrictions on edge functions").
 *
 * The bundle is loaded once into its own `node:vm` context, like a container's cold start: its module state
 * (imported keys) lives across requests, and its `Date` reads the emulator's clock, so tests can move time.
 * Node's built-in modules are available, as in the Lambda Node.js runtime.
 */
import { readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';
import type {
  CloudFrontHeaders,
  CloudFrontRequest,
  CloudFrontRequestEvent,
  CloudFrontResultResponse,
} from 'aws-lambda';
import type { Clock } from './clock';
import type { EdgeFunction, EdgeFunctionOutcome, EventType } from './edge-function';
import { header, xmlError, type EdgeRequest, type HeaderList } from './http-message';

type Handler = (event: CloudFrontRequestEvent, context: object) => unknown;

/** Viewer events: the generated response, headers and body, may not exceed 40 KB (DG quotas). */
export const VIEWER_GENERATED_RESPONSE_LIMIT = 40 * 1024;
/** Origin events allow 1 MB. */
export const ORIGIN_GENERATED_RESPONSE_LIMIT = 1024 * 1024;
/** Timeouts: 5 s on viewer events, 30 s on origin events (DG quotas). */
const TIMEOUT_MS: Record<EventType, number> = { 'viewer-request': 5000, 'origin-request': 30000 };

/** Headers a function may neither add nor change (DG "Disallowed headers"). */
const DISALLOWED =
  /^(?:connection|expect|keep-alive|proxy-authenticate|proxy-authorization|proxy-connection|trailer|upgrade|x-accel-.*|x-amz-cf-.*|x-amzn-.*|x-cache|x-edge-.*|x-forwarded-proto|x-real-ip)$/;
/** Read-only on viewer-request events (DG "Read-only headers for CloudFront viewer request events"). */
const READ_ONLY_VIEWER = ['content-length', 'host', 'transfer-encoding', 'via'];

export interface LambdaEdgeOptions {
  clock: Clock;
  distributionDomainName?: string;
  log?: (line: string) => void;
}

/**
 * Loads a Lambda bundle (the Lambda@Edge gate, or the regional login function) into a fresh context whose
 * `Date` follows `clock` and whose `console` goes to `log`.
 */
export function loadLambdaHandler(file: string, options: LambdaEdgeOptions): Handler {
  const handler = loadLambdaModule(file, options).handler;
  if (typeof handler !== 'function') throw new Error(`${file} exports no handler`);
  return handler as Handler;
}

/** The bundle's exports, loaded as `loadLambdaHandler` loads it (the local login takes its store from them). */
export function loadLambdaModule(file: string, options: LambdaEdgeOptions): Record<string, unknown> {
  const code = readFileSync(file, 'utf8');
  const hostRequire = createRequire(file);
  const log = options.log ?? ((line: string) => console.log(line));
  const module: { exports: Record<string, unknown> } = { exports: {} };
  const context = vm.createContext({
    Buffer,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    AbortController,
    AbortSignal,
    atob,
    btoa,
    crypto: globalThis.crypto,
    fetch: globalThis.fetch,
    Headers,
    Request,
    Response,
    FormData,
    Blob,
    Event,
    EventTarget,
    CryptoKey: globalThis.CryptoKey,
    performance,
    process,
    queueMicrotask,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    setImmediate,
    clearImmediate,
    structuredClone,
    console: Object.freeze({
      log: (...args: unknown[]) => log(args.map(String).join(' ')),
      info: (...args: unknown[]) => log(args.map(String).join(' ')),
      warn: (...args: unknown[]) => log(args.map(String).join(' ')),
      error: (...args: unknown[]) => log(args.map(String).join(' ')),
      debug: () => {},
    }),
    __clock: options.clock,
  });
  vm.runInContext(
    `(function () {
      var RealDate = Date;
      class ClockDate extends RealDate {
        constructor(...args) { if (args.length === 0) super(__clock()); else super(...args); }
        static now() { return __clock(); }
      }
      globalThis.Date = ClockDate;
    })();`,
    context,
  );
  const wrapper = vm.runInContext(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, context, {
    filename: file,
  }) as (exports: object, require: (id: string) => unknown, module: object, filename: string, dirname: string) => void;
  // A bundle needs only Node's built-ins; anything else would be missing in Lambda too.
  const require = (id: string): unknown => {
    if (!isBuiltin(id))
      throw new Error(`Cannot find module '${id}' (a Lambda@Edge bundle may require only Node built-ins)`);
    return hostRequire(id);
  };
  wrapper(module.exports, require, module, file, dirname(file));
  return module.exports;
}

export function toLambdaEdgeEvent(request: EdgeRequest, eventType: EventType, domain: string): CloudFrontRequestEvent {
  // Null prototype: a header named `constructor` or `__proto__` is an entry like any other.
  const headers = Object.create(null) as CloudFrontHeaders;
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    (headers[lower] ??= []).push({ key: name, value });
  }
  const cfRequest: CloudFrontRequest = {
    clientIp: request.clientIp,
    headers,
    method: request.method,
    querystring: request.querystring,
    uri: request.uri,
  };
  if (eventType === 'origin-request') {
    cfRequest.origin = {
      s3: {
        authMethod: 'origin-access-identity',
        customHeaders: {},
        domainName: 'local-bucket.s3.us-east-1.amazonaws.com',
        path: '',
        region: 'us-east-1',
      },
    };
  }
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: domain,
            distributionId: 'ELOCALEXAMPLE',
            eventType,
            requestId: request.requestId,
          },
          request: cfRequest,
        },
      },
    ],
  };
}

function headerList(headers: unknown): HeaderList | string {
  if (headers === undefined) return [];
  if (typeof headers !== 'object' || headers === null) return 'headers is not an object';
  const list: HeaderList = [];
  for (const [name, entries] of Object.entries(headers as Record<string, unknown>)) {
    if (!Array.isArray(entries)) return `headers.${name} is not an array`;
    for (const entry of entries as unknown[]) {
      const e = entry as { key?: unknown; value?: unknown };
      if (typeof e !== 'object' || e === null || typeof e.value !== 'string')
        return `headers.${name}: each entry needs a string value`;
      if (e.key !== undefined && (typeof e.key !== 'string' || e.key.toLowerCase() !== name)) {
        return `headers.${name}: key ${JSON.stringify(e.key)} does not match the lower-case name`;
      }
      list.push([typeof e.key === 'string' ? e.key : name, e.value]);
    }
  }
  return list;
}

function validationError(detail: string): EdgeFunctionOutcome {
  // DG troubleshooting: "HTTP 502 status code (Lambda validation error)".
  return {
    kind: 'error',
    response: xmlError(502, 'LambdaValidationError', 'The Lambda function returned an invalid response.'),
    detail,
  };
}

/** Reads what the handler returned the way CloudFront validates it. */
export function readLambdaEdgeResult(
  result: unknown,
  original: EdgeRequest,
  eventType: EventType,
): EdgeFunctionOutcome {
  if (typeof result !== 'object' || result === null)
    return validationError('the function returned neither a request nor a response');
  const r = result as Record<string, unknown>;
  if ('status' in r) {
    const response = r as unknown as CloudFrontResultResponse;
    const status = Number(response.status);
    if (!Number.isInteger(status) || status < 100 || status > 599)
      return validationError(`invalid status ${JSON.stringify(response.status)}`);
    const headers = headerList(response.headers);
    if (typeof headers === 'string') return validationError(headers);
    // docs/platform.md#lambda-edge: Via and Transfer-Encoding are CloudFront's own in a response as well.
    const bad = headers.find(
      ([name]) =>
        DISALLOWED.test(name.toLowerCase()) ||
        name.toLowerCase() === 'transfer-encoding' ||
        name.toLowerCase() === 'via',
    );
    if (bad !== undefined) return validationError(`disallowed header ${bad[0]} in the generated response`);
    const text = response.body ?? '';
    if (typeof text !== 'string') return validationError('body is not a string');
    const encoding = response.bodyEncoding ?? 'text';
    if (encoding !== 'text' && encoding !== 'base64') return validationError(`bodyEncoding ${String(encoding)}`);
    const body = Buffer.from(text, encoding === 'base64' ? 'base64' : 'utf8');
    if (status === 204 && body.length > 0) return validationError('a 204 with a body');
    const size = body.length + headers.reduce((sum, [n, v]) => sum + n.length + v.length + 4, 0);
    const limit = eventType === 'viewer-request' ? VIEWER_GENERATED_RESPONSE_LIMIT : ORIGIN_GENERATED_RESPONSE_LIMIT;
    if (size > limit)
      return validationError(`generated response of ${size} bytes, over the ${limit}-byte limit for ${eventType}`);
    if (response.statusDescription !== undefined && typeof response.statusDescription !== 'string')
      return validationError('statusDescription');
    return { kind: 'respond', response: { status, headers, body } };
  }
  const request = r as unknown as CloudFrontRequest;
  if (typeof request.uri !== 'string' || !request.uri.startsWith('/'))
    return validationError('uri must be a string starting with "/"');
  if (typeof request.querystring !== 'string') return validationError('querystring must be a string');
  const headers = headerList(request.headers);
  if (typeof headers === 'string') return validationError(headers);
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (DISALLOWED.test(lower) && header(original.headers, lower) !== value)
      return validationError(`disallowed header ${name} added or changed`);
  }
  if (eventType === 'viewer-request') {
    for (const name of READ_ONLY_VIEWER) {
      const before = original.headers
        .filter(([n]) => n.toLowerCase() === name)
        .map(([, v]) => v)
        .join('\n');
      const after = headers
        .filter(([n]) => n.toLowerCase() === name)
        .map(([, v]) => v)
        .join('\n');
      if (before !== after) return validationError(`read-only header ${name} changed at viewer-request`);
    }
  }
  return { kind: 'forward', request: { ...original, uri: request.uri, querystring: request.querystring, headers } };
}

export function lambdaEdgeFunction(file: string, options: LambdaEdgeOptions): EdgeFunction {
  const handler = loadLambdaHandler(file, options);
  const domain = options.distributionDomainName ?? 'd111111abcdef8.cloudfront.net';
  return {
    kind: 'lambda-edge',
    async run(request, eventType) {
      const event = toLambdaEdgeEvent(request, eventType, domain);
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`timed out after ${TIMEOUT_MS[eventType]} ms`)),
            TIMEOUT_MS[eventType],
          );
        });
        const result = await Promise.race([
          Promise.resolve(handler(event, { functionName: 'tenant-gate-local' })),
          timeout,
        ]);
        return readLambdaEdgeResult(result, request, eventType);
      } catch (error) {
        // DG troubleshooting: "HTTP 503 status code (function execution error)" — an exception or a timeout.
        return {
          kind: 'error',
          response: xmlError(
            503,
            'LambdaExecutionError',
            'The Lambda function associated with the CloudFront distribution failed.',
          ),
          detail: (error as Error)?.message ?? String(error),
        };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
