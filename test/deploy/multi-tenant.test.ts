/**
 * Attach on a multi-tenant distribution (CloudFront SaaS Manager, issue 16): the same converging attach on the
 * GetDistributionConfig shape with `ConnectionMode: "tenant-only"`, the tenant parameter declared when missing, and
 * nothing written that such a distribution refuses (docs/platform.md#multi-tenant-distributions).
 */
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import { describe, expect, it } from 'vitest';
import { AttachError, attach, detach, type AttachErrorCode, type AttachPlan } from '../../deploy/attach';
import {
  ensureTenantParameter,
  isMultiTenant,
  requiredTenantParameter,
  tenantParameterDefinition,
  unsupportedOnMultiTenant,
} from '../../deploy/multi-tenant';
import { loadDistributionConfig } from '../helpers/distribution-config';

const load = loadDistributionConfig;

const CF_FUNCTION = {
  kind: 'cloudfront-function',
  arn: 'arn:aws:cloudfront::123456789012:function/tenant-gate-viewer',
} as const;
const LAMBDA = {
  kind: 'lambda-edge',
  arn: 'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:7',
} as const;
const AUTH = {
  pathPattern: '/auth/*',
  originDomainName: 'k3x7vq2mzl5ubd4hwe6rtyjaoi0pnsfc.lambda-url.us-east-1.on.aws',
  originId: 'tenant-gate-auth',
} as const;
const PLAN: AttachPlan = {
  pathPatterns: ['/files/*'],
  gate: CF_FUNCTION,
  auth: AUTH,
  tenantParameter: 'tenant',
  domainParameter: 'domain',
};

function attachError(run: () => unknown): AttachErrorCode {
  try {
    run();
  } catch (error) {
    if (error instanceof AttachError) return error.code;
    throw error;
  }
  throw new Error('no AttachError');
}

describe('a multi-tenant DistributionConfig', () => {
  const base = load('multi-tenant');

  it('is recognised by its connection mode, and a standard one is not', () => {
    expect(isMultiTenant(base)).toBe(true);
    expect(isMultiTenant(load('plain'))).toBe(false);
    expect(unsupportedOnMultiTenant(base)).toEqual([]);
  });

  it('attach gates it, declares the tenant parameter (required, no default) and writes nothing it refuses', () => {
    const { config, changes } = attach(base, PLAN);
    expect(tenantParameterDefinition(config, 'tenant')).toEqual(requiredTenantParameter('tenant'));
    expect(changes).toContain(
      'TenantConfig.ParameterDefinitions: added "tenant" (string, required): the tenant id of each distribution tenant',
    );
    expect(unsupportedOnMultiTenant(config)).toEqual([]);
    const files = config.CacheBehaviors?.Items?.find((b) => b.PathPattern === '/files/*');
    expect(files?.FunctionAssociations?.Items).toEqual([{ EventType: 'viewer-request', FunctionARN: CF_FUNCTION.arn }]);
    expect(config.CacheBehaviors?.Items?.find((b) => b.PathPattern === '/auth/*')?.TrustedSigners).toBeUndefined();
  });

  it('converges: a second attach changes nothing, and the input is never mutated', () => {
    const before = JSON.stringify(base);
    const once = attach(base, PLAN);
    expect(JSON.stringify(base)).toBe(before);
    const twice = attach(once.config, PLAN);
    expect(twice.changes).toEqual([]);
    expect(twice.config).toEqual(once.config);
  });

  it("keeps the operator's own definition of the parameter (and every other definition)", () => {
    const own = structuredClone(base);
    own.TenantConfig = {
      ParameterDefinitions: [
        { Name: 'origin', Definition: { StringSchema: { Required: true } } },
        { Name: 'tenant', Definition: { StringSchema: { Required: true, Comment: 'ours' } } },
      ],
    };
    const { config, changes } = attach(own, PLAN);
    // Only the login's domain parameter is added (deploy/login-origin-path.ts); the tenant's stays the operator's.
    expect(config.TenantConfig?.ParameterDefinitions).toEqual([
      ...own.TenantConfig.ParameterDefinitions!,
      requiredTenantParameter('domain', 'domain'),
    ]);
    expect(changes.filter((c) => c.includes('ParameterDefinitions'))).toEqual([
      'TenantConfig.ParameterDefinitions: added "domain" (string, required): the sign-in domain of each distribution tenant',
    ]);
  });

  it('detach takes the gate off and leaves the parameter definition (distribution tenants hold values for it)', () => {
    const attached = attach(base, PLAN).config;
    const detached = detach(attached, { authPathPattern: '/auth/*' }).config;
    const expected = structuredClone(base);
    ensureTenantParameter(expected, 'tenant', []);
    ensureTenantParameter(expected, 'domain', [], 'domain');
    expect(detached).toEqual(expected);
  });

  it.each<[string, DistributionConfig, AttachPlan, AttachErrorCode]>([
    ['the mode on a standard distribution', load('plain'), PLAN, 'ERR_ATTACH_CONFIG_INVALID'],
    ['the mode with the Lambda@Edge gate', base, { ...PLAN, gate: LAMBDA }, 'ERR_ATTACH_PLAN_INVALID'],
    [
      'a parameter name the gate cannot read',
      base,
      { ...PLAN, tenantParameter: '{{tenant}}' },
      'ERR_ATTACH_PLAN_INVALID',
    ],
  ])('refuses %s', (_name, config, plan, code) => {
    expect(attachError(() => attach(config, plan))).toBe(code);
  });

  it('a gate without the mode attaches to it too (the rewrite alone keeps tenants apart; the doctor warns)', () => {
    const { config } = attach(base, { ...PLAN, tenantParameter: undefined });
    expect(tenantParameterDefinition(config, 'tenant')).toBeUndefined();
    expect(unsupportedOnMultiTenant(config)).toEqual([]);
  });

  it('lists what a multi-tenant distribution refuses', () => {
    const wrong = structuredClone(base);
    wrong.Aliases = { Quantity: 1, Items: ['files.acme.com'] };
    wrong.IsIPV6Enabled = true;
    wrong.DefaultCacheBehavior!.TrustedSigners = { Enabled: false, Quantity: 0 };
    expect(unsupportedOnMultiTenant(wrong)).toEqual([
      'Aliases (domains belong to distribution tenants)',
      'IsIPV6Enabled (set on the connection group)',
      'default behavior: TrustedSigners (trusted key groups only)',
    ]);
  });
});
