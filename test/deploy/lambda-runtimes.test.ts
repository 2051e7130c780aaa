/** Lambda's runtime dates (deploy/lambda-runtimes.ts, docs/platform.md#lambda-runtimes) as the deploy applies them. */
import { describe, expect, it } from 'vitest';
import { DEPLOY_RUNTIME, LAMBDA_RUNTIMES, WARN_DAYS, checkRuntime } from '../../deploy/lambda-runtimes';

const at = (iso: string): number => Date.parse(iso);

describe('checkRuntime', () => {
  it.each([
    // the day this was written: nodejs20.x can be neither created nor updated
    [
      'nodejs20.x',
      '2026-11-28T21:00:00Z',
      'refuse',
      /blocks creating and updating nodejs20.x functions since 2026-09-30/,
    ],
    ['nodejs20.x', '2026-08-31T00:00:00Z', 'refuse', /blocks creating nodejs20.x functions since 2026-08-31/],
    ['nodejs20.x', '2026-08-30T23:59:59Z', 'warn', /deprecated since 2026-04-30/],
    ['nodejs20.x', '2026-01-30T00:00:00Z', 'warn', /deprecated in 90 day\(s\), on 2026-04-30/],
    ['nodejs20.x', '2026-01-29T23:59:59Z', 'ok', undefined],
    ['nodejs22.x', '2026-11-28T21:00:00Z', 'ok', undefined],
    ['nodejs22.x', '2027-01-30T00:00:00Z', 'warn', /deprecated in 90 day\(s\), on 2027-04-30/],
    ['nodejs22.x', '2027-05-31T23:59:59Z', 'warn', /deprecated since 2027-04-30/],
    ['nodejs22.x', '2027-06-01T00:00:00Z', 'refuse', /blocks creating nodejs22.x functions since 2027-06-01/],
    ['nodejs22.x', '2027-07-01T00:00:00Z', 'refuse', /creating and updating/],
    ['nodejs18.x', '2026-11-28T21:00:00Z', 'refuse', /not in deploy\/lambda-runtimes.ts/],
    ['toString', '2026-11-28T21:00:00Z', 'refuse', /not in deploy\/lambda-runtimes.ts/],
    ['', '2026-11-28T21:00:00Z', 'refuse', /not in deploy\/lambda-runtimes.ts/],
  ] as const)('%s on %s → %s', (runtime, now, level, message) => {
    const verdict = checkRuntime(runtime, at(now));
    expect(verdict.level).toBe(level);
    if (message !== undefined && verdict.level !== 'ok') expect(verdict.message).toMatch(message);
  });

  it('the deploy runtime is in the table and deployable today', () => {
    expect(Object.keys(LAMBDA_RUNTIMES)).toContain(DEPLOY_RUNTIME);
    expect(checkRuntime(DEPLOY_RUNTIME, at('2026-11-28T21:00:00Z')).level).toBe('ok');
    expect(WARN_DAYS).toBe(90);
  });

  it('every row is ordered: deprecated, then block create, then block update', () => {
    for (const [runtime, d] of Object.entries(LAMBDA_RUNTIMES)) {
      expect(Date.parse(d.deprecated), runtime).toBeLessThan(Date.parse(d.blockCreate));
      expect(Date.parse(d.blockCreate), runtime).toBeLessThan(Date.parse(d.blockUpdate));
    }
  });
});
