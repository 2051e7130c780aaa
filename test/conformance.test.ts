/**
 * One suite, every built artifact: each row of the conformance table runs against each target.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { requestCases } from './cases/request-cases';
import { targets, type Runner } from './helpers/targets';
import { frozenAtNowQuietly } from './helpers/clock';

frozenAtNowQuietly();

describe.each(targets.map((t) => [t.name, t] as const))('%s', (_name, target) => {
  let run: Runner;
  beforeAll(async () => {
    run = await target.load();
  });

  it.each(requestCases.map((c) => [c.name, c] as const))('%s', async (_caseName, c) => {
    const outcome = await run(c);
    const expected = c.asymmetric && !target.asymmetric ? { status: 401, code: 'invalid_token' } : c.expect;
    if (expected.status === 'forward') {
      expect(outcome).toMatchObject({ status: 'forward', uri: expected.uri });
      if (outcome.status !== 'forward') return;
      if (expected.querystring !== undefined) expect(outcome.querystring).toBe(expected.querystring);
      if (expected.cookies !== undefined) expect(outcome.cookies).toEqual(expected.cookies);
      // The credential never travels on to the origin.
      expect(outcome.cookies.join(';')).not.toContain('__Host-tenant');
      expect(outcome.querystring).not.toMatch(/(^|&)token=/);
    } else {
      expect(outcome.status).toBe(expected.status);
      if (outcome.status === 'forward') return;
      if ('code' in expected && expected.code) expect(outcome.code).toBe(expected.code);
      if ('headers' in expected && expected.headers) expect(outcome.headers).toMatchObject(expected.headers);
      expect(outcome.headers['cache-control']).toBe('no-store');
      // Nothing of the request's credentials is echoed back.
      for (const value of [...(c.cookies ?? []), c.querystring ?? '']) {
        const token = value.match(/[\w-]{20,}\.[\w-]{20,}\.[\w-]{20,}/)?.[0];
        if (token) expect(outcome.body + JSON.stringify(outcome.headers)).not.toContain(token.split('.')[1]);
      }
    }
  });
});
