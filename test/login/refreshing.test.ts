/** A value kept for a TTL, refreshed once at a time, served stale within a bound when a refresh fails: frozen clock. */
import { describe, expect, it } from 'vitest';
import { createRefreshing } from '../../login/refreshing';

const TTL = 300;
const STALE = 3600;
const RETRY = 10;

/** A dependency whose answers the test scripts: each load takes the next one ('v…' succeeds, 'down' fails). */
function harness(answers: string[]) {
  let clock = 1_800_000_000;
  let loads = 0;
  const value = createRefreshing({
    load: async () => {
      const answer = answers[loads++] ?? 'down';
      if (answer === 'down') throw new Error('down');
      return answer;
    },
    now: () => clock,
    ttlSeconds: TTL,
    maxStalenessSeconds: STALE,
    retryIntervalSeconds: RETRY,
  });
  const outcome = () =>
    value.get().then(
      (v) => v,
      (error: Error) => `error ${error.message}`,
    );
  return {
    value,
    outcome,
    at: (offset: number) => {
      clock = 1_800_000_000 + offset;
    },
    loads: () => loads,
  };
}

describe('a refreshing value', () => {
  // [at (s after the first load), answers of the dependency, expected value, loads so far]
  it.each<[string, string[], [number, string, number][]]>([
    [
      'fresh within the TTL, reloaded after it (a rotated secret is picked up)',
      ['v1', 'v2'],
      [
        [0, 'v1', 1],
        [TTL - 1, 'v1', 1],
        [TTL, 'v2', 2],
      ],
    ],
    [
      'a failed refresh serves the last good value, up to the staleness bound',
      ['v1', 'down', 'down', 'down'],
      [
        [0, 'v1', 1],
        [TTL, 'v1', 2],
        [TTL + RETRY, 'v1', 3],
        [STALE - 1, 'v1', 4],
        [STALE, 'error down', 4],
        [STALE + RETRY, 'error down', 5],
      ],
    ],
    [
      'no new attempt within the retry interval after a failure (no stampede)',
      ['down', 'v1'],
      [
        [0, 'error down', 1],
        [RETRY - 1, 'error down', 1],
        [RETRY, 'v1', 2],
      ],
    ],
    [
      'recovers: a successful refresh resets the staleness',
      ['v1', 'down', 'v2'],
      [
        [0, 'v1', 1],
        [TTL, 'v1', 2],
        [TTL + RETRY, 'v2', 3],
        [TTL + RETRY + TTL - 1, 'v2', 3],
      ],
    ],
  ])('%s', async (_name, answers, steps) => {
    const h = harness(answers);
    for (const [at, expected, loads] of steps) {
      h.at(at);
      expect([at, await h.outcome(), h.loads()]).toEqual([at, expected, loads]);
    }
  });

  it('shares one load between concurrent callers', async () => {
    const h = harness(['v1', 'v2']);
    expect(await Promise.all([h.outcome(), h.outcome(), h.outcome()])).toEqual(['v1', 'v1', 'v1']);
    h.at(TTL);
    expect(await Promise.all([h.outcome(), h.outcome(), h.outcome()])).toEqual(['v2', 'v2', 'v2']);
    expect(h.loads()).toBe(2);
  });

  it('refresh(minAge) reloads only a value older than minAge, and not within the retry interval', async () => {
    const h = harness(['v1', 'v2', 'down', 'v3']);
    await h.outcome();
    h.at(29);
    expect([await h.value.refresh(30), h.loads()]).toEqual(['v1', 1]);
    h.at(30);
    expect([await h.value.refresh(30), h.loads()]).toEqual(['v2', 2]);
    h.at(60);
    expect([await h.value.refresh(30), h.loads()]).toEqual(['v2', 3]);
    h.at(60 + RETRY - 1);
    expect([await h.value.refresh(30), h.loads()]).toEqual(['v2', 3]);
    h.at(60 + RETRY);
    expect([await h.value.refresh(30), h.loads()]).toEqual(['v3', 4]);
  });
});
