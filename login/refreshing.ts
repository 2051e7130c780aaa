/**
 * A value loaded from a dependency that can fail (a secret store, a JWKS endpoint), kept for a TTL, refreshed
 * on the first request after it, and — when the refresh fails — served stale up to a bound.
 *
 * - One load in flight: concurrent callers share it (no stampede).
 * - After a failed load, no new load until `retryIntervalSeconds` have passed; meanwhile callers get the last
 *   good value (within `maxStalenessSeconds`) or the load's error at once.
 * - Ages are measured on the injected clock (epoch seconds), so tests freeze and move it.
 */

export interface RefreshingOptions<T> {
  load: () => Promise<T>;
  /** Epoch seconds. */
  now: () => number;
  ttlSeconds: number;
  maxStalenessSeconds: number;
  retryIntervalSeconds: number;
  /**
   * Told of every failed load, and whether the last good value still serves: a refresh failing behind a stale
   * value is invisible to viewers, so operators must hear of it before the staleness bound runs out.
   */
  onFailure?: (error: unknown, servingStale: boolean) => void;
}

export interface Refreshing<T> {
  /** The value: fresh, refreshed, or the last good one within the staleness bound; else the load's error. */
  get(): Promise<T>;
  /**
   * Loads again now unless the last successful load is younger than `minAgeSeconds` or a failure is within
   * the retry interval (e.g. a token signed with a key the cached set lacks). Resolves to the current value.
   */
  refresh(minAgeSeconds: number): Promise<T>;
  /** When the current value was loaded (epoch seconds), or undefined before the first success. */
  loadedAt(): number | undefined;
}

export function createRefreshing<T>(options: RefreshingOptions<T>): Refreshing<T> {
  let good: { value: T; at: number } | undefined;
  let failedAt: number | undefined;
  let lastError: unknown;
  let inflight: Promise<T> | undefined;

  function usable(at: number): boolean {
    return good !== undefined && at - good.at < options.maxStalenessSeconds;
  }

  function start(): Promise<T> {
    if (inflight === undefined) {
      const current = options.load().then(
        (value) => {
          good = { value, at: options.now() };
          failedAt = undefined;
          lastError = undefined;
          return value;
        },
        (error: unknown) => {
          failedAt = options.now();
          lastError = error;
          options.onFailure?.(error, usable(failedAt));
          throw error;
        },
      );
      inflight = current;
      // Cleared whichever way it ends; the catch keeps an unobserved failure from being unhandled.
      current.then(
        () => (inflight = undefined),
        () => (inflight = undefined),
      );
    }
    return inflight;
  }

  async function attempt(): Promise<T> {
    const at = options.now();
    if (failedAt !== undefined && at - failedAt < options.retryIntervalSeconds) {
      if (usable(at)) return good!.value;
      throw lastError;
    }
    try {
      return await start();
    } catch (error) {
      if (usable(options.now())) return good!.value;
      throw error;
    }
  }

  return {
    async get() {
      if (good !== undefined && options.now() - good.at < options.ttlSeconds) return good.value;
      return attempt();
    },
    async refresh(minAgeSeconds) {
      if (good !== undefined && options.now() - good.at < minAgeSeconds) return good.value;
      return attempt();
    },
    loadedAt: () => good?.at,
  };
}
