/** The frozen clock most suites judge tokens by. */
import { afterAll, beforeAll, vi } from 'vitest';
import { NOW } from './tokens';

/**
 * For the suite it is called in: `Date` frozen at NOW, and console.log silenced (the bundles log every refusal:
 * test/lambda-edge.test.ts checks what), both restored after it.
 */
export function frozenAtNowQuietly(): void {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW * 1000);
    vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterAll(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
}
