/**
 * What a behavior puts in the cache key and sends to the origin (cookies, headers), from its cache and origin
 * request policies or legacy ForwardedValues (docs/platform.md#origin-request-and-cache-policies).
 */
import type {
  CacheBehavior,
  CachePolicyConfig,
  DefaultCacheBehavior,
  OriginRequestPolicyConfig,
} from '@aws-sdk/client-cloudfront';

/** A set of names as the policies express it. Header names compare case-insensitively, cookie names exactly. */
export type NameSet =
  | { readonly kind: 'none' }
  | { readonly kind: 'all' }
  | { readonly kind: 'only' | 'allExcept'; readonly names: readonly string[] };

const NONE: NameSet = { kind: 'none' };

export function nameSet(behavior: string | undefined, names: readonly string[] | undefined): NameSet {
  switch (behavior) {
    case 'all':
    case 'allViewer':
    case 'allViewerAndWhitelistCloudFront':
      return { kind: 'all' };
    case 'whitelist':
      return { kind: 'only', names: names ?? [] };
    case 'allExcept':
      return { kind: 'allExcept', names: names ?? [] };
    default:
      return NONE;
  }
}

export function has(set: NameSet, name: string, caseInsensitive: boolean): boolean {
  const eq = (n: string): boolean => (caseInsensitive ? n.toLowerCase() === name.toLowerCase() : n === name);
  switch (set.kind) {
    case 'none':
      return false;
    case 'all':
      return true;
    case 'only':
      return set.names.some(eq);
    case 'allExcept':
      return !set.names.some(eq);
  }
}

export interface RequestShape {
  readonly cookies: NameSet;
  readonly headers: NameSet;
}

export interface Policies {
  readonly cache: Readonly<Record<string, CachePolicyConfig>>;
  readonly originRequest: Readonly<Record<string, OriginRequestPolicyConfig>>;
}

export type AnyBehavior = CacheBehavior | DefaultCacheBehavior;

/** Cache key (legacy ForwardedValues: what is forwarded is also keyed). `undefined` when the policy is unknown. */
export function cacheKeyOf(
  b: AnyBehavior,
  policies: Policies,
): (RequestShape & { readonly maxTtl: number | undefined }) | undefined {
  if (b.CachePolicyId !== undefined && b.CachePolicyId !== '') {
    const p = policies.cache[b.CachePolicyId];
    if (p === undefined) return undefined;
    const params = p.ParametersInCacheKeyAndForwardedToOrigin;
    return {
      cookies: nameSet(params?.CookiesConfig?.CookieBehavior, params?.CookiesConfig?.Cookies?.Items),
      headers: nameSet(params?.HeadersConfig?.HeaderBehavior, params?.HeadersConfig?.Headers?.Items),
      maxTtl: p.MaxTTL,
    };
  }
  const fv = b.ForwardedValues;
  const headerItems = fv?.Headers?.Items ?? [];
  return {
    cookies: nameSet(fv?.Cookies?.Forward, fv?.Cookies?.WhitelistedNames?.Items),
    headers: headerItems.includes('*') ? { kind: 'all' } : { kind: 'only', names: headerItems },
    maxTtl: b.MaxTTL,
  };
}

/** Origin request policy part (empty without one). `undefined` when the policy is unknown. */
export function originRequestOf(b: AnyBehavior, policies: Policies): RequestShape | undefined {
  if (b.OriginRequestPolicyId === undefined || b.OriginRequestPolicyId === '') return { cookies: NONE, headers: NONE };
  const p = policies.originRequest[b.OriginRequestPolicyId];
  if (p === undefined) return undefined;
  return {
    cookies: nameSet(p.CookiesConfig?.CookieBehavior, p.CookiesConfig?.Cookies?.Items),
    headers: nameSet(p.HeadersConfig?.HeaderBehavior, p.HeadersConfig?.Headers?.Items),
  };
}
