/**
 * Every rejection path has a test: each refusal code the gate can answer with, and each reason a token can
 * be refused for, appears as an expected outcome somewhere in the suite's tables.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFUSALS, TOKEN_FAILURES, type TokenFailure } from '../src/errors';
import { requestCases } from './cases/request-cases';
import { tokenCases } from './cases/token-cases';

describe('rejection coverage', () => {
  it('every refusal code is expected by the conformance table or a named target test', () => {
    const expected = new Set(requestCases.map((c) => ('code' in c.expect ? c.expect.code : undefined)));
    // Paths only one target has, tested in their own files.
    const elsewhere: Record<string, string> = {
      tenant_disabled: 'test/cloudfront-function.test.ts',
      store_unavailable: 'test/cloudfront-function.test.ts',
      malformed_request: 'test/lambda-edge.test.ts',
      tenant_domain_mismatch: 'test/distribution-tenant.test.ts',
      distribution_tenant_unavailable: 'test/distribution-tenant.test.ts',
      // Store-backed: a table of its own, run on every target.
      revoked: 'test/cases/revocation-cases.ts',
    };
    for (const [code, file] of Object.entries(elsewhere)) {
      expect(readFileSync(join(import.meta.dirname, '..', file), 'utf8')).toContain(`'${code}'`);
      expected.add(code);
    }
    expect(Object.keys(REFUSALS).filter((code) => !expected.has(code))).toEqual([]);
  });

  it('every token failure is expected by the token table or the link-token table', () => {
    const expected = new Set<TokenFailure | 'ok'>(tokenCases.map((c) => c.expect));
    const tokenTests = ['token.test.ts', 'grant.test.ts']
      .map((file) => readFileSync(join(import.meta.dirname, file), 'utf8'))
      .join('\n');
    expect(TOKEN_FAILURES.filter((f) => !expected.has(f) && !tokenTests.includes(`'${f}'`))).toEqual([]);
  });
});
