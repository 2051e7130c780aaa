/**
 * What reaches the origin on a cache miss (DG "Control origin requests with a policy",
 * docs/platform.md#origin-request-and-cache-policies): the method, the uri as it stands after the viewer-request
 * function, the body, and of the viewer's headers, cookies and query string only what the behavior's cache
 * policy keys on or its origin request policy adds. CloudFront then sets its own headers: `Host` (the origin's
 * domain, unless the viewer's is forwarded), `User-Agent: Amazon CloudFront` when the viewer's is not forwarded,
 * `Via`, `X-Amz-Cf-Id`, the viewer address appended to `X-Forwarded-For`, and the CloudFront headers a policy
 * asks for (`CloudFront-Viewer-Address`, `CloudFront-Forwarded-Proto`).
 *
 * So a login function behind `AllViewerExceptHostHeader` sees every viewer header but `Host` — and no
 * `CloudFront-Viewer-Address`, which only a policy that names it adds (docs/platform.md#origin-request-and-cache-policies;
 * the login then fails closed: no viewer address). The stack's login policy (login/origin-request.ts) names it.
 */
import type { CacheBehavior, DefaultCacheBehavior, OriginRequestPolicyConfig } from '@aws-sdk/client-cloudfront';
import {
  cookiePairs,
  NOTHING,
  queryPairs,
  selects,
  type CachePolicy,
  type ItemBehavior,
  type ItemSelection,
} from './cache';
import { header, type EdgeRequest, type HeaderList } from './http-message';
import { viewerAddress } from './origin-lambda-url';

export type HeaderBehavior = 'none' | 'whitelist' | 'allViewer' | 'allViewerAndWhitelistCloudFront' | 'allExcept';

export interface OriginRequestPolicy {
  name: string;
  headers: { behavior: HeaderBehavior; names: readonly string[] };
  cookies: ItemSelection;
  queryStrings: ItemSelection;
}

/** A behavior with a cache policy and no origin request policy: only the cache key's values go to the origin. */
export const NO_ORIGIN_REQUEST_POLICY: OriginRequestPolicy = {
  name: 'none',
  headers: { behavior: 'none', names: [] },
  cookies: NOTHING,
  queryStrings: NOTHING,
};

const HEADER_BEHAVIORS: readonly string[] = [
  'none',
  'whitelist',
  'allViewer',
  'allViewerAndWhitelistCloudFront',
  'allExcept',
];

function itemBehavior(value: string | undefined, at: string): ItemBehavior {
  if (value === undefined || value === 'none') return 'none';
  if (value === 'whitelist' || value === 'allExcept' || value === 'all') return value;
  throw new Error(`${at}: behavior ${JSON.stringify(value)} is not one CloudFront defines`);
}

export function originRequestPolicyFrom(config: OriginRequestPolicyConfig): OriginRequestPolicy {
  const name = config.Name ?? 'custom';
  const headerBehavior = config.HeadersConfig?.HeaderBehavior ?? 'none';
  if (!HEADER_BEHAVIORS.includes(headerBehavior))
    throw new Error(`origin request policy ${name}: HeaderBehavior ${JSON.stringify(headerBehavior)} is unknown`);
  return {
    name,
    headers: {
      behavior: headerBehavior as HeaderBehavior,
      names: (config.HeadersConfig?.Headers?.Items ?? []).map((h) => h.toLowerCase()),
    },
    cookies: {
      behavior: itemBehavior(config.CookiesConfig?.CookieBehavior, `origin request policy ${name} cookies`),
      names: config.CookiesConfig?.Cookies?.Items ?? [],
    },
    queryStrings: {
      behavior: itemBehavior(config.QueryStringsConfig?.QueryStringBehavior, `origin request policy ${name} query`),
      names: config.QueryStringsConfig?.QueryStrings?.Items ?? [],
    },
  };
}

/** Legacy `ForwardedValues`: the forwarded values are the cache key's (legacyCachePolicy), `Headers: ["*"]` all. */
export function legacyOriginRequestPolicy(behavior: CacheBehavior | DefaultCacheBehavior): OriginRequestPolicy {
  const headers = (behavior.ForwardedValues?.Headers?.Items ?? []).map((h) => h.toLowerCase());
  return headers.includes('*')
    ? {
        name: 'legacy ForwardedValues',
        headers: { behavior: 'allViewer', names: [] },
        cookies: NOTHING,
        queryStrings: NOTHING,
      }
    : NO_ORIGIN_REQUEST_POLICY;
}

/** CloudFront's own headers a policy can ask for, and how the local distribution fills them in. */
const CLOUDFRONT_HEADERS: Readonly<Record<string, (request: EdgeRequest) => string>> = {
  'cloudfront-viewer-address': (request) => viewerAddress(request.clientIp, request.clientPort),
  'cloudfront-forwarded-proto': () => 'https',
};

/** Hop-by-hop and CloudFront-owned headers: never copied from the viewer. */
const NEVER_FORWARDED =
  /^(?:connection|keep-alive|proxy-connection|te|trailer|transfer-encoding|upgrade|via|x-amz-cf-id)$/i;

function headerSelected(name: string, cache: CachePolicy, policy: OriginRequestPolicy): boolean {
  const lower = name.toLowerCase();
  if (cache.headers.includes(lower)) return true;
  switch (policy.headers.behavior) {
    case 'none':
      return false;
    case 'whitelist':
      return policy.headers.names.includes(lower);
    case 'allViewer':
    case 'allViewerAndWhitelistCloudFront':
      return true;
    case 'allExcept':
      return !policy.headers.names.includes(lower);
  }
}

export interface OriginTarget {
  /** The origin's `DomainName`: the `Host` CloudFront sends when the viewer's is not forwarded. */
  domainName: string;
}

/** The request CloudFront sends to the origin for `request` (the request after the viewer-request function). */
export function toOriginRequest(
  request: EdgeRequest,
  cache: CachePolicy,
  policy: OriginRequestPolicy,
  target: OriginTarget,
): EdgeRequest {
  const cookies = cookiePairs(request.headers).filter(
    (c) => selects(cache.cookies, c.name) || selects(policy.cookies, c.name),
  );
  const query = queryPairs(request.querystring)
    .filter((p) => selects(cache.queryStrings, p.name) || selects(policy.queryStrings, p.name))
    .map((p) => p.raw)
    .join('&');
  const headers: HeaderList = [];
  let hostForwarded = false;
  let userAgentForwarded = false;
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    if (lower === 'cookie' || NEVER_FORWARDED.test(lower) || lower.startsWith('cloudfront-')) continue;
    if (!headerSelected(lower, cache, policy)) continue;
    if (lower === 'host') hostForwarded = true;
    if (lower === 'user-agent') userAgentForwarded = true;
    headers.push([name, value]);
  }
  if (!hostForwarded) headers.unshift(['Host', target.domainName]);
  if (!userAgentForwarded) headers.push(['User-Agent', 'Amazon CloudFront']);
  if (cookies.length > 0) headers.push(['Cookie', cookies.map((c) => c.raw).join('; ')]);
  for (const [name, value] of Object.entries(CLOUDFRONT_HEADERS)) {
    const wanted =
      cache.headers.includes(name) ||
      ((policy.headers.behavior === 'whitelist' || policy.headers.behavior === 'allViewerAndWhitelistCloudFront') &&
        policy.headers.names.includes(name));
    if (wanted) headers.push([name, value(request)]);
  }
  // Appended to whatever the viewer sent, forwarded or not (DG "Custom origin request behavior").
  const forwardedFor = header(request.headers, 'x-forwarded-for');
  const kept = headers.filter(([n]) => n.toLowerCase() !== 'x-forwarded-for');
  kept.push([
    'X-Forwarded-For',
    forwardedFor === undefined ? request.clientIp : `${forwardedFor}, ${request.clientIp}`,
  ]);
  kept.push(['Via', '1.1 local.cloudfront.net (CloudFront)']);
  kept.push(['X-Amz-Cf-Id', request.requestId]);
  return { ...request, querystring: query, headers: kept };
}
