/**
 * One local distribution: behaviors matched by path pattern (first match wins, the default `*` last), each
 * with its origin, cache policy, optional trusted key group and request functions; the cache in front of
 * the origins. The order per request is CloudFront's:
 *
 *   match behavior (on the normalized path) → allowed method → trusted key group (signed URL / cookies) →
 *   viewer-request function → cache lookup (key: the request after that function) → on a miss only:
 *   origin-request function → origin → store → answer HEAD / Range / conditional from the whole object.
 *
 * Locally the emulator is the distribution: functions and origins see the distribution's own host
 * (`Host: <domain>`), and an `Origin` header naming the emulator itself (`http://localhost:8787`) is
 * presented as `https://<domain>`, which is what a browser on the real distribution sends. Without that, the
 * login function's CSRF check would have to trust a development origin.
 */
import type { Clock } from './clock';
import { cacheKey, isCacheableMethod, LocalCache, ttlSeconds, type CachePolicy } from './cache';
import type { EdgeFunction, EdgeFunctionOutcome } from './edge-function';
import { header, withHeader, xmlError, type EdgeRequest, type EdgeResponse } from './http-message';
import { serveObject, type ByteRange } from './object-response';
import type { Origin } from './origin';
import { checkTrustedKeyGroup, type TrustedKeyGroup } from './signed-requests';

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
  /**
   * A response headers policy's custom headers, with "override origin": applied to what the viewer gets,
   * after the cache. E.g. `Cache-Control: private, no-cache` on tenant files, so that a browser never answers
   * `/files/x` from its own cache for whoever signs in next, while CloudFront still caches per tenant key.
   */
  responseHeaders?: Readonly<Record<string, string>>;
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

/** Dot segments and empty segments resolved, for behavior matching only (docs/platform.md#uri-handling). */
export function normalizeForMatching(uri: string): string {
  const out: string[] = [];
  const segments = uri.split('/').slice(1);
  segments.forEach((segment, i) => {
    if (segment === '..') out.pop();
    else if (segment !== '.' && (segment !== '' || i === segments.length - 1)) out.push(segment);
  });
  return `/${out.join('/')}`.replace(/\/{2,}/g, '/');
}

export function matchesPathPattern(pattern: string, path: string): boolean {
  const full = pattern.startsWith('/') || pattern === '*' ? pattern : `/${pattern}`;
  const source = full
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(path);
}

export function matchBehavior<B extends Pick<Behavior, 'pathPattern'>>(
  behaviors: readonly B[],
  uri: string,
): B | undefined {
  const path = normalizeForMatching(uri);
  return behaviors.find((b) => matchesPathPattern(b.pathPattern, path));
}

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

export class Distribution {
  readonly cache: LocalCache;
  readonly #options: DistributionOptions;

  constructor(options: DistributionOptions) {
    validate(options.behaviors);
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
    const behavior = matchBehavior(this.#options.behaviors, viewer.uri);
    const done = (exchange: Exchange): Exchange => ({ ...exchange, response: this.#decorate(exchange) });
    if (behavior === undefined) {
      return done({
        response: xmlError(404, 'NoBehavior', 'No cache behavior matches.'),
        resultType: 'Error',
        detailedResultType: 'Error',
        behavior,
        range: undefined,
        cacheKey: undefined,
      });
    }
    const allowed = behavior.allowedMethods ?? GET_HEAD;
    if (!allowed.includes(viewer.method)) {
      const refused = xmlError(
        403,
        'MethodNotAllowed',
        'This distribution is not configured to allow the HTTP request method that was used for this request.',
      );
      return done({
        response: refused,
        resultType: 'Error',
        detailedResultType: 'Error',
        behavior,
        range: undefined,
        cacheKey: undefined,
      });
    }
    let request = this.#asDistribution(viewer);
    const now = this.#options.clock();

    if (behavior.trustedKeyGroup !== undefined) {
      const check = checkTrustedKeyGroup(behavior.trustedKeyGroup, request, this.#options.domain, now);
      if (!check.ok) {
        this.#note(
          `trusted key group refused ${viewer.method} ${viewer.uri}: ${check.result.ok ? '' : `${check.result.code} (${check.result.reason})`}`,
        );
        return done({
          response: check.response,
          resultType: 'Error',
          detailedResultType: 'Error',
          behavior,
          range: undefined,
          cacheKey: undefined,
        });
      }
    }

    if (behavior.viewerRequest !== undefined) {
      const outcome = await behavior.viewerRequest.run(request, 'viewer-request');
      if (outcome.kind === 'error') return done(this.#functionFailure(outcome, behavior, 'viewer-request'));
      if (outcome.kind === 'respond') {
        const resultType =
          behavior.viewerRequest.kind === 'lambda-edge' ? 'LambdaGeneratedResponse' : 'FunctionGeneratedResponse';
        const response = viewer.method === 'HEAD' ? { ...outcome.response, body: Buffer.alloc(0) } : outcome.response;
        // Generated at viewer-request: never cached, whatever its headers say.
        return done({
          response,
          resultType,
          detailedResultType: resultType,
          behavior,
          range: undefined,
          cacheKey: undefined,
        });
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
        return done({
          response,
          resultType: 'Hit',
          detailedResultType: 'Hit',
          behavior,
          range: served.range,
          cacheKey: key,
        });
      }
    }

    // CloudFront fills its cache with the whole object: a HEAD or a Range miss still fetches it all.
    let toOrigin: EdgeRequest = cacheable
      ? { ...request, method: 'GET', headers: withHeader(withHeader(request.headers, 'range'), 'if-none-match') }
      : request;
    let fromOrigin: EdgeResponse;
    let generated = false;
    const originFunction = behavior.originRequest;
    if (originFunction !== undefined) {
      const outcome = await originFunction.run(toOrigin, 'origin-request');
      if (outcome.kind === 'error') return done(this.#functionFailure(outcome, behavior, 'origin-request'));
      if (outcome.kind === 'respond') {
        fromOrigin = outcome.response;
        generated = true;
      } else {
        toOrigin = outcome.request;
        fromOrigin = await behavior.origin.fetch(toOrigin);
      }
    } else {
      fromOrigin = await behavior.origin.fetch(toOrigin);
    }
    if (key !== undefined) this.cache.put(key, fromOrigin, ttlSeconds(policy, fromOrigin), now);
    const resultType: ResultType = generated ? 'LambdaGeneratedResponse' : fromOrigin.status >= 400 ? 'Error' : 'Miss';
    if (viewer.method === 'GET' || viewer.method === 'HEAD') {
      const served = serveObject(viewer.method, request.headers, fromOrigin);
      return done({
        response: served.response,
        resultType,
        detailedResultType: resultType,
        behavior,
        range: served.range,
        cacheKey: key,
      });
    }
    return done({
      response: fromOrigin,
      resultType,
      detailedResultType: resultType,
      behavior,
      range: undefined,
      cacheKey: key,
    });
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
    for (const [name, value] of Object.entries(exchange.behavior?.responseHeaders ?? {}))
      headers = withHeader(headers, name, value);
    headers = withHeader(headers, 'x-cache', label[exchange.resultType]);
    headers = withHeader(headers, 'via', '1.1 local.cloudfront.net (CloudFront)');
    headers = withHeader(headers, 'x-amz-cf-pop', 'LOCAL');
    return { ...exchange.response, headers };
  }
}
