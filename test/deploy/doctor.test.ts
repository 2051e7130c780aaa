import type {
  CachePolicyConfig,
  OriginRequestPolicyConfig,
  ResponseHeadersPolicyConfig,
} from '@aws-sdk/client-cloudfront';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AttachError, attach, type AttachPlan, type GateRef } from '../../deploy/attach';
import { loginOriginRequest, loginOriginRequestPolicyConfig } from '../../login/origin-request';
import {
  FINDING_CODES,
  diagnose,
  exitCodeFor,
  formatFindings,
  keepsBrowserCachePrivate,
  type DoctorExpectations,
  type Finding,
  type FindingCode,
} from '../../deploy/doctor';
import { loadDistributionConfig } from '../helpers/distribution-config';

const load = loadDistributionConfig;

const BASE: DoctorExpectations = { gatedPathPatterns: ['/files/*'], tokenLifetimeSeconds: 3600, ipBinding: false };

/** The custom policies misconfigured-cache.json references, as `get-cache-policy-config` would return them. */
const REPORTS_CACHE_POLICY: CachePolicyConfig = {
  Name: 'reports-per-tenant',
  MinTTL: 0,
  DefaultTTL: 3600,
  MaxTTL: 86400,
  ParametersInCacheKeyAndForwardedToOrigin: {
    EnableAcceptEncodingGzip: true,
    EnableAcceptEncodingBrotli: true,
    HeadersConfig: { HeaderBehavior: 'none' },
    CookiesConfig: { CookieBehavior: 'whitelist', Cookies: { Quantity: 1, Items: ['__Host-tenant'] } },
    QueryStringsConfig: { QueryStringBehavior: 'none' },
  },
};
const EXPORTS_ORIGIN_REQUEST_POLICY: OriginRequestPolicyConfig = {
  Name: 'exports-with-cookies',
  HeadersConfig: { HeaderBehavior: 'none' },
  CookiesConfig: { CookieBehavior: 'all' },
  QueryStringsConfig: { QueryStringBehavior: 'none' },
};

/** The policy on /files/* in attached.json: the stack's TenantGatePrivateFilesHeadersPolicy. */
const PRIVATE_FILES_POLICY_ID = 'c4e1d8a2-7b3f-4f6e-9a05-3d2b1c0e8f74';
/** As `get-response-headers-policy-config` returns what serverless.yml declares. */
const PRIVATE_FILES_POLICY: ResponseHeadersPolicyConfig = {
  Name: 'tenant-gate-prod-private-files',
  Comment: 'tenant-gate gated files are per user; browsers must revalidate them and shared caches must not keep them',
  CustomHeadersConfig: {
    Quantity: 1,
    Items: [{ Header: 'Cache-Control', Value: 'private, no-cache', Override: true }],
  },
};
const ATTACHED: DoctorExpectations = {
  ...BASE,
  responseHeadersPolicies: { [PRIVATE_FILES_POLICY_ID]: PRIVATE_FILES_POLICY },
};

/**
 * attached-login-policy.json: attached.json with the stack's login origin request policy on /auth/*, as the stack
 * created it before revocation (no query string) and as it creates it now (`everywhere`).
 */
const LOGIN_POLICY_ID = 'd7a1f0c3-5e2b-4a9d-8c6f-1b3e5a7c9d02';
const LOGIN_POLICY_NOW = loginOriginRequestPolicyConfig(
  'TenantGateLoginOriginRequestPolicy',
  loginOriginRequest({ cookieName: '__Host-tenant', login: { identity: { tokenHeader: 'x-identity-token' } } }),
);
const LOGIN_POLICY_BEFORE_REVOCATION: OriginRequestPolicyConfig = {
  ...LOGIN_POLICY_NOW,
  QueryStringsConfig: { QueryStringBehavior: 'none' },
};

const TABLE: [fixture: string, expectations: DoctorExpectations, codes: [FindingCode, Finding['severity']][]][] = [
  [
    'plain',
    BASE,
    [
      ['GATE_MISSING', 'error'],
      ['AUTH_BEHAVIOR_MISSING', 'error'],
      ['ERROR_PAGE_MASKS_REFUSAL', 'warning'],
      ['BROWSER_CACHE_NOT_PRIVATE', 'warning'],
    ],
  ],
  ['attached', ATTACHED, [['ERROR_PAGE_MASKS_REFUSAL', 'warning']]],
  // A login that revokes behind the login policy of a stack deployed before revocation: sign out everywhere is lost.
  [
    'attached-login-policy',
    { ...ATTACHED, loginRevokes: true, originRequestPolicies: { [LOGIN_POLICY_ID]: LOGIN_POLICY_BEFORE_REVOCATION } },
    [
      ['AUTH_QUERY_DROPPED', 'error'],
      ['ERROR_PAGE_MASKS_REFUSAL', 'warning'],
    ],
  ],
  [
    'attached-login-policy',
    { ...ATTACHED, loginRevokes: true, originRequestPolicies: { [LOGIN_POLICY_ID]: LOGIN_POLICY_NOW } },
    [['ERROR_PAGE_MASKS_REFUSAL', 'warning']],
  ],
  // A login that does not revoke needs no query string.
  [
    'attached-login-policy',
    { ...ATTACHED, originRequestPolicies: { [LOGIN_POLICY_ID]: LOGIN_POLICY_BEFORE_REVOCATION } },
    [['ERROR_PAGE_MASKS_REFUSAL', 'warning']],
  ],
  // With grants configured, attached.json has no grants behavior, and its standard logs would record grant URLs.
  [
    'attached',
    { ...ATTACHED, grantsPathPattern: '/grants/*' },
    [
      ['GRANTS_BEHAVIOR_MISSING', 'error'],
      ['GRANTS_TOKEN_LOGGED', 'warning'],
      ['ERROR_PAGE_MASKS_REFUSAL', 'warning'],
    ],
  ],
  [
    'grants-misconfigured',
    { ...ATTACHED, grantsPathPattern: '/grants/*' },
    [
      ['GRANTS_SIGNATURE_REQUIRED', 'error'],
      ['GRANTS_TOKEN_LOGGED', 'warning'],
      ['ERROR_PAGE_MASKS_REFUSAL', 'warning'],
    ],
  ],
  [
    'gate-at-origin-request',
    BASE,
    [
      ['GATE_WRONG_EVENT', 'error'],
      ['ERROR_PAGE_MASKS_REFUSAL', 'warning'],
      ['BROWSER_CACHE_NOT_PRIVATE', 'warning'],
    ],
  ],
  [
    'misconfigured-cache',
    {
      ...BASE,
      ipBinding: 'always',
      loginBindsViewerAddress: true,
      gatedPathPatterns: ['/files/*', '/reports/*', '/exports/*'],
      cachePolicies: { '7c1e4b2a-3d5f-4e6a-9b8c-0d1e2f3a4b5c': REPORTS_CACHE_POLICY },
      originRequestPolicies: { 'e5a4b3c2-d1e0-4f9a-8b7c-6d5e4f3a2b1c': EXPORTS_ORIGIN_REQUEST_POLICY },
    },
    [
      ['VIEWER_HTTP_ALLOWED', 'error'],
      ['HOST_HEADER_FORWARDED', 'error'],
      ['AUTH_VIEWER_ADDRESS_MISSING', 'error'],
      ['LOGS_INCLUDE_COOKIES', 'error'],
      ['IPV6_WITH_IP_BINDING', 'warning'],
      ['CACHE_KEY_TOKEN_COOKIE', 'warning'],
      ['CACHE_KEY_AUTHORIZATION', 'warning'],
      ['GATED_WRITE_METHODS', 'warning'],
      ['COOKIES_FORWARDED_TO_S3', 'warning'],
      ['ERROR_CACHING_TOO_LONG', 'warning'],
      ['BROWSER_CACHE_NOT_PRIVATE', 'warning'],
      ['POLICY_NOT_CHECKED', 'info'],
    ],
  ],
  [
    'misconfigured-routing',
    { ...BASE, gatedPathPatterns: ['/files/*', '/exports/*', '/media/*', '/legacy/*', '/archive/*'] },
    [
      ['VIEWER_FUNCTIONS_MIXED', 'error'],
      ['GATE_SHADOWED', 'error'],
      ['GATE_MISSING', 'error'],
      ['S3_WEBSITE_ORIGIN', 'error'],
      ['GATED_BEHAVIOR_MISSING', 'error'],
      ['S3_ORIGIN_NO_OAC', 'error'],
      ['UNGATED_ROUTE_TO_FILES_ORIGIN', 'error'],
      ['VIEWER_HTTP_ALLOWED', 'error'],
      ['AUTH_CACHING_ENABLED', 'error'],
      ['HOST_HEADER_FORWARDED', 'error'],
      ['GATED_ORIGIN_NOT_S3', 'warning'],
      ['S3_ORIGIN_LEGACY_OAI', 'warning'],
      ['AUTH_GATED', 'warning'],
      ['AUTH_ORIGIN_NOT_HTTPS', 'warning'],
      ['BROWSER_CACHE_NOT_PRIVATE', 'warning'],
    ],
  ],
  // Multi-tenant distributions (CloudFront SaaS Manager).
  [
    'multi-tenant',
    BASE,
    [
      ['GATE_MISSING', 'error'],
      ['AUTH_BEHAVIOR_MISSING', 'error'],
      ['TENANT_BINDING_OFF', 'warning'],
      ['BROWSER_CACHE_NOT_PRIVATE', 'warning'],
    ],
  ],
  [
    'plain',
    { ...BASE, distributionTenant: { parameter: 'tenant', originPath: 'rewrite' } },
    [
      ['GATE_MISSING', 'error'],
      ['AUTH_BEHAVIOR_MISSING', 'error'],
      ['TENANT_MODE_ON_STANDARD', 'error'],
      ['ERROR_PAGE_MASKS_REFUSAL', 'warning'],
      ['BROWSER_CACHE_NOT_PRIVATE', 'warning'],
    ],
  ],
  [
    'multi-tenant-misconfigured',
    {
      ...BASE,
      distributionTenant: { parameter: 'tenant', originPath: 'parameter' },
      distributionTenants: [{ name: 'acme', domains: ['files.acme.com'], parameters: {} }],
    },
    [
      ['MULTI_TENANT_UNSUPPORTED_FIELD', 'error'],
      ['TENANT_MODE_LAMBDA_EDGE', 'error'],
      ['TENANT_PARAMETER_UNDECLARED', 'error'],
      ['DISTRIBUTION_TENANT_WITHOUT_PARAMETER', 'error'],
      ['ORIGIN_PATH_PARAMETER', 'error'],
      ['LOGIN_ORIGIN_PATH_MISSING', 'error'],
      ['DISTRIBUTION_TENANT_DOMAIN_PARAMETER', 'error'],
    ],
  ],
];

const codesOf = (findings: readonly Finding[]): [FindingCode, Finding['severity']][] => {
  const seen = new Map<string, [FindingCode, Finding['severity']]>();
  for (const f of findings) seen.set(`${f.code}/${f.severity}`, [f.code, f.severity]);
  return [...seen.values()].sort((a, b) => a.join().localeCompare(b.join()));
};

describe('diagnose', () => {
  it.each(TABLE)('%s → exactly the expected finding codes', (fixture, expectations, codes) => {
    const findings = diagnose(load(fixture), expectations);
    expect(codesOf(findings)).toEqual([...codes].sort((a, b) => a.join().localeCompare(b.join())));
    for (const f of findings) {
      expect(f.what.length, f.code).toBeGreaterThan(0);
      expect(f.why.length, f.code).toBeGreaterThan(20);
      expect(f.fix.length, f.code).toBeGreaterThan(10);
    }
  });

  it('produces every finding code from some fixture', () => {
    const produced = new Set(TABLE.flatMap(([, , codes]) => codes.map(([code]) => code)));
    // Needs what only --live reads (the functions' runtimes): test/deploy/doctor-rules.test.ts triggers it.
    produced.add('EDGE_RUNTIME_RETIRING');
    expect(FINDING_CODES.filter((c) => !produced.has(c))).toEqual([]);
  });

  it('finds no errors on what attach produces, for either gate kind', () => {
    for (const gate of [
      { kind: 'lambda-edge', arn: 'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:7' },
      { kind: 'cloudfront-function', arn: 'arn:aws:cloudfront::123456789012:function/tenant-gate-viewer' },
    ] as const) {
      const { config } = attach(load('plain'), {
        pathPatterns: ['/files/*'],
        gate,
        auth: {
          pathPattern: '/auth/*',
          originDomainName: 'k3x7vq2mzl5ubd4hwe6rtyjaoi0pnsfc.lambda-url.us-east-1.on.aws',
          originId: 'tenant-gate-auth',
        },
        responseHeadersPolicyId: PRIVATE_FILES_POLICY_ID,
      });
      const findings = diagnose(config, ATTACHED);
      expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(findings.map((f) => f.code)).not.toContain('BROWSER_CACHE_NOT_PRIVATE');
      expect(exitCodeFor(findings)).toBe(0);
    }
  });

  it('agrees with attach: from any previous attach, attaching /files/* leaves no error (property)', () => {
    const gates: GateRef[] = [
      { kind: 'lambda-edge', arn: 'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:7' },
      { kind: 'lambda-edge', arn: 'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:8' },
      { kind: 'cloudfront-function', arn: 'arn:aws:cloudfront::123456789012:function/tenant-gate-viewer' },
    ];
    const auth = {
      pathPattern: '/auth/*',
      originDomainName: 'k3x7vq2mzl5ubd4hwe6rtyjaoi0pnsfc.lambda-url.us-east-1.on.aws',
      originId: 'tenant-gate-auth',
    };
    const planArb = (patterns: fc.Arbitrary<string[]>) =>
      fc.record({
        pathPatterns: patterns,
        gate: fc.constantFrom(...gates),
        auth: fc.constantFrom<AttachPlan['auth']>(auth, { ...auth, originAccessControlId: 'E3OACEXAMPLE1' }),
        trustedKeyGroupId: fc.option(fc.constantFrom('kg-old', 'kg-new'), { nil: undefined }),
        responseHeadersPolicyId: fc.constant(PRIVATE_FILES_POLICY_ID),
      });
    const attempt = (f: () => ReturnType<typeof attach>) => {
      try {
        return f();
      } catch (error) {
        if (error instanceof AttachError) return undefined; // refusals are attach's own tests
        throw error;
      }
    };
    fc.assert(
      fc.property(
        planArb(fc.uniqueArray(fc.constantFrom('/files/*', '/api/*', '*'), { minLength: 1, maxLength: 3 })),
        planArb(fc.constant(['/files/*'])),
        fc.constantFrom<DoctorExpectations['ipBinding']>(false, 'optional', 'always'),
        (previous, plan, ipBinding) => {
          const before = attempt(() => attach(load('plain'), previous));
          if (before === undefined) return;
          const { config } = attach(before.config, { ...plan, owned: before.owned });
          const errors = diagnose(config, { ...ATTACHED, ipBinding }).filter((f) => f.severity === 'error');
          expect(errors).toEqual([]);
        },
      ),
      { numRuns: 200, seed: 20261128 },
    );
  });

  describe('browser cache of gated files', () => {
    const browserCache = (findings: readonly Finding[]): Finding[] =>
      findings.filter((f) => f.code === 'BROWSER_CACHE_NOT_PRIVATE');
    const withPolicy = (policy: ResponseHeadersPolicyConfig): DoctorExpectations => ({
      ...BASE,
      responseHeadersPolicies: { [PRIVATE_FILES_POLICY_ID]: policy },
    });
    const header = (Value: string, Override: boolean): ResponseHeadersPolicyConfig => ({
      Name: 'files-headers',
      CustomHeadersConfig: { Quantity: 1, Items: [{ Header: 'Cache-Control', Value, Override }] },
    });

    it('accepts the policy the stack creates (Cache-Control: private, no-cache, Override)', () => {
      expect(keepsBrowserCachePrivate(PRIVATE_FILES_POLICY)).toBe(true);
      expect(browserCache(diagnose(load('attached'), ATTACHED))).toEqual([]);
    });

    it('warns about a gated behavior without a response headers policy, explaining the shared browser', () => {
      expect(browserCache(diagnose(load('plain'), BASE))).toEqual([
        expect.objectContaining({
          severity: 'warning',
          what: expect.stringContaining('behavior /files/*'),
          why: expect.stringMatching(/another user signs in on the same browser/),
        }),
      ]);
    });

    it('warns when the known policy only sets Cache-Control: max-age=60', () => {
      const findings = browserCache(diagnose(load('attached'), withPolicy(header('max-age=60', true))));
      expect(findings).toEqual([
        expect.objectContaining({ severity: 'warning', what: expect.stringContaining('behavior /files/*') }),
      ]);
    });

    it("warns when the known policy says private, no-cache without Override (the object's own Cache-Control would win)", () => {
      const findings = browserCache(diagnose(load('attached'), withPolicy(header('private, no-cache', false))));
      expect(findings).toEqual([
        expect.objectContaining({ severity: 'warning', what: expect.stringContaining('behavior /files/*') }),
      ]);
    });

    it('does not check a policy it does not know', () => {
      expect(browserCache(diagnose(load('attached'), BASE))).toEqual([]);
    });
  });

  it('explains why the gate must run at viewer-request', () => {
    const [finding] = diagnose(load('gate-at-origin-request'), BASE).filter((f) => f.code === 'GATE_WRONG_EVENT');
    expect(finding).toMatchObject({
      severity: 'error',
      what: 'behavior /files/*: arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:7 is attached at origin-request',
    });
    expect(finding?.why).toMatch(
      /does not run on a cache hit.*cache key is computed after viewer-request.*cross-tenant leak/,
    );
  });

  it.each<[DoctorExpectations['ipBinding'], Finding['severity'] | undefined]>([
    [false, undefined],
    ['optional', 'info'],
    ['always', 'warning'],
  ])('IPv6 with sessions IP-bound by CloudFront alone (%s) → %s, never an error', (ipBinding, severity) => {
    const config = load('attached');
    expect(config.IsIPV6Enabled).toBe(true);
    const found = diagnose(config, { ...ATTACHED, ipBinding }).filter((f) => f.code === 'IPV6_WITH_IP_BINDING');
    expect(found.map((f) => f.severity)).toEqual(severity === undefined ? [] : [severity]);
    expect(diagnose({ ...config, IsIPV6Enabled: false }, { ...ATTACHED, ipBinding }).map((f) => f.code)).not.toContain(
      'IPV6_WITH_IP_BINDING',
    );
  });

  it('uses the configured cookie name for cache-key checks', () => {
    const findings = diagnose(load('misconfigured-cache'), {
      ...BASE,
      gatedPathPatterns: ['/reports/*'],
      cookieName: 'tenant_token',
      cachePolicies: { '7c1e4b2a-3d5f-4e6a-9b8c-0d1e2f3a4b5c': REPORTS_CACHE_POLICY },
    });
    // The policy keys on __Host-tenant, not on our token: only forwarding is left to report.
    expect(findings.map((f) => f.code)).not.toContain('CACHE_KEY_TOKEN_COOKIE');
    expect(findings.map((f) => f.code)).toContain('COOKIES_FORWARDED_TO_S3');
  });

  it('reports an unknown custom policy once, as info, and checks it once supplied', () => {
    const config = load('misconfigured-cache');
    const unknown = diagnose(config, { ...BASE, gatedPathPatterns: ['/reports/*'] }).filter(
      (f) => f.code === 'POLICY_NOT_CHECKED',
    );
    expect(unknown).toEqual([
      expect.objectContaining({
        severity: 'info',
        what: expect.stringContaining('7c1e4b2a-3d5f-4e6a-9b8c-0d1e2f3a4b5c'),
      }),
    ]);
  });
});

describe('formatFindings / exitCodeFor', () => {
  it('lists errors first with why and fix, then a summary', () => {
    const findings = diagnose(load('plain'), BASE);
    const text = formatFindings(findings);
    const lines = text.split('\n');
    expect(lines[0]).toBe('ERROR   GATE_MISSING: behavior /files/* has no tenant gate association');
    expect(lines[1]).toMatch(/^ {8}why: /);
    expect(lines[2]).toMatch(/^ {8}fix: /);
    expect(text).toMatch(/WARNING ERROR_PAGE_MASKS_REFUSAL: custom error response turns 403 into 200 \/index\.html/);
    expect(text).toMatch(
      /WARNING BROWSER_CACHE_NOT_PRIVATE: behavior \/files\/\* does not make browsers treat its files as private/,
    );
    expect(text.trimEnd().split('\n').at(-1)).toBe('2 errors, 2 warnings, 0 info');
    expect(exitCodeFor(findings)).toBe(1);
  });

  it('says so when there is nothing to report', () => {
    expect(formatFindings([])).toBe('No findings: the distribution matches what the tenant gate needs.\n');
    expect(exitCodeFor([])).toBe(0);
    expect(exitCodeFor([{ severity: 'warning', code: 'AUTH_GATED', what: 'w', why: 'w', fix: 'f' }])).toBe(0);
  });
});
