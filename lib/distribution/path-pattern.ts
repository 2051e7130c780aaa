/**
 * Which cache behavior answers a request: CloudFront's path patterns and its matching order, one definition for
 * attach (placement), the doctor (what is gated) and the local distribution (routing).
 *
 * - A pattern is case-sensitive; `*` matches any run of characters (`/` included), `?` exactly one; a pattern
 *   without a leading `/` is matched as if it had one. The default behavior is `*`.
 * - The behaviors are tried in the order of `CacheBehaviors.Items`, the default behavior last; the first match
 *   wins.
 * - Matching is done on the path with `.`/`..`/`//` resolved (docs/platform.md#uri-handling); the raw uri goes
 *   on to functions and the origin.
 */
import type { CacheBehavior, DefaultCacheBehavior, DistributionConfig } from '@aws-sdk/client-cloudfront';

export const DEFAULT_PATH_PATTERN = '*';

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
  const full = pattern.startsWith('/') || pattern === DEFAULT_PATH_PATTERN ? pattern : `/${pattern}`;
  const source = full
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(path);
}

/** The first of `behaviors` (already in matching order) whose pattern matches `uri`. */
export function matchBehavior<B extends { pathPattern: string }>(behaviors: readonly B[], uri: string): B | undefined {
  const path = normalizeForMatching(uri);
  return behaviors.find((b) => matchesPathPattern(b.pathPattern, path));
}

export interface OrderedBehavior {
  readonly pathPattern: string;
  readonly behavior: CacheBehavior | DefaultCacheBehavior;
}

/** A distribution's behaviors in CloudFront's matching order: `CacheBehaviors.Items` as listed, the default last. */
export function behaviorsInMatchOrder(config: DistributionConfig): OrderedBehavior[] {
  const ordered: OrderedBehavior[] = (config.CacheBehaviors?.Items ?? []).map((b) => ({
    pathPattern: b.PathPattern ?? '',
    behavior: b,
  }));
  if (config.DefaultCacheBehavior !== undefined)
    ordered.push({ pathPattern: DEFAULT_PATH_PATTERN, behavior: config.DefaultCacheBehavior });
  return ordered;
}

/**
 * Whether two CloudFront path patterns (`*` any run, `?` one character, case-sensitive) can match a common path.
 * Used for placement: CloudFront takes the FIRST behavior whose pattern matches, so a behavior we add must come
 * before any earlier one that could steal some of its paths (`/*`, `*.js`, …).
 */
export function patternsOverlap(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let r: boolean;
    if (i === a.length && j === b.length) r = true;
    else if (a[i] === '*') r = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (b[j] === '*') r = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else if (i < a.length && j < b.length && (a[i] === b[j] || a[i] === '?' || b[j] === '?')) r = go(i + 1, j + 1);
    else r = false;
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}
