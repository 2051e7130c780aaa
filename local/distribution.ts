/**
 * One local distribution: behaviors matched by path pattern (first match wins, the default `*` last), each
 * with its origin and the policies CloudFront applies between viewer and origin; the cache in front of the
 * origins. The order per request is CloudFront's:
 *
 *   request limits (413) → match behavior (on the normalized path) → allowed method → trusted key group (signed
 *   URL / cookies) → viewer-request function → cache lookup (key: the request after that function, with what the
 *   cache policy names) → on a miss only: origin request policy (what is forwarded) → origin-request function →
 *   origin access control (signing) → origin, within its read timeout (504) → store → answer HEAD / Range /
 *   conditional from the whole object → custom error responses → response headers policy.
 *
 * Locally the emulator is the distribution: functions see the distribution's own host (`Host: <domain>`), and
 * an `Origin` header naming the emulator itself (`http://localhost:8787`) is presented as `https://<domain>`,
 * which is what a browser on the real distribution sends. Without that, the login function's CSRF check would
 * have to trust a development origin.
 *
 * A behavior built from a DistributionConfig (distribution-config.ts) carries every policy; a behavior built by
 * hand (tests) without an origin request policy hands the origin the request as it stands.
 */
import type { Clock } from './clock';
import { cacheKey, isCacheableMethod, LocalCache, ttlSeconds, type CachePolicy } from './cache';
import {
  CUSTOMIZABLE_ERROR_CODES,
  DEFAULT_ERROR_CACHING_MIN_TTL,
  type CustomErrorResponse,
} from './custom-error-responses';
import type { EdgeFunction, EdgeFunctionOutcome } from './edge-function';
import { header, withHeader, xmlError, type EdgeRequest, type EdgeResponse } from './http-message';
import { serveObject, type ByteRange } from './object-response';
import { ORIGIN_RESPONSE_TIMEOUT_MS, originTimeoutResponse, withOriginTimeout, type Origin } from './origin';
import type { LocalIam, OriginAccessControl } from './origin-access-control';
import { toOriginRequest, type OriginRequestPolicy } from './origin-request-policy';
import { applyResponseHeadersPolicy, type ResponseHeadersPolicy } from './response-headers-policy';
import { checkTrustedKeyGroup, type TrustedKeyGroup } from './signed-requests';
import { matchBehavior } from '../lib/distribution/path-pattern';

export { matchBehavior, matchesPathPattern, normalizeForMatching } from '../lib/distribution/path-pattern';

/**
 * CloudFront's request limits (docs/platform.md#custom-error-responses-and-limits): the URL, and the request
 * line with its headers (without the body). Past either, 413.
 */
export const MAX_URL_BYTES = 8192;
export const MAX_REQUEST_BYTES = 20480;

export interface Behavior {
  /** CloudFront path pattern: case-sensitive, `*` any run of characters (`/` included), `?` one. */
  pathPattern: string;
  origin: Origin;
  /** CloudFront's three choices: GET+HEAD (default), +OPTIONS, or all seven methods. */
  allowedMethods?: readonly string[];
  cachePolicy: CachePolicy;
  trustedKeyGroup?: TrustedKeyGroup;
  viewerRequest?: EdgeFunction;
  /** Lambda@Edge only; runs on cache misses only — which is why a gate must never sit here. */
  originRequest?: EdgeFunction;
  /** Applied to what the viewer gets, after the cache (response-headers-policy.ts). */
  responseHeadersPolicy?: ResponseHeadersPolicy;
  /** What CloudFront forwards to the origin; absent: the request as it stands (hand-built behaviors). */
  originRequestPolicy?: OriginRequestPolicy;
  /** The origin's id and `DomainName` in the DistributionConfig (the `Host` it gets, and notes). */
  originId?: string;
  originDomainName?: string;
  /** The origin's origin access control: CloudFront signs what it sends there. */
  originAccessControl?: OriginAccessControl;
  /** The origin's `OriginPath`, placeholders filled (local/origin-path.ts): put before the forwarded uri. */
  originPath?: string;
  /** The origin's `OriginReadTimeout`; 30 s by default. */
  originReadTimeoutSeconds?: number;
}

export interface DistributionOptions {
  /** The distribution's alternate domain name: `config.domain`. */
  domain: string;
  /** Ordered; the last one should be the default behavior, `*`. */
  behaviors: readonly Behavior[];
  /** Served for a request of `/` (CloudFront's "default root object"). */
  defaultRootObject?: string;
  clock: Clock;
  cache?: LocalCache;
  /** Developer notes: why something was refused, what a function logged. Never a credential. */
  note?: (message: string) => void;
  /** `CustomErrorResponses` by error code. */
  customErrorResponses?: ReadonlyMap<number, CustomErrorResponse>;
  /** Signs for origins with origin access control (required when a behavior has one). */
  iam?: LocalIam;
  /** One origin response timeout for every origin, over each origin's `OriginReadTimeout` (tests). */
  originTimeoutMs?: number;
}

export type ResultType = 'Hit' | 'Miss' | 'Error' | 'LambdaGeneratedResponse' | 'FunctionGeneratedResponse';

export interface Exchange {
  response: EdgeResponse;
  resultType: ResultType;
  /** CloudFront's `x-edge-detailed-result-type`, e.g. `LambdaExecutionError`. */
  detailedResultType: string;
  behavior: Behavior | undefined;
  range: ByteRange | undefined;
  cacheKey: string | undefined;
}

export const GET_HEAD = ['GET', 'HEAD'] as const;
export const GET_HEAD_OPTIONS = ['GET', 'HEAD', 'OPTIONS'] as const;
export const ALL_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'] as const;

/** One function per event by construction; what remains to refuse is what CloudFront refuses at deploy. */
function validate(behaviors: readonly Behavior[]): void {
  for (const b of behaviors) {
    if (b.originRequest?.kind === 'cloudfront-function') {
      throw new Error(
        `behavior ${b.pathPattern}: a CloudFront Function cannot run on origin-request (viewer events only)`,
      );
    }
  }
  if (behaviors.length === 0 || behaviors[behaviors.length - 1]!.pathPattern !== '*') {
    throw new Error('the last behavior must be the default behavior, path pattern "*"');
  }
}

function failure(status: number, code: string, message: string, behavior: Behavior | undefined): Exchange {
  return {
    response: xmlError(status, code, message),
    resultType: 'Error',
    detailedResultType: code,
    behavior,
    range: undefined,
    cacheKey: undefined,
  };
}

function requestBytes(request: EdgeRequest): { url: number; total: number } {
  const url =
    Buffer.byteLength(request.uri) + (request.querystring === '' ? 0 : 1 + Buffer.byteLength(request.querystring));
  const headers = request.headers.reduce((sum, [n, v]) => sum + Buffer.byteLength(n) + Buffer.byteLength(v) + 4, 0);
  return { url, total: request.method.length + 1 + url + headers };
}

export class Distribution {
  readonly cache: LocalCache;
  readonly #options: DistributionOptions;

  constructor(options: DistributionOptions) {
    validate(options.behaviors);
    if (options.iam === undefined && options.behaviors.some((b) => b.originAccessControl !== undefined))
      throw new Error('a behavior whose origin has origin access control needs the distribution to sign (iam)');
    this.#options = options;
    this.cache = options.cache ?? new LocalCache();
  }

  get domain(): string {
    return this.#options.domain;
  }

  #note(message: string): void {
    this.#options.note?.(message);
  }

  /** The request as functions and origins see it behind the real distribution (see the file comment). */
  #asDistribution(request: EdgeRequest): EdgeRequest {
    const domain = this.#options.domain;
    const viewerHost = header(request.headers, 'host');
    let headers = withHeader(request.headers, 'host', domain);
    const origin = header(request.headers, 'origin');
    if (origin !== undefined && viewerHost !== undefined && origin === `http://${viewerHost}`) {
      headers = withHeader(headers, 'origin', `https://${domain}`);
    }
    let uri = request.uri;
    if (uri === '/' && this.#options.defaultRootObject !== undefined) uri = `/${this.#options.defaultRootObject}`;
    return { ...request, uri, headers };
  }

  #functionFailure(
    outcome: Extract<EdgeFunctionOutcome, { kind: 'error' }>,
    behavior: Behavior,
    where: string,
  ): Exchange {
    this.#note(`${where} function on ${behavior.pathPattern} failed: ${outcome.detail}`);
    const code = /<Code>([^<]+)<\/Code>/.exec(outcome.response.body.toString())?.[1] ?? 'Error';
    return {
      response: outcome.response,
      resultType: 'Error',
      detailedResultType: code,
      behavior,
      range: undefined,
      cacheKey: undefined,
    };
  }

  async handle(viewer: EdgeRequest): Promise<Exchange> {
    const exchange = await this.#exchange(viewer);
    const replaced = await this.#customErrorResponse(viewer, exchange);
    return { ...replaced, response: this.#decorate(replaced) };
  }

  async #exchange(viewer: EdgeRequest): Promise<Exchange> {
    const size = requestBytes(viewer);
    if (size.url > MAX_URL_BYTES || size.total > MAX_REQUEST_BYTES) {
      this.#note(
        `refused ${viewer.method} (${size.url} bytes of URL, ${size.total} of request line and headers): CloudFront's limits are ${MAX_URL_BYTES} and ${MAX_REQUEST_BYTES}`,
      );
      return failure(413, 'RequestTooLarge', 'The request line and headers exceed what CloudFront accepts.', undefined);
    }
    const behavior = matchBehavior(this.#options.behaviors, viewer.uri);
    if (behavior === undefined) return failure(404, 'NoBehavior', 'No cache behavior matches.', undefined);
    const allowed = behavior.allowedMethods ?? GET_HEAD;
    if (!allowed.includes(viewer.method)) {
      return failure(
        403,
        'MethodNotAllowed',
        'This distribution is not configured to allow the HTTP request method that was used for this request.',
        behavior,
      );
    }
    let request = this.#asDistribution(viewer);
    const now = this.#options.clock();

    if (behavior.trustedKeyGroup !== undefined) {
      const check = checkTrustedKeyGroup(behavior.trustedKeyGroup, request, this.#options.domain, now);
      if (!check.ok) {
        this.#note(
          `trusted key group refused ${viewer.method} ${viewer.uri}: ${check.result.ok ? '' : `${check.result.code} (${check.result.reason})`}`,
        );
        return {
          response: check.response,
          resultType: 'Error',
          detailedResultType: 'Error',
          behavior,
          range: undefined,
          cacheKey: undefined,
        };
      }
    }

    if (behavior.viewerRequest !== undefined) {
      const outcome = await behavior.viewerRequest.run(request, 'viewer-request');
      if (outcome.kind === 'error') return this.#functionFailure(outcome, behavior, 'viewer-request');
      if (outcome.kind === 'respond') {
        const resultType =
          behavior.viewerRequest.kind === 'lambda-edge' ? 'LambdaGeneratedResponse' : 'FunctionGeneratedResponse';
        const response = viewer.method === 'HEAD' ? { ...outcome.response, body: Buffer.alloc(0) } : outcome.response;
        // Generated at viewer-request: never cached, whatever its headers say.
        return {
          response,
          resultType,
          detailedResultType: resultType,
          behavior,
          range: undefined,
          cacheKey: undefined,
        };
      }
      request = outcome.request;
    }

    const policy = behavior.cachePolicy;
    const cacheable = isCacheableMethod(request.method) && policy.maxTtl > 0;
    const key = cacheable ? cacheKey(policy, request, this.#options.domain) : undefined;
    if (key !== undefined) {
      const hit = this.cache.get(key, now);
      if (hit !== undefined) {
        const served = serveObject(viewer.method, request.headers, hit.response);
        const response = {
          ...served.response,
          headers: withHeader(served.response.headers, 'age', String(hit.ageSeconds)),
        };
        // A cached origin error is still an error to the viewer (and to custom error responses).
        const resultType: ResultType = hit.response.status >= 400 ? 'Error' : 'Hit';
        return { response, resultType, detailedResultType: resultType, behavior, range: served.range, cacheKey: key };
      }
    }

    // CloudFront fills its cache with the whole object: a HEAD or a Range miss still fetches it all.
    let toOrigin: EdgeRequest = cacheable
      ? { ...request, method: 'GET', headers: withHeader(withHeader(request.headers, 'range'), 'if-none-match') }
      : request;
    if (behavior.originRequestPolicy !== undefined) {
      toOrigin = toOriginRequest(toOrigin, policy, behavior.originRequestPolicy, {
        domainName: behavior.originDomainName ?? this.#options.domain,
      });
    }
    let fromOrigin: EdgeResponse;
    let generated = false;
    const originFunction = behavior.originRequest;
    if (originFunction !== undefined) {
      const outcome = await originFunction.run(toOrigin, 'origin-request');
      if (outcome.kind === 'error') return this.#functionFailure(outcome, behavior, 'origin-request');
      if (outcome.kind === 'respond') {
        fromOrigin = outcome.response;
        generated = true;
      } else {
        fromOrigin = await this.#fetchOrigin(behavior, outcome.request, now);
      }
    } else {
      fromOrigin = await this.#fetchOrigin(behavior, toOrigin, now);
    }
    if (key !== undefined) this.#store(key, policy, fromOrigin, now);
    const resultType: ResultType = generated ? 'LambdaGeneratedResponse' : fromOrigin.status >= 400 ? 'Error' : 'Miss';
    if (viewer.method === 'GET' || viewer.method === 'HEAD') {
      const served = serveObject(viewer.method, request.headers, fromOrigin);
      return {
        response: served.response,
        resultType,
        detailedResultType: resultType,
        behavior,
        range: served.range,
        cacheKey: key,
      };
    }
    return {
      response: fromOrigin,
      resultType,
      detailedResultType: resultType,
      behavior,
      range: undefined,
      cacheKey: key,
    };
  }

  /** 200s for their TTL; an origin's error for the distribution's error caching time (custom-error-responses.ts). */
  #store(key: string, policy: CachePolicy, fromOrigin: EdgeResponse, now: number): void {
    if (fromOrigin.status === 200) {
      this.cache.put(key, fromOrigin, ttlSeconds(policy, fromOrigin), now);
    } else if (CUSTOMIZABLE_ERROR_CODES.includes(fromOrigin.status)) {
      const ttl =
        this.#options.customErrorResponses?.get(fromOrigin.status)?.errorCachingMinTtl ?? DEFAULT_ERROR_CACHING_MIN_TTL;
      this.cache.put(key, fromOrigin, ttl, now);
    }
  }

  /** Signed under the origin's access control, answered within its read timeout (504 after, as CloudFront). */
  async #fetchOrigin(behavior: Behavior, viewerRequest: EdgeRequest, now: number): Promise<EdgeResponse> {
    // CloudFront puts the origin path first, then signs what it sends (the signature covers the full path).
    const request =
      behavior.originPath === undefined
        ? viewerRequest
        : { ...viewerRequest, uri: behavior.originPath + viewerRequest.uri };
    const signed =
      behavior.originAccessControl === undefined
        ? request
        : this.#options.iam!.sign(request, behavior.originAccessControl, now);
    const timeoutMs =
      this.#options.originTimeoutMs ??
      (behavior.originReadTimeoutSeconds === undefined
        ? ORIGIN_RESPONSE_TIMEOUT_MS
        : behavior.originReadTimeoutSeconds * 1000);
    const name = behavior.originId ?? behavior.origin.description;
    try {
      const answer = await withOriginTimeout(behavior.origin, timeoutMs).fetch(signed);
      if (answer.status === 504 && answer.body.equals(originTimeoutResponse().body))
        this.#note(`origin ${name} did not answer ${request.method} ${request.uri} within ${timeoutMs} ms: 504`);
      return answer;
    } catch (error) {
      this.#note(`origin ${name} failed on ${request.method} ${request.uri}: ${(error as Error).message}`);
      return xmlError(502, 'OriginError', 'CloudFront could not connect to the origin.');
    }
  }

  /** The distribution's custom error response for `exchange`, when one applies (custom-error-responses.ts). */
  async #customErrorResponse(viewer: EdgeRequest, exchange: Exchange): Promise<Exchange> {
    const rule = this.#options.customErrorResponses?.get(exchange.response.status);
    // Generated by an edge function: never replaced. Only CloudFront's own errors and origins' are.
    if (rule === undefined || exchange.resultType !== 'Error') return exchange;
    const status = rule.responseCode ?? exchange.response.status;
    if (rule.pagePath === undefined) return exchange;
    const page = await this.#errorPage(viewer, rule.pagePath);
    if (page === undefined) {
      this.#note(
        `custom error page ${rule.pagePath} for ${rule.errorCode} could not be had: the original error goes out`,
      );
      return exchange;
    }
    const headers = page.headers.filter(([n]) => !/^(?:content-length|etag|last-modified|accept-ranges)$/i.test(n));
    return {
      ...exchange,
      response: { status, headers, body: viewer.method === 'HEAD' ? Buffer.alloc(0) : page.body },
      range: undefined,
    };
  }

  /** The page at `path`, through the behavior that matches it: its cache and origin, no functions, no signatures. */
  async #errorPage(viewer: EdgeRequest, path: string): Promise<EdgeResponse | undefined> {
    const behavior = matchBehavior(this.#options.behaviors, path);
    if (behavior === undefined) return undefined;
    const now = this.#options.clock();
    const request: EdgeRequest = {
      ...viewer,
      method: 'GET',
      uri: path,
      querystring: '',
      headers: [['Host', this.#options.domain]],
      body: Buffer.alloc(0),
    };
    const cacheable = behavior.cachePolicy.maxTtl > 0;
    const key = cacheable ? cacheKey(behavior.cachePolicy, request, this.#options.domain) : undefined;
    const hit = key === undefined ? undefined : this.cache.get(key, now);
    if (hit !== undefined) return hit.response.status === 200 ? hit.response : undefined;
    const toOrigin =
      behavior.originRequestPolicy === undefined
        ? request
        : toOriginRequest(request, behavior.cachePolicy, behavior.originRequestPolicy, {
            domainName: behavior.originDomainName ?? this.#options.domain,
          });
    const page = await this.#fetchOrigin(behavior, toOrigin, now);
    if (key !== undefined) this.#store(key, behavior.cachePolicy, page, now);
    return page.status === 200 ? page : undefined;
  }

  /** CloudFront's own response headers. */
  #decorate(exchange: Exchange): EdgeResponse {
    const label: Record<ResultType, string> = {
      Hit: 'Hit from local',
      Miss: 'Miss from local',
      Error: 'Error from local',
      LambdaGeneratedResponse: 'LambdaGeneratedResponse from local',
      FunctionGeneratedResponse: 'FunctionGeneratedResponse from local',
    };
    let headers = exchange.response.headers.filter(
      ([name]) => !/^(?:connection|keep-alive|transfer-encoding)$/i.test(name),
    );
    if (exchange.behavior?.responseHeadersPolicy !== undefined)
      headers = applyResponseHeadersPolicy(exchange.behavior.responseHeadersPolicy, headers);
    headers = withHeader(headers, 'x-cache', label[exchange.resultType]);
    headers = withHeader(headers, 'via', '1.1 local.cloudfront.net (CloudFront)');
    headers = withHeader(headers, 'x-amz-cf-pop', 'LOCAL');
    return { ...exchange.response, headers };
  }
}
