/**
 * An origin's OriginPath in the local distribution (local/origin-path.ts), as CloudFront applies it: placeholders
 * filled from the called distribution tenant's parameters, then put before the forwarded uri — for the login's
 * custom origin (`/{{tenant}}/{{domain}}`) and an S3 files origin (`/tenants/{{tenant}}`) alike.
 */
import { describe, expect, it } from 'vitest';
import { fillOriginPath } from '../../local/origin-path';

const ACME = { tenant: 'acme', domain: 'files.acme.com' };

describe('fillOriginPath', () => {
  it.each([
    ['', {}, ''],
    ['/prod', {}, '/prod'],
    ['/{{tenant}}/{{domain}}', ACME, '/acme/files.acme.com'],
    ['/tenants/{{tenant}}', ACME, '/tenants/acme'],
    ['/{{tenant}}-{{tenant}}', ACME, '/acme-acme'],
  ])('%s with %o → %s', (path, parameters, filled) => {
    expect(fillOriginPath(path, parameters)).toBe(filled);
  });

  it.each([
    ['/{{tenant}}', {}, 'a parameter the distribution tenant has no value for'],
    ['/{{tenant}}', { tenant: '' }, 'an empty value'],
    ['/{{constructor}}', {}, 'a name that is an Object.prototype member'],
  ])('%s with %o is an error at start: %s', (path, parameters, _why) => {
    expect(() => fillOriginPath(path, parameters)).toThrow(/has no value/);
  });
});
