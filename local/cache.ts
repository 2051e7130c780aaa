/**
 * The edge cache, keyed as CloudFront keys it: on the request *as it stands after the viewer-request
 * function* — so a gate that rewrites `/files/a.png` to `/tenants/acme/files/a.png` there keeps each
 * tenant's bytes under its own key. GET and HEAD share an entry (CloudFront caches both methods together).
 * Besides the uri, the key holds what the behavior's cache policy names (`ParametersInCacheKeyAndForwardedToOrigin`):
 * the listed headers, the cookies and the query string parameters by its behaviors (`none`, `whitelist`,
 * `allExcept`, `all`), taken from the request as forwarded (the gate has already removed its link token). A
 * behavior with legacy `ForwardedValues` keys on everything it forwards, with the behavior's own TTLs
 * (docs/platform.md#origin-request-and-cache-policies).
 *
 * Lifetime follows the origin's `Cache-Control` within the policy's bounds (DG "Managing how long content
 * stays in the cache"): `s-maxage` or `max-age` clamped to [MinTTL, MaxTTL]; `no-store`, `no-cache` or
 * `private` → MinTTL (so not cached when MinTTL is 0); none → DefaultTTL. Only 200 responses are kept this
 * way (errors: custom-error-responses.ts); Range, HEAD and 304 are answered from the whole object
 * (object-response.ts).
 */
import type { CacheBehavior, CachePolicyConfig, DefaultCacheBehavior } from '@aws-sdk/client-cloudfront';
import { MANAGED_POLICIES, MANAGED_POLICY_IDS } from '../lib/distribution/policies';
import { header, headerValues, type EdgeRequest, type EdgeResponse } from './http-message';

export type ItemBehavior = 'none' | 'whitelist' | 'allExcept' | 'all';

/** A policy's choice of cookies or query string parameters: by its behavior and the names it lists. */
export interface ItemSelection {
  behavior: ItemBehavior;
  names: readonly string[];
}

export interface CachePolicy {
  name: string;
  minTtl: number;
  defaultTtl: number;
  maxTtl: number;
  /** Header names in the key, lower case (cache policies list headers; they have no "all"). */
  headers: readonly string[];
  cookies: ItemSelection;
  queryStrings: ItemSelection;
}

export const NOTHING: ItemSelection = { behavior: 'none', names: [] };
export const EVERYTHING: ItemSelection = { behavior: 'all', names: [] };

/** Whether a cookie or query parameter `name` is selected (names are case-sensitive, as in CloudFront). */
export function selects(selection: ItemSelection, name: string): boolean {
  switch (selection.behavior) {
    case 'none':
      return false;
    case 'all':
      return true;
    case 'whitelist':
      return selection.names.includes(name);
    case 'allExcept':
      return !selection.names.includes(name);
  }
}

function itemBehavior(value: string | undefined, at: string): ItemBehavior {
  if (value === undefined || value === 'none') return 'none';
  if (value === 'whitelist' || value === 'allExcept' || value === 'all') return value;
  throw new Error(`${at}: behavior ${JSON.stringify(value)} is not one CloudFront defines`);
}

/** A `CachePolicyConfig` (managed or custom) as the local cache applies it. */
export function cachePolicyFrom(config: CachePolicyConfig): CachePolicy {
  const key = config.ParametersInCacheKeyAndForwardedToOrigin;
  const name = config.Name ?? 'custom';
  const headerBehavior = key?.HeadersConfig?.HeaderBehavior ?? 'none';
  if (headerBehavior !== 'none' && headerBehavior !== 'whitelist')
    throw new Error(
      `cache policy ${name}: HeaderBehavior ${JSON.stringify(headerBehavior)} is not one CloudFront defines`,
    );
  return {
    name,
    minTtl: config.MinTTL ?? 0,
    defaultTtl: config.DefaultTTL ?? 86400,
    maxTtl: config.MaxTTL ?? 31536000,
    headers:
      headerBehavior === 'whitelist' ? (key?.HeadersConfig?.Headers?.Items ?? []).map((h) => h.toLowerCase()) : [],
    cookies: {
      behavior: itemBehavior(key?.CookiesConfig?.CookieBehavior, `cache policy ${name} cookies`),
      names: key?.CookiesConfig?.Cookies?.Items ?? [],
    },
    queryStrings: {
      behavior: itemBehavior(key?.QueryStringsConfig?.QueryStringBehavior, `cache policy ${name} query strings`),
      names: key?.QueryStringsConfig?.QueryStrings?.Items ?? [],
    },
  };
}

/**
 * Legacy cache settings (`ForwardedValues` with the behavior's `MinTTL`/`DefaultTTL`/`MaxTTL`): what is forwarded
 * is also in the key. `Headers: ["*"]` forwards every header and turns caching off (DG "Caching content based on
 * request headers").
 */
export function legacyCachePolicy(behavior: CacheBehavior | DefaultCacheBehavior): CachePolicy {
  const forwarded = behavior.ForwardedValues;
  const headers = (forwarded?.Headers?.Items ?? []).map((h) => h.toLowerCase());
  const allHeaders = headers.includes('*');
  const cookies = forwarded?.Cookies;
  const cookieBehavior = cookies?.Forward ?? 'none';
  return {
    name: 'legacy ForwardedValues',
    minTtl: allHeaders ? 0 : (behavior.MinTTL ?? 0),
    defaultTtl: allHeaders ? 0 : (behavior.DefaultTTL ?? 86400),
    maxTtl: allHeaders ? 0 : (behavior.MaxTTL ?? 31536000),
    headers: allHeaders ? [] : headers,
    cookies: {
      behavior: cookieBehavior === 'whitelist' ? 'whitelist' : cookieBehavior === 'all' ? 'all' : 'none',
      names: cookies?.WhitelistedNames?.Items ?? [],
    },
    queryStrings:
      forwarded?.QueryString === true
        ? (forwarded.QueryStringCacheKeys?.Items ?? []).length > 0
          ? { behavior: 'whitelist', names: forwarded.QueryStringCacheKeys!.Items! }
          : EVERYTHING
        : NOTHING,
  };
}

/** The managed cache policies by name, as the cache applies them (docs/platform.md#origin-request-and-cache-policies). */
export const MANAGED_CACHE_POLICIES: Readonly<Record<string, CachePolicy>> = {
  CachingOptimized: cachePolicyFrom(MANAGED_POLICIES.cache[MANAGED_POLICY_IDS.CachingOptimized]!),
  CachingDisabled: cachePolicyFrom(MANAGED_POLICIES.cache[MANAGED_POLICY_IDS.CachingDisabled]!),
};

/** Objects larger than this are served but not kept: the cache lives in this process's memory. */
const MAX_OBJECT_BYTES = 64 * 1024 * 1024;
const MAX_TOTAL_BYTES = 512 * 1024 * 1024;

export function isCacheableMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** `name=value` pairs of a query string, in order (raw, as forwarded). */
export function queryPairs(querystring: string): { name: string; raw: string }[] {
  if (querystring === '') return [];
  return querystring.split('&').map((raw) => {
    const eq = raw.indexOf('=');
    return { name: eq === -1 ? raw : raw.slice(0, eq), raw };
  });
}

/** The cookies of the `Cookie` headers, in order. */
export function cookiePairs(headers: EdgeRequest['headers']): { name: string; raw: string }[] {
  const pairs: { name: string; raw: string }[] = [];
  for (const line of headerValues(headers, 'cookie')) {
    for (const part of line.split(';')) {
      const raw = part.trim();
      if (raw === '') continue;
      const eq = raw.indexOf('=');
      pairs.push({ name: eq === -1 ? raw : raw.slice(0, eq), raw });
    }
  }
  return pairs;
}

/** The cache key of a request as forwarded (after the viewer-request function). */
export function cacheKey(
  policy: CachePolicy,
  request: Pick<EdgeRequest, 'uri' | 'querystring'> & Partial<Pick<EdgeRequest, 'headers'>>,
  domain: string,
): string {
  const query = queryPairs(request.querystring)
    .filter((p) => selects(policy.queryStrings, p.name))
    .map((p) => p.raw)
    .join('&');
  let key = `GET|HEAD ${domain}${request.uri}${query === '' ? '' : `?${query}`}`;
  const headers = request.headers ?? [];
  for (const name of policy.headers) key += `\n${name}: ${headerValues(headers, name).join(',')}`;
  const cookies = cookiePairs(headers)
    .filter((c) => selects(policy.cookies, c.name))
    .map((c) => c.raw)
    .sort();
  if (cookies.length > 0) key += `\ncookie: ${cookies.join('; ')}`;
  return key;
}

/** Seconds to keep a response, 0 for not at all. */
export function ttlSeconds(policy: CachePolicy, response: EdgeResponse): number {
  if (response.status !== 200) return 0;
  const directives = (header(response.headers, 'cache-control') ?? '')
    .toLowerCase()
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  const clamp = (seconds: number) => Math.min(policy.maxTtl, Math.max(policy.minTtl, seconds));
  if (directives.some((d) => d === 'no-store' || d === 'no-cache' || d === 'private')) return policy.minTtl;
  const age = (name: string) => {
    const found = directives.find((d) => d.startsWith(`${name}=`));
    const value = found === undefined ? Number.NaN : Number(found.slice(name.length + 1));
    return Number.isInteger(value) && value >= 0 ? value : undefined;
  };
  const maxAge = age('s-maxage') ?? age('max-age');
  return maxAge === undefined ? clamp(policy.defaultTtl) : clamp(maxAge);
}

interface Entry {
  response: EdgeResponse;
  storedAtMs: number;
  expiresAtMs: number;
}

export interface CacheHit {
  response: EdgeResponse;
  /** Seconds since stored, for the `Age` header. */
  ageSeconds: number;
}

export class LocalCache {
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  get(key: string, nowMs: number): CacheHit | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (nowMs >= entry.expiresAtMs) {
      this.delete(key);
      return undefined;
    }
    // Least recently used goes first: re-insert to move to the end.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return { response: entry.response, ageSeconds: Math.max(0, Math.floor((nowMs - entry.storedAtMs) / 1000)) };
  }

  put(key: string, response: EdgeResponse, ttl: number, nowMs: number): boolean {
    if (ttl <= 0 || response.body.length > MAX_OBJECT_BYTES) return false;
    this.delete(key);
    this.#entries.set(key, { response, storedAtMs: nowMs, expiresAtMs: nowMs + ttl * 1000 });
    this.#bytes += response.body.length;
    for (const [oldest] of this.#entries) {
      if (this.#bytes <= MAX_TOTAL_BYTES) break;
      this.delete(oldest);
    }
    return true;
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#bytes -= entry.response.body.length;
    this.#entries.delete(key);
  }

  /** An invalidation of everything (`aws cloudfront create-invalidation --paths '/*'`). */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }
}
