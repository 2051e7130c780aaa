/** One error base outside the edge core: every class extends TenantGateError and carries a stable code. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli/command';
import { ConfigError } from '../config/issues';
import { AttachError } from '../deploy/attach';
import { DistributionUpdateError } from '../deploy/distribution-api';
import { PackageError } from '../deploy/package-artifacts';
import { TenantGateError } from '../lib/errors';
import { LoginError } from '../login/errors';

const ERR_CODE = /^ERR_[A-Z]+(?:_[A-Z]+)*$/;

describe('TenantGateError', () => {
  it.each<[string, TenantGateError, string]>([
    ['ConfigError', new ConfigError([{ path: 'domain', message: 'required' }]), 'ERR_CONFIG_INVALID'],
    ['PackageError', new PackageError('stage "x y" …'), 'ERR_PACKAGE_INVALID'],
    ['AttachError', new AttachError('ERR_ATTACH_BEHAVIOR_MISSING', 'no behavior'), 'ERR_ATTACH_BEHAVIOR_MISSING'],
    [
      'DistributionUpdateError',
      new DistributionUpdateError('ERR_UPDATE_CONFLICT', 'changed meanwhile'),
      'ERR_UPDATE_CONFLICT',
    ],
    ['UsageError', new UsageError('--path is required'), 'ERR_USAGE'],
    ['TenantGateError', new TenantGateError('ERR_CONFIG_NOT_JSON', 'x is not valid JSON'), 'ERR_CONFIG_NOT_JSON'],
  ])('%s is a TenantGateError with code %s', (name, error, code) => {
    expect(error).toBeInstanceOf(TenantGateError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.code).toMatch(ERR_CODE);
  });

  it('LoginError is one too, and keeps the refusal code its clients read', () => {
    const error = new LoginError('missing_identity', 'x-identity-token');
    expect(error).toBeInstanceOf(TenantGateError);
    expect(error.code).toBe('missing_identity');
    expect(error.status).toBe(401);
    expect(error.message).toBe('missing_identity: x-identity-token');
  });

  it('ConfigError lists every issue and names the first field', () => {
    const error = new ConfigError([
      { path: 'domain', message: 'required' },
      { path: 'keys[0].kid', message: 'duplicate kid "a"' },
    ]);
    expect(error.field).toBe('domain');
    expect(error.message).toBe('domain: required\nkeys[0].kid: duplicate kid "a"');
    expect(error.from('my.json').message).toBe(
      'invalid configuration my.json (2 problems):\n  domain: required\n  keys[0].kid: duplicate kid "a"',
    );
  });
});
