/**
 * The edge cache, keyed as CloudFront keys it: on the request *as it stands after the viewer-request
 * function* — so a gate that rewrites `/files/a.png` to `/tenants/acme/files/a.png` there keeps each
 * tenant's bytes under its own key. GET and HEAD share an entry (CloudFront caches both methods together).
 * The key holds the query string only when the cache policy says so, and then the query as forwarded (the
 * gate has already removed its link token); never cookies or headers (the managed policies used here key on
 * neither).
 *
 * Lifetime follows the origin's `Cache-Control` within the policy's bounds (DG "Managing how long content
 * stays in the cache"): `s-maxage` or `max-age` clamped to [MinTTL, MaxTTL]; `no-store`, `no-cache` or
 * `private` → MinTTL (so not cached when MinTTL is 0); none → DefaultTTL. Only 200 responses are kept;
 * Range, HEAD and 304 are answered from the whole object (object-response.ts).
 */
import { header, type EdgeRequest, type EdgeResponse } from './http-message';

export interface CachePolicy {
  name: string;
  minTtl: number;
  defaultTtl: number;
  maxTtl: number;
  queryStrings: 'none' | 'all';
}

/** The managed policies the emulator knows, by name (DG "Using the managed cache policies"). */
export const MANAGED_CACHE_POLICIES: Readonly<Record<string, CachePolicy>> = {
  CachingOptimized: { name: 'CachingOptimized', minTtl: 1, defaultTtl: 86400, maxTtl: 31536000, queryStrings: 'none' },
  CachingDisabled: { name: 'CachingDisabled', minTtl: 0, defaultTtl: 0, maxTtl: 0, queryStrings: 'none' },
  UseOriginCacheControlHeaders: {
    name: 'UseOriginCacheControlHeaders',
    minTtl: 0,
    defaultTtl: 0,
    maxTtl: 31536000,
    queryStrings: 'none',
  },
  'UseOriginCacheControlHeaders-QueryStrings': {
    name: 'UseOriginCacheControlHeaders-QueryStrings',
    minTtl: 0,
    defaultTtl: 0,
    maxTtl: 31536000,
    queryStrings: 'all',
  },
};

/** Objects larger than this are served but not kept: the cache lives in this process's memory. */
const MAX_OBJECT_BYTES = 64 * 1024 * 1024;
const MAX_TOTAL_BYTES = 512 * 1024 * 1024;

export function isCacheableMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** The cache key of a request as forwarded (after the viewer-request function). */
export function cacheKey(
  policy: CachePolicy,
  request: Pick<EdgeRequest, 'uri' | 'querystring'>,
  domain: string,
): string {
  const query = policy.queryStrings === 'all' && request.querystring !== '' ? `?${request.querystring}` : '';
  return `GET|HEAD ${domain}${request.uri}${query}`;
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
