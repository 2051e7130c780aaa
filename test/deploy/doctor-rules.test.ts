/**
 * Each doctor rule alone (deploy/doctor/rules/): a distribution that triggers it and one that does not. The clean
 * case is attached.json without its SPA error pages, which every rule passes; each trigger changes one thing.
 */
import type {
  CacheBehavior,
  CachePolicyConfig,
  DistributionConfig,
  Origin,
  OriginRequestPolicyConfig,
} from '@aws-sdk/client-cloudfront';
import { describe, expect, it } from 'vitest';
import { MANAGED_POLICY_IDS } from '../../deploy/attach';
import {
  FINDING_CODES,
  RULES,
  createContext,
  diagnose,
  type DoctorExpectations,
  type FindingCode,
  type Severity,
} from '../../deploy/doctor';
import { findingsOf } from '../../deploy/doctor/rule';
import { MULTI_TENANT_TRIGGERS } from './multi-tenant-triggers';
import { loadDistributionConfig } from '../helpers/distribution-config';

const load = loadDistributionConfig;

const PRIVATE_FILES_POLICY_ID = 'c4e1d8a2-7b3f-4f6e-9a05-3d2b1c0e8f74';
const EXPECT: DoctorExpectations = {
  gatedPathPatterns: ['/files/*'],
  tokenLifetimeSeconds: 3600,
  ipBinding: false,
  responseHeadersPolicies: {
    [PRIVATE_FILES_POLICY_ID]: {
      Name: 'private-files',
      CustomHeadersConfig: {
        Quantity: 1,
        Items: [{ Header: 'Cache-Control', Value: 'private, no-cache', Override: true }],
      },
    },
  },
};

function clean(): DistributionConfig {
  const config = load('attached');
  config.CustomErrorResponses = { Quantity: 0 };
  return config;
}
function behavior(config: DistributionConfig, pattern: string): CacheBehavior {
  const b = config.CacheBehaviors?.Items?.find((x) => x.PathPattern === pattern);
  if (b === undefined) throw new Error(`no behavior ${pattern}`);
  return b;
}
function origin(config: DistributionConfig, id: string): Origin {
  const o = config.Origins?.Items?.find((x) => x.Id === id);
  if (o === undefined) throw new Error(`no origin ${id}`);
  return o;
}
const CUSTOM_CACHE_POLICY = 'c0ffee00-0000-4000-8000-000000000001';
const cachePolicy = (params: Partial<NonNullable<CachePolicyConfig['ParametersInCacheKeyAndForwardedToOrigin']>>) => ({
  [CUSTOM_CACHE_POLICY]: {
    Name: 'custom',
    MinTTL: 0,
    DefaultTTL: 60,
    MaxTTL: 60,
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: true,
      HeadersConfig: { HeaderBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
      QueryStringsConfig: { QueryStringBehavior: 'none' },
      ...params,
    },
  } satisfies CachePolicyConfig,
});

const NOW = Date.parse('2026-11-28T00:00:00Z');
const GATE_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:7';
const FOREIGN_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:acme-api-request-id:12';

type Trigger = [
  code: FindingCode,
  severity: Severity,
  edit: (config: DistributionConfig) => void,
  expectations?: Partial<DoctorExpectations>,
];

const TRIGGERS: Trigger[] = [
  [
    'VIEWER_FUNCTIONS_MIXED',
    'error',
    (c) => {
      behavior(c, '/files/*').FunctionAssociations = {
        Quantity: 1,
        Items: [
          { FunctionARN: 'arn:aws:cloudfront::123456789012:function/acme-headers', EventType: 'viewer-response' },
        ],
      };
    },
  ],
  ['GATED_BEHAVIOR_MISSING', 'error', () => {}, { gatedPathPatterns: ['/files/*', '/exports/*'] }],
  [
    'GATE_WRONG_EVENT',
    'error',
    (c) => {
      const item = behavior(c, '/files/*').LambdaFunctionAssociations?.Items?.[0];
      if (item !== undefined) item.EventType = 'origin-request';
    },
  ],
  ['GATE_MISSING', 'error', (c) => void (behavior(c, '/files/*').LambdaFunctionAssociations = { Quantity: 0 })],
  [
    'GATE_SHADOWED',
    'error',
    (c) => {
      const items = c.CacheBehaviors?.Items ?? [];
      c.CacheBehaviors = {
        Quantity: items.length + 1,
        Items: [{ ...structuredClone(behavior(c, '/api/*')), PathPattern: '/f*' }, ...items],
      };
    },
  ],
  ['VIEWER_HTTP_ALLOWED', 'error', (c) => void (behavior(c, '/files/*').ViewerProtocolPolicy = 'allow-all')],
  ['BROWSER_CACHE_NOT_PRIVATE', 'warning', (c) => void delete behavior(c, '/files/*').ResponseHeadersPolicyId],
  ['POLICY_NOT_CHECKED', 'info', (c) => void (behavior(c, '/files/*').CachePolicyId = CUSTOM_CACHE_POLICY)],
  [
    'CACHE_KEY_TOKEN_COOKIE',
    'warning',
    (c) => void (behavior(c, '/files/*').CachePolicyId = CUSTOM_CACHE_POLICY),
    {
      cachePolicies: cachePolicy({
        CookiesConfig: { CookieBehavior: 'whitelist', Cookies: { Quantity: 1, Items: ['__Host-tenant'] } },
      }),
    },
  ],
  [
    'CACHE_KEY_AUTHORIZATION',
    'warning',
    (c) => void (behavior(c, '/files/*').CachePolicyId = CUSTOM_CACHE_POLICY),
    {
      cachePolicies: cachePolicy({
        HeadersConfig: { HeaderBehavior: 'whitelist', Headers: { Quantity: 1, Items: ['Authorization'] } },
      }),
    },
  ],
  [
    'COOKIES_FORWARDED_TO_S3',
    'warning',
    (c) => void (behavior(c, '/files/*').OriginRequestPolicyId = MANAGED_POLICY_IDS.AllViewerExceptHostHeader),
  ],
  [
    'HOST_HEADER_FORWARDED',
    'error',
    (c) => void (behavior(c, '/files/*').OriginRequestPolicyId = MANAGED_POLICY_IDS.AllViewer),
  ],
  [
    'GATED_WRITE_METHODS',
    'warning',
    (c) =>
      void (behavior(c, '/files/*').AllowedMethods = {
        Quantity: 3,
        Items: ['GET', 'HEAD', 'PUT'],
        CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] },
      }),
  ],
  [
    'S3_WEBSITE_ORIGIN',
    'error',
    (c) => void (origin(c, 'tenant-files').DomainName = 'acme-tenant-files-prod.s3-website-us-east-1.amazonaws.com'),
  ],
  ['GATED_ORIGIN_NOT_S3', 'warning', (c) => void (behavior(c, '/files/*').TargetOriginId = 'api')],
  [
    'S3_ORIGIN_LEGACY_OAI',
    'warning',
    (c) => {
      const o = origin(c, 'spa-bucket');
      o.OriginAccessControlId = '';
      o.S3OriginConfig = { OriginAccessIdentity: 'origin-access-identity/cloudfront/E2OAIEXAMPLE' };
    },
  ],
  ['S3_ORIGIN_NO_OAC', 'error', (c) => void (origin(c, 'tenant-files').OriginAccessControlId = '')],
  ['S3_ORIGIN_NO_OAC', 'warning', (c) => void (origin(c, 'spa-bucket').OriginAccessControlId = '')],
  ['UNGATED_ROUTE_TO_FILES_ORIGIN', 'error', (c) => void (behavior(c, '/api/*').TargetOriginId = 'tenant-files')],
  [
    'AUTH_BEHAVIOR_MISSING',
    'error',
    (c) => {
      const items = (c.CacheBehaviors?.Items ?? []).filter((b) => b.PathPattern !== '/auth/*');
      c.CacheBehaviors = { Quantity: items.length, Items: items };
    },
  ],
  [
    'AUTH_GATED',
    'warning',
    (c) =>
      void (behavior(c, '/auth/*').FunctionAssociations = {
        Quantity: 1,
        Items: [
          { FunctionARN: 'arn:aws:cloudfront::123456789012:function/tenant-gate-viewer', EventType: 'viewer-request' },
        ],
      }),
  ],
  [
    'AUTH_CACHING_ENABLED',
    'error',
    (c) => void (behavior(c, '/auth/*').CachePolicyId = MANAGED_POLICY_IDS.CachingOptimized),
  ],
  [
    'AUTH_ORIGIN_NOT_HTTPS',
    'warning',
    (c) => {
      const custom = origin(c, 'tenant-gate-auth').CustomOriginConfig;
      if (custom !== undefined) custom.OriginProtocolPolicy = 'match-viewer';
    },
  ],
  // attached.json's /auth/* has the managed AllViewerExceptHostHeader: viewer headers only.
  ['AUTH_VIEWER_ADDRESS_MISSING', 'error', () => {}, { loginBindsViewerAddress: true }],
  // A login policy that forwards no query string, behind a login that revokes (sign out everywhere).
  [
    'AUTH_QUERY_DROPPED',
    'error',
    (c) => void (behavior(c, '/auth/*').OriginRequestPolicyId = 'd7a1f0c3-5e2b-4a9d-8c6f-1b3e5a7c9d02'),
    {
      loginRevokes: true,
      originRequestPolicies: {
        'd7a1f0c3-5e2b-4a9d-8c6f-1b3e5a7c9d02': {
          Name: 'login-before-revocation',
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: { Quantity: 1, Items: ['x-identity-token'] } },
          CookiesConfig: { CookieBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'none' },
        },
      },
    },
  ],
  [
    'LOGS_INCLUDE_COOKIES',
    'error',
    (c) => void (c.Logging = { Enabled: true, IncludeCookies: true, Bucket: 'logs.s3.amazonaws.com', Prefix: '' }),
  ],
  ['GRANTS_BEHAVIOR_MISSING', 'error', () => {}, { grantsPathPattern: '/grants/*' }],
  [
    'GRANTS_SIGNATURE_REQUIRED',
    'error',
    (c) => {
      const grants = { ...structuredClone(behavior(c, '/files/*')), PathPattern: '/grants/*' };
      grants.TrustedKeyGroups = { Enabled: true, Quantity: 1, Items: ['KG-OF-THE-FILES'] };
      c.CacheBehaviors!.Items!.unshift(grants);
      c.CacheBehaviors!.Quantity = c.CacheBehaviors!.Items!.length;
    },
    { grantsPathPattern: '/grants/*' },
  ],
  [
    'GRANTS_TOKEN_LOGGED',
    'warning',
    (c) => void (c.Logging = { Enabled: true, IncludeCookies: false, Bucket: 'logs.s3.amazonaws.com', Prefix: '' }),
    { grantsPathPattern: '/grants/*' },
  ],
  ['IPV6_WITH_IP_BINDING', 'warning', () => {}, { ipBinding: 'always' }],
  ['IPV6_WITH_IP_BINDING', 'info', () => {}, { ipBinding: 'optional' }],
  [
    'ERROR_CACHING_TOO_LONG',
    'warning',
    (c) => void (c.CustomErrorResponses = { Quantity: 1, Items: [{ ErrorCode: 403, ErrorCachingMinTTL: 86400 }] }),
  ],
  ['ERROR_PAGE_MASKS_REFUSAL', 'warning', (c) => void (c.CustomErrorResponses = load('attached').CustomErrorResponses)],
  // Read live: the gate's version runs a runtime Lambda no longer lets anyone create (2026-08-31) or update.
  ['EDGE_RUNTIME_RETIRING', 'error', () => {}, { lambdaRuntimes: { [GATE_ARN]: 'nodejs20.x' }, now: NOW }],
  // Someone else's function on a blocked runtime: worth knowing, not this setup's failure.
  ['EDGE_RUNTIME_RETIRING', 'warning', () => {}, { lambdaRuntimes: { [FOREIGN_ARN]: 'nodejs20.x' }, now: NOW }],
  // Within 90 days of deprecation (2027-04-30).
  [
    'EDGE_RUNTIME_RETIRING',
    'warning',
    () => {},
    { lambdaRuntimes: { [GATE_ARN]: 'nodejs22.x' }, now: Date.parse('2027-03-01T00:00:00Z') },
  ],
  // Multi-tenant distributions (CloudFront SaaS Manager).
  ...MULTI_TENANT_TRIGGERS,
];

describe('doctor rules', () => {
  it('the clean distribution passes every rule', () => {
    const context = createContext(clean(), EXPECT);
    for (const rule of RULES) expect(findingsOf(rule, context), rule.code).toEqual([]);
    expect(diagnose(clean(), EXPECT)).toEqual([]);
  });

  it('access logs without cookies are fine: only IncludeCookies records the credentials', () => {
    const config = clean();
    config.Logging = { Enabled: true, IncludeCookies: false, Bucket: 'logs.s3.amazonaws.com', Prefix: 'cf/' };
    expect(diagnose(config, EXPECT)).toEqual([]);
    config.Logging = { Enabled: false, IncludeCookies: true, Bucket: '', Prefix: '' };
    expect(diagnose(config, EXPECT)).toEqual([]);
  });

  it.each(TRIGGERS)('%s (%s) is found by its rule alone, and by diagnose', (code, severity, edit, over) => {
    const config = clean();
    edit(config);
    const expectations = { ...EXPECT, ...over };
    const rule = RULES.find((r) => r.code === code);
    if (rule === undefined) throw new Error(`no rule ${code}`);
    const found = findingsOf(rule, createContext(config, expectations));
    expect(found.map((f) => f.severity)).toEqual([severity]);
    expect(found[0]?.what.length).toBeGreaterThan(0);
    expect(diagnose(config, expectations).map((f) => f.code)).toContain(code);
  });

  it.each([
    ['the gate on a supported runtime', { [GATE_ARN]: 'nodejs22.x', [FOREIGN_ARN]: 'nodejs24.x' }],
    ['runtimes not read (a saved config, or no permission)', undefined],
    ['a version the distribution does not name', { 'arn:aws:lambda:us-east-1:1:function:other:1': 'nodejs20.x' }],
  ])('EDGE_RUNTIME_RETIRING is quiet for %s', (_name, lambdaRuntimes) => {
    const rule = RULES.find((r) => r.code === 'EDGE_RUNTIME_RETIRING');
    expect(rule && findingsOf(rule, createContext(clean(), { ...EXPECT, lambdaRuntimes, now: NOW }))).toEqual([]);
  });

  describe('AUTH_VIEWER_ADDRESS_MISSING: which policies make CloudFront add CloudFront-Viewer-Address', () => {
    const LOGIN_POLICY = 'd7a1f0c3-5e2b-4a9d-8c6f-1b3e5a7c9d02';
    const whitelist = (names: string[], behavior = 'whitelist') => ({
      [LOGIN_POLICY]: {
        Name: 'login',
        HeadersConfig: { HeaderBehavior: behavior, Headers: { Quantity: names.length, Items: names } },
        CookiesConfig: { CookieBehavior: 'none' },
        QueryStringsConfig: { QueryStringBehavior: 'none' },
      } as OriginRequestPolicyConfig,
    });
    const rule = RULES.find((r) => r.code === 'AUTH_VIEWER_ADDRESS_MISSING')!;
    const found = (orp: string, over: Partial<DoctorExpectations>) => {
      const config = clean();
      behavior(config, '/auth/*').OriginRequestPolicyId = orp;
      return findingsOf(rule, createContext(config, { ...EXPECT, loginBindsViewerAddress: true, ...over })).length;
    };
    it.each<[string, string, Partial<DoctorExpectations>, number]>([
      ['the managed AllViewerExceptHostHeader', MANAGED_POLICY_IDS.AllViewerExceptHostHeader, {}, 1],
      ['the managed AllViewer (viewer headers only)', MANAGED_POLICY_IDS.AllViewer, {}, 1],
      ['no origin request policy', '', {}, 1],
      [
        "the stack's whitelist naming it",
        LOGIN_POLICY,
        { originRequestPolicies: whitelist(['origin', 'CloudFront-Viewer-Address']) },
        0,
      ],
      ['a whitelist without it', LOGIN_POLICY, { originRequestPolicies: whitelist(['origin', 'x-identity-token']) }, 1],
      [
        'allExcept naming it (that excludes viewer headers)',
        LOGIN_POLICY,
        { originRequestPolicies: whitelist(['CloudFront-Viewer-Address'], 'allExcept') },
        1,
      ],
      [
        'allViewerAndWhitelistCloudFront naming it',
        LOGIN_POLICY,
        { originRequestPolicies: whitelist(['cloudfront-viewer-address'], 'allViewerAndWhitelistCloudFront') },
        0,
      ],
      ['the managed AllViewerAndCloudFrontHeaders-2022-06', '33f36d7e-f396-46d9-90e0-52428a34d9dc', {}, 0],
      ['a policy the doctor cannot read (POLICY_NOT_CHECKED says so)', LOGIN_POLICY, {}, 0],
      [
        'a login that does not bind to it',
        MANAGED_POLICY_IDS.AllViewerExceptHostHeader,
        { loginBindsViewerAddress: false },
        0,
      ],
    ])('%s → %i finding(s)', (_name, orp, over, count) => {
      expect(found(orp, over)).toBe(count);
    });
  });

  it('every rule has a trigger above, and the finding codes are the table of rules', () => {
    const triggered = new Set(TRIGGERS.map(([code]) => code));
    expect(RULES.map((r) => r.code).filter((c) => !triggered.has(c))).toEqual([]);
    expect(FINDING_CODES).toEqual(RULES.map((r) => r.code));
    expect(new Set(FINDING_CODES).size).toBe(FINDING_CODES.length);
  });

  it.each(RULES.map((r) => [r.code, r] as const))('%s says what it checks, why and how to fix', (_code, rule) => {
    expect(rule.summary.length).toBeGreaterThan(20);
    expect(rule.why.length).toBeGreaterThan(20);
    expect(rule.fix.length).toBeGreaterThan(10);
    expect(['error', 'warning', 'info']).toContain(rule.severity);
  });
});
