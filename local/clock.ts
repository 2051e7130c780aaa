/**
 * The emulator's clock: milliseconds since the epoch. Every time-dependent part (the trusted key group's
 * `DateLessThan`, cache TTLs, the gate bundles' `Date`, the access log) reads the same one, so a test can
 * move time for the whole distribution at once.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** A clock that only moves when told to (tests). */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

export function manualClock(startMs: number): ManualClock {
  let now = startMs;
  const clock = (() => now) as ManualClock;
  clock.advance = (ms) => {
    now += ms;
  };
  clock.set = (ms) => {
    now = ms;
  };
  return clock;
}
