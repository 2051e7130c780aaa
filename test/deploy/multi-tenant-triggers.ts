/**
 * The multi-tenant doctor rules' triggers (deploy/doctor/rules/multi-tenant.ts), for the table of
 * test/deploy/doctor-rules.test.ts: each edits the clean distribution (attached.json) and the expectations.
 */
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import type { DoctorExpectations, FindingCode, Severity } from '../../deploy/doctor';
import { requiredTenantParameter } from '../../deploy/multi-tenant';

type Trigger = [
  code: FindingCode,
  severity: Severity,
  edit: (config: DistributionConfig) => void,
  expectations?: Partial<DoctorExpectations>,
];

/** The clean distribution as a multi-tenant one: no field such a distribution refuses, the tenant parameter declared. */
export function asMultiTenant(config: DistributionConfig, declared = true): void {
  config.ConnectionMode = 'tenant-only';
  delete config.Aliases;
  delete config.IsIPV6Enabled;
  delete config.PriceClass;
  delete config.DefaultCacheBehavior?.TrustedSigners;
  for (const b of config.CacheBehaviors?.Items ?? []) delete b.TrustedSigners;
  config.TenantConfig = { ParameterDefinitions: declared ? [requiredTenantParameter('tenant')] : [] };
}

const MODE = { distributionTenant: { parameter: 'tenant', originPath: 'rewrite' } } as const;
const BY_PARAMETER = { distributionTenant: { parameter: 'tenant', originPath: 'parameter' } } as const;

export const MULTI_TENANT_TRIGGERS: Trigger[] = [
  ['MULTI_TENANT_UNSUPPORTED_FIELD', 'error', (c) => (asMultiTenant(c), (c.IsIPV6Enabled = true))],
  ['TENANT_MODE_ON_STANDARD', 'error', () => {}, MODE],
  // attached.json's gate is the Lambda@Edge one.
  ['TENANT_MODE_LAMBDA_EDGE', 'error', (c) => asMultiTenant(c), MODE],
  ['TENANT_PARAMETER_UNDECLARED', 'error', (c) => asMultiTenant(c, false), MODE],
  [
    'TENANT_PARAMETER_UNDECLARED',
    'error',
    (c) => {
      asMultiTenant(c);
      c.TenantConfig!.ParameterDefinitions![0]!.Definition!.StringSchema = { Required: true, DefaultValue: 'acme' };
    },
    MODE,
  ],
  [
    'TENANT_PARAMETER_UNDECLARED',
    'warning',
    (c) => {
      asMultiTenant(c);
      c.TenantConfig!.ParameterDefinitions![0]!.Definition!.StringSchema = { Required: false };
    },
    MODE,
  ],
  [
    'DISTRIBUTION_TENANT_WITHOUT_PARAMETER',
    'error',
    (c) => asMultiTenant(c),
    {
      ...MODE,
      distributionTenants: [
        { name: 'acme', domains: ['files.acme.com'], parameters: { tenant: 'acme' } },
        { name: 'globex', domains: ['files.globex.com'], parameters: {} },
      ],
    },
  ],
  [
    'DISTRIBUTION_TENANT_WITHOUT_PARAMETER',
    'warning',
    (c) => asMultiTenant(c),
    {
      ...MODE,
      distributionTenants: [
        { name: 'acme', domains: ['files.acme.com'], parameters: { tenant: 'acme' } },
        { name: 'acme-copy', domains: ['files.globex.com'], parameters: { tenant: 'acme' } },
      ],
    },
  ],
  ['ORIGIN_PATH_PARAMETER', 'error', (c) => asMultiTenant(c), BY_PARAMETER],
  [
    'ORIGIN_PATH_PARAMETER',
    'warning',
    (c) => {
      asMultiTenant(c);
      for (const o of c.Origins?.Items ?? []) o.OriginPath = '/tenants/{{tenant}}';
    },
    MODE,
  ],
  // The login per domain (deploy/doctor/rules/login-site.ts): attached.json's login origin has no OriginPath.
  [
    'LOGIN_ORIGIN_PATH_MISSING',
    'error',
    (c) => (asMultiTenant(c), c.TenantConfig!.ParameterDefinitions!.push(requiredTenantParameter('domain', 'domain'))),
    MODE,
  ],
  [
    'LOGIN_ORIGIN_PATH_MISSING',
    'error',
    (c) => {
      asMultiTenant(c);
      for (const o of c.Origins?.Items ?? []) o.OriginPath = '/{{tenant}}';
      c.TenantConfig!.ParameterDefinitions!.push(requiredTenantParameter('domain', 'domain'));
    },
    MODE,
  ],
  [
    'LOGIN_ORIGIN_PATH_MISSING',
    'error',
    (c) => {
      asMultiTenant(c);
      const login = c.CacheBehaviors?.Items?.find((b) => b.PathPattern === '/auth/*')?.TargetOriginId;
      for (const o of c.Origins?.Items ?? []) if (o.Id === login) o.OriginPath = '/{{tenant}}/{{domain}}';
      const domain = requiredTenantParameter('domain', 'domain');
      domain.Definition!.StringSchema!.DefaultValue = 'files.acme.com';
      c.TenantConfig!.ParameterDefinitions!.push(domain);
    },
    MODE,
  ],
  [
    'DISTRIBUTION_TENANT_DOMAIN_PARAMETER',
    'error',
    (c) => asMultiTenant(c),
    {
      ...MODE,
      distributionTenants: [
        { name: 'acme', domains: ['files.acme.com'], parameters: { tenant: 'acme', domain: 'files.acme.com' } },
        { name: 'globex', domains: ['files.globex.com'], parameters: { tenant: 'globex', domain: 'files.acme.com' } },
      ],
    },
  ],
  ['TENANT_BINDING_OFF', 'warning', (c) => asMultiTenant(c)],
];
