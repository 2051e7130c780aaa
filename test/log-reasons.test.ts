/**
 * The CloudFront Function logs token failures and path problems by number (src/errors.ts, LOGGED_BY_INDEX): the
 * numbers keep their meaning from one version to the next, the built function logs the number of the very reason
 * the core finds, and docs/reference.md and the local distribution read them the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOG_REASONS_FILE, readableGateLog, withLogReasonTables } from '../lib/log-reasons';
import { loadCloudFrontFunction } from '../local/cloudfront-function-runtime';
import { LOGGED_BY_INDEX, PATH_PROBLEMS, TOKEN_FAILURES, type RefusalCode } from '../src/errors';
import { cloudFrontFunctionEvent } from './helpers/cloudfront-function';
import { ROOT } from './helpers/keys';
import { built } from './helpers/targets';
import { mint, NOW } from './helpers/tokens';

const FROZEN = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/log-reasons.json'), 'utf8')) as {
  invalid_token: string[];
  invalid_path: string[];
};

describe('the numbered reasons', () => {
  // A number in last month's logs must still name the same reason: lists grow at their end only. Append the new
  // entries to the fixture as well; never reorder, rename or remove one.
  it.each([
    ['invalid_token', TOKEN_FAILURES, FROZEN.invalid_token],
    ['invalid_path', PATH_PROBLEMS, FROZEN.invalid_path],
  ] as const)('%s: the list only grows at its end', (_code, list, frozen) => {
    expect(list.slice(0, frozen.length)).toEqual(frozen);
    expect(list).toEqual(frozen);
  });

  it('docs/reference.md lists every number with its name (npm run generate writes the tables)', () => {
    const page = readFileSync(join(ROOT, LOG_REASONS_FILE), 'utf8');
    expect(withLogReasonTables(page)).toBe(page);
    expect(page).toContain(`| ${TOKEN_FAILURES.indexOf('signature_invalid')} | \`signature_invalid\` |`);
  });

  it.each([
    ['refused invalid_token 10', 'refused invalid_token 10 (signature_invalid)'],
    ['refused invalid_path 7', 'refused invalid_path 7 (empty or dot segment)'],
    // Not a numbered code, a number past the list, another line: left as they are.
    ['refused link_path_mismatch 3', 'refused link_path_mismatch 3'],
    [`refused invalid_token ${TOKEN_FAILURES.length}`, `refused invalid_token ${TOKEN_FAILURES.length}`],
    ['refused invalid_token signature_invalid', 'refused invalid_token signature_invalid'],
    ['store read failed', 'store read failed'],
  ])('readableGateLog(%j) = %j', (line, readable) => {
    expect(readableGateLog(line)).toBe(readable);
  });
});

describe('the built CloudFront Function logs the number of the reason the core finds', () => {
  let code: string;
  beforeAll(async () => {
    code = readFileSync(join(await built('default'), 'cloudfront-function', 'index.js'), 'utf8');
  });

  it('holds none of the names', () => {
    for (const list of Object.values(LOGGED_BY_INDEX)) {
      for (const name of list) expect(code).not.toContain(JSON.stringify(name));
    }
  });

  it.each([
    ['a bad signature', '/files/a.pdf', mint({ signWithKid: 'hs-2026-10' }), 'invalid_token', 'signature_invalid'],
    [
      'an expired token',
      '/files/a.pdf',
      mint({ claims: { exp: NOW - 3600, iat: NOW - 4000 } }),
      'invalid_token',
      'expired',
    ],
    [
      'an unknown kid',
      '/files/a.pdf',
      mint({ header: { kid: 'hs-1999-01' }, signWithKid: 'hs-2026-11' }),
      'invalid_token',
      'kid_unknown',
    ],
    ['alg none', '/files/a.pdf', mint({ header: { alg: 'none' } }), 'invalid_token', 'alg_none'],
    ['two segments', '/files/a.pdf', 'eyJhbGciOiJIUzI1NiJ9.e30', 'invalid_token', 'token_malformed'],
    ['an encoded dot', '/files/%2e%2e/b.pdf', mint(), 'invalid_path', 'encoded / \\ . or %'],
    ['an empty segment', '/files//b.pdf', mint(), 'invalid_path', 'empty or dot segment'],
    ['a bad escape', '/files/%zz.pdf', mint(), 'invalid_path', 'bad escape'],
  ] as const)('%s', async (_name, uri, token, code_: RefusalCode, reason) => {
    const lines: string[] = [];
    const handler = loadCloudFrontFunction(code, { now: () => NOW * 1000, log: (line) => lines.push(line) });
    await handler(
      cloudFrontFunctionEvent({ name: '', uri, cookies: [`__Host-tenant=${token}`], expect: { status: 0 } }),
    );
    const index = LOGGED_BY_INDEX[code_]!.indexOf(reason);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(lines).toEqual([`refused ${code_} ${index}`]);
    expect(readableGateLog(lines[0]!)).toBe(`refused ${code_} ${index} (${reason})`);
  });
});
