/**
 * Attach and detach of the login origin's OriginPath (deploy/login-origin-path.ts): on a multi-tenant distribution
 * `/{{tenant}}/{{domain}}`, so the login learns the distribution tenant called (login/site.ts); on a standard one
 * none. Converging, listed, and undone by detach.
 */
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import { describe, expect, it } from 'vitest';
import { AttachError, attach, detach, type AttachPlan } from '../../deploy/attach';
import { loginOriginPath } from '../../config/distribution-tenant';
import { requiredTenantParameter, tenantParameterDefinition } from '../../deploy/multi-tenant';
import { loadDistributionConfig } from '../helpers/distribution-config';

const load = loadDistributionConfig;

const AUTH = {
  pathPattern: '/auth/*',
  originDomainName: 'k3x7vq2mzl5ubd4hwe6rtyjaoi0pnsfc.lambda-url.us-east-1.on.aws',
  originId: 'tenant-gate-auth',
} as const;
const PLAN: AttachPlan = {
  pathPatterns: ['/files/*'],
  gate: { kind: 'cloudfront-function', arn: 'arn:aws:cloudfront::123456789012:function/tenant-gate-viewer' },
  auth: AUTH,
  tenantParameter: 'tenant',
  domainParameter: 'domain',
};
const loginOrigin = (config: DistributionConfig) => config.Origins?.Items?.find((o) => o.Id === AUTH.originId);

describe("the login origin's OriginPath", () => {
  it('is written from the two parameter names', () => {
    expect(loginOriginPath({ parameter: 'tenant', domainParameter: 'domain' })).toBe('/{{tenant}}/{{domain}}');
    expect(loginOriginPath({ parameter: 'customer', domainParameter: 'host' })).toBe('/{{customer}}/{{host}}');
  });

  it('attach on a multi-tenant distribution sets it and declares the domain parameter (required, no default)', () => {
    const { config, changes } = attach(load('multi-tenant'), PLAN);
    expect(loginOrigin(config)?.OriginPath).toBe('/{{tenant}}/{{domain}}');
    expect(tenantParameterDefinition(config, 'domain')).toEqual(requiredTenantParameter('domain', 'domain'));
    expect(changes).toContain(
      'origins: tenant-gate-auth OriginPath (none) → /{{tenant}}/{{domain}}: the login learns the distribution tenant called',
    );
    expect(changes).toContain(
      'TenantConfig.ParameterDefinitions: added "domain" (string, required): the sign-in domain of each distribution tenant',
    );
  });

  it('converges: an origin path someone changed is set back, and a second attach changes nothing', () => {
    const once = attach(load('multi-tenant'), PLAN).config;
    loginOrigin(once)!.OriginPath = '/{{tenant}}';
    const again = attach(once, PLAN);
    expect(again.changes).toEqual([
      'origins: tenant-gate-auth OriginPath /{{tenant}} → /{{tenant}}/{{domain}}: the login learns the distribution tenant called',
    ]);
    expect(attach(again.config, PLAN).changes).toEqual([]);
  });

  it('on a standard distribution the login origin has none (and a stray one is removed)', () => {
    const standardPlan = { ...PLAN, tenantParameter: undefined, domainParameter: undefined };
    const { config } = attach(load('plain'), standardPlan);
    expect(loginOrigin(config)?.OriginPath).toBe('');
    loginOrigin(config)!.OriginPath = '/{{tenant}}/{{domain}}';
    const again = attach(config, standardPlan);
    expect(loginOrigin(again.config)?.OriginPath).toBe('');
    expect(again.changes).toContain('origins: tenant-gate-auth OriginPath /{{tenant}}/{{domain}} → (none)');
  });

  it('detach removes the login origin, and with it the origin path; the parameter definitions stay', () => {
    const attached = attach(load('multi-tenant'), PLAN).config;
    const { config, changes } = detach(attached, { authPathPattern: '/auth/*' });
    expect(loginOrigin(config)).toBeUndefined();
    expect(changes).toContain('origins: removed tenant-gate-auth');
    expect(tenantParameterDefinition(config, 'domain')).toBeDefined();
  });

  it.each<[string, AttachPlan]>([
    ['the mode with a login but no domain parameter', { ...PLAN, domainParameter: undefined }],
    ['a domain parameter equal to the tenant parameter', { ...PLAN, domainParameter: 'tenant' }],
    ['a domain parameter that is no parameter name', { ...PLAN, domainParameter: '{{domain}}' }],
  ])('refuses %s (ERR_ATTACH_PLAN_INVALID)', (_name, plan) => {
    expect(() => attach(load('multi-tenant'), plan)).toThrow(AttachError);
    try {
      attach(load('multi-tenant'), plan);
    } catch (error) {
      expect((error as AttachError).code).toBe('ERR_ATTACH_PLAN_INVALID');
    }
  });
});
