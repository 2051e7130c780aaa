import type { CacheBehavior, DistributionConfig } from '@aws-sdk/client-cloudfront';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AttachError,
  MANAGED_POLICY_IDS,
  attach,
  detach,
  functionNameOf,
  patternsOverlap,
  type AttachErrorCode,
  type AttachPlan,
  type GateRef,
  type Ownership,
} from '../../deploy/attach';
import { loadDistributionConfig } from '../helpers/distribution-config';

const load = loadDistributionConfig;

const LAMBDA_V7: GateRef = {
  kind: 'lambda-edge',
  arn: 'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:7',
};
const LAMBDA_V8: GateRef = {
  kind: 'lambda-edge',
  arn: 'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:8',
};
const CF_FUNCTION: GateRef = {
  kind: 'cloudfront-function',
  arn: 'arn:aws:cloudfront::123456789012:function/tenant-gate-viewer',
};
const AUTH = {
  pathPattern: '/auth/*',
  originDomainName: 'k3x7vq2mzl5ubd4hwe6rtyjaoi0pnsfc.lambda-url.us-east-1.on.aws',
  originId: 'tenant-gate-auth',
} as const;
const KEY_GROUP = '9f2c1e7a-4b3d-4e8f-a6c5-2d1b0e9f8a7c';
/** The stack's TenantGatePrivateFilesHeadersPolicy (Cache-Control: private, no-cache), as in attached.json. */
const HEADERS_POLICY = 'c4e1d8a2-7b3f-4f6e-9a05-3d2b1c0e8f74';
/** Someone else's policy, e.g. CORS for the files. */
const FOREIGN_HEADERS_POLICY = '5d8e0f3b-2a9c-4c71-b6e4-7f1a3c9d2e08';

const PLAN: AttachPlan = {
  pathPatterns: ['/files/*'],
  gate: LAMBDA_V7,
  auth: AUTH,
  responseHeadersPolicyId: HEADERS_POLICY,
};

const behavior = (config: DistributionConfig, pattern: string): CacheBehavior => {
  const b = config.CacheBehaviors?.Items?.find((x) => x.PathPattern === pattern);
  if (b === undefined) throw new Error(`fixture has no behavior ${pattern}`);
  return b;
};
const patterns = (config: DistributionConfig): string[] =>
  (config.CacheBehaviors?.Items ?? []).map((b) => b.PathPattern ?? '');

function expectAttachError(fn: () => unknown, code: AttachErrorCode, message: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AttachError);
    expect((error as AttachError).code).toBe(code);
    expect((error as AttachError).message).toMatch(message);
    return;
  }
  throw new Error(`expected AttachError ${code}`);
}

/** Every `{Quantity, Items}` pair in the tree agrees; an empty list has no Items, as the CLI prints it. */
function expectQuantitiesConsistent(value: unknown, path = '$'): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => expectQuantitiesConsistent(v, `${path}[${i}]`));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  if (typeof record['Quantity'] === 'number') {
    const items = record['Items'];
    expect(Array.isArray(items) ? items.length : 0, `${path}.Quantity`).toBe(record['Quantity']);
  }
  for (const [k, v] of Object.entries(record)) expectQuantitiesConsistent(v, `${path}.${k}`);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The config with what attach may touch taken out, so the rest can be compared as a whole. */
function untouchedPart(config: DistributionConfig, gated: readonly string[]): DistributionConfig {
  const copy = structuredClone(config);
  copy.Origins = { Quantity: 0, Items: (copy.Origins?.Items ?? []).filter((o) => o.Id !== AUTH.originId) };
  const items = (copy.CacheBehaviors?.Items ?? []).filter((b) => b.PathPattern !== AUTH.pathPattern);
  for (const b of items) {
    if (gated.includes(b.PathPattern ?? '')) {
      delete b.LambdaFunctionAssociations;
      delete b.FunctionAssociations;
      delete b.TrustedKeyGroups;
      delete b.ResponseHeadersPolicyId;
    }
  }
  copy.CacheBehaviors = { Quantity: 0, Items: items };
  return copy;
}

describe('attach', () => {
  it('gates /files/* on the plain distribution and adds the /auth/* route, exactly as the attached fixture', () => {
    const { config, changes } = attach(load('plain'), PLAN);
    expect(config).toEqual(load('attached'));
    expect(behavior(config, '/files/*').LambdaFunctionAssociations).toEqual({
      Quantity: 1,
      Items: [{ LambdaFunctionARN: LAMBDA_V7.arn, EventType: 'viewer-request', IncludeBody: false }],
    });
    expect(behavior(config, '/files/*').FunctionAssociations).toEqual({ Quantity: 0 });
    expect(behavior(config, '/auth/*')).toMatchObject({
      TargetOriginId: 'tenant-gate-auth',
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: { Quantity: 7 },
      CachePolicyId: MANAGED_POLICY_IDS.CachingDisabled,
      OriginRequestPolicyId: MANAGED_POLICY_IDS.AllViewerExceptHostHeader,
    });
    expect(
      config.Origins?.Items?.find((o) => o.Id === 'tenant-gate-auth')?.CustomOriginConfig?.OriginProtocolPolicy,
    ).toBe('https-only');
    expect(changes).toEqual([
      `/files/*: viewer-request → Lambda@Edge ${LAMBDA_V7.arn}`,
      `/files/*: response headers policy ${HEADERS_POLICY} (Cache-Control: private, no-cache)`,
      `origins: added tenant-gate-auth → https://${AUTH.originDomainName}`,
      '/auth/*: added behavior → origin tenant-gate-auth (caching disabled, all methods)',
    ]);
    expectQuantitiesConsistent(config);
  });

  it('gates with a CloudFront Function on the FunctionAssociations list', () => {
    const { config } = attach(load('plain'), { ...PLAN, gate: CF_FUNCTION });
    expect(behavior(config, '/files/*').FunctionAssociations).toEqual({
      Quantity: 1,
      Items: [{ FunctionARN: CF_FUNCTION.arn, EventType: 'viewer-request' }],
    });
    expect(behavior(config, '/files/*').LambdaFunctionAssociations).toEqual({ Quantity: 0 });
  });

  const plans: [string, AttachPlan][] = [
    ['lambda-edge + auth', PLAN],
    ['cloudfront-function + auth', { ...PLAN, gate: CF_FUNCTION }],
    ['lambda-edge + auth + key group', { ...PLAN, trustedKeyGroupId: KEY_GROUP }],
    ['gate only', { pathPatterns: ['/files/*'], gate: LAMBDA_V7 }],
    ['default behavior and /files/*', { pathPatterns: ['*', '/files/*'], gate: CF_FUNCTION, auth: AUTH }],
  ];

  it.each(plans)('is idempotent (%s)', (_name, plan) => {
    const once = attach(load('plain'), plan);
    const twice = attach(once.config, plan);
    expect(twice.config).toEqual(once.config);
    expect(twice.changes).toEqual([]);
  });

  it.each(plans)('changes nothing but the gated behaviors, the auth behavior and its origin (%s)', (_name, plan) => {
    const plain = load('plain');
    const { config } = attach(plain, plan);
    const gated = plan.pathPatterns.filter((p) => p !== '*');
    const before = untouchedPart(plain, gated);
    const after = untouchedPart(config, gated);
    if (plan.pathPatterns.includes('*')) {
      // The default behavior's gate slot is touched too; everything else on it must be the same.
      for (const c of [before, after]) {
        delete c.DefaultCacheBehavior?.FunctionAssociations;
        delete c.DefaultCacheBehavior?.LambdaFunctionAssociations;
      }
    }
    expect(after).toEqual(before);
  });

  it.each(plans)('detach(attach(x)) restores x (%s)', (_name, plan) => {
    const plain = load('plain');
    const attached = attach(plain, plan).config;
    const restored = detach(attached, {
      trustedKeyGroupId: plan.trustedKeyGroupId,
      responseHeadersPolicyId: plan.responseHeadersPolicyId,
    });
    expect(restored.config).toEqual(plain);
    expectQuantitiesConsistent(restored.config);
  });

  it('never mutates its input', () => {
    const plain = deepFreeze(load('plain'));
    const attached = deepFreeze(attach(plain, { ...PLAN, trustedKeyGroupId: KEY_GROUP }).config);
    expect(() =>
      detach(attached, { trustedKeyGroupId: KEY_GROUP, responseHeadersPolicyId: HEADERS_POLICY }),
    ).not.toThrow();
    expect(plain).toEqual(load('plain'));
  });

  it('refuses a foreign function on the viewer-request slot, and replaces it with force', () => {
    const plain = load('plain');
    const foreign = 'arn:aws:lambda:us-east-1:123456789012:function:acme-legacy-auth:31';
    behavior(plain, '/files/*').LambdaFunctionAssociations = {
      Quantity: 1,
      Items: [{ LambdaFunctionARN: foreign, EventType: 'viewer-request', IncludeBody: false }],
    };
    expectAttachError(
      () => attach(plain, PLAN),
      'ERR_ATTACH_FOREIGN_FUNCTION',
      /behavior \/files\/\*: Lambda@Edge function .*acme-legacy-auth:31 on viewer-request .*force: true/,
    );
    expectAttachError(
      () => attach(plain, { ...PLAN, gate: CF_FUNCTION }),
      'ERR_ATTACH_FOREIGN_FUNCTION',
      /acme-legacy-auth/,
    );

    const forced = attach(plain, { ...PLAN, force: true });
    expect(behavior(forced.config, '/files/*').LambdaFunctionAssociations?.Items).toEqual([
      { LambdaFunctionARN: LAMBDA_V7.arn, EventType: 'viewer-request', IncludeBody: false },
    ]);
    expect(forced.changes).toContain(`/files/*: removed Lambda@Edge ${foreign} from viewer-request`);
  });

  it('refuses a foreign CloudFront Function on viewer-response only for a Lambda@Edge gate (the kinds cannot share viewer events)', () => {
    const plain = load('plain');
    const headers = {
      FunctionARN: 'arn:aws:cloudfront::123456789012:function/acme-security-headers',
      EventType: 'viewer-response' as const,
    };
    behavior(plain, '/files/*').FunctionAssociations = { Quantity: 1, Items: [headers] };
    expectAttachError(
      () => attach(plain, PLAN),
      'ERR_ATTACH_FOREIGN_FUNCTION',
      /CloudFront Function .*acme-security-headers on viewer-response/,
    );

    const { config } = attach(plain, { ...PLAN, gate: CF_FUNCTION });
    expect(behavior(config, '/files/*').FunctionAssociations).toEqual({
      Quantity: 2,
      Items: [headers, { FunctionARN: CF_FUNCTION.arn, EventType: 'viewer-request' }],
    });
  });

  it('keeps foreign functions on other events (origin-request Lambda@Edge next to a CloudFront Function gate)', () => {
    const plain = load('plain');
    const originRequest = {
      LambdaFunctionARN: 'arn:aws:lambda:us-east-1:123456789012:function:acme-origin-sigv4:3',
      EventType: 'origin-request' as const,
      IncludeBody: false,
    };
    behavior(plain, '/files/*').LambdaFunctionAssociations = { Quantity: 1, Items: [originRequest] };
    const { config } = attach(plain, { ...PLAN, gate: CF_FUNCTION });
    expect(behavior(config, '/files/*').LambdaFunctionAssociations).toEqual({ Quantity: 1, Items: [originRequest] });
  });

  it('switches between the two kinds in both directions, leaving one gate on viewer-request', () => {
    const asLambda = attach(load('plain'), PLAN);
    const asFunction = attach(asLambda.config, { ...PLAN, gate: CF_FUNCTION });
    expect(behavior(asFunction.config, '/files/*').LambdaFunctionAssociations).toEqual({ Quantity: 0 });
    expect(behavior(asFunction.config, '/files/*').FunctionAssociations).toEqual({
      Quantity: 1,
      Items: [{ FunctionARN: CF_FUNCTION.arn, EventType: 'viewer-request' }],
    });
    expect(asFunction.changes).toEqual([
      `/files/*: viewer-request → CloudFront Function ${CF_FUNCTION.arn}`,
      `/files/*: removed Lambda@Edge ${LAMBDA_V7.arn} from viewer-request`,
    ]);
    const back = attach(asFunction.config, PLAN);
    expect(back.config).toEqual(asLambda.config);
  });

  it('replaces an older version of our gate in place', () => {
    const v7 = attach(load('plain'), PLAN).config;
    const { config, changes } = attach(v7, { ...PLAN, gate: LAMBDA_V8 });
    expect(behavior(config, '/files/*').LambdaFunctionAssociations?.Items).toEqual([
      { LambdaFunctionARN: LAMBDA_V8.arn, EventType: 'viewer-request', IncludeBody: false },
    ]);
    expect(changes).toEqual([
      `/files/*: removed Lambda@Edge ${LAMBDA_V7.arn} from viewer-request`,
      `/files/*: viewer-request → Lambda@Edge ${LAMBDA_V8.arn}`,
    ]);
  });

  it('moves a gate found at origin-request to viewer-request', () => {
    const { config, changes } = attach(load('gate-at-origin-request'), {
      ...PLAN,
      gate: { kind: 'lambda-edge', arn: 'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:7' },
    });
    expect(behavior(config, '/files/*').LambdaFunctionAssociations?.Items).toEqual([
      { LambdaFunctionARN: LAMBDA_V7.arn, EventType: 'viewer-request', IncludeBody: false },
    ]);
    expect(changes).toContain(`/files/*: removed Lambda@Edge ${LAMBDA_V7.arn} from origin-request`);
  });

  it('refuses a missing gated behavior by default', () => {
    expectAttachError(
      () => attach(load('plain'), { ...PLAN, pathPatterns: ['/exports/*'] }),
      'ERR_ATTACH_BEHAVIOR_MISSING',
      /no cache behavior with path pattern "\/exports\/\*" \(existing: \/api\/\*, \/files\/\*\).*missingBehavior: 'clone-default'/,
    );
  });

  it("creates a missing behavior from the default one with missingBehavior: 'clone-default', and detach can remove it", () => {
    const plain = load('plain');
    plain.DefaultCacheBehavior = {
      ...plain.DefaultCacheBehavior,
      TargetOriginId: 'tenant-files',
      ViewerProtocolPolicy: 'allow-all',
    };
    const plan: AttachPlan = { ...PLAN, pathPatterns: ['/exports/*'], missingBehavior: 'clone-default' };
    const { config, changes } = attach(plain, plan);
    const created = behavior(config, '/exports/*');
    expect(created).toMatchObject({
      TargetOriginId: 'tenant-files',
      CachePolicyId: plain.DefaultCacheBehavior.CachePolicyId,
      // A new behavior gets ours rather than the SPA's headers policy: nobody's headers are lost.
      ResponseHeadersPolicyId: HEADERS_POLICY,
      // The SPA's functions do not come along, and plain HTTP is not carried over.
      FunctionAssociations: { Quantity: 0 },
      ViewerProtocolPolicy: 'redirect-to-https',
    });
    expect(created.LambdaFunctionAssociations?.Items?.[0]?.LambdaFunctionARN).toBe(LAMBDA_V7.arn);
    expect(changes[0]).toBe("/exports/*: created behavior from the default behavior's settings (origin tenant-files)");
    expect(config.DefaultCacheBehavior?.ResponseHeadersPolicyId).toBe(
      plain.DefaultCacheBehavior.ResponseHeadersPolicyId,
    );
    expect(attach(config, plan).config).toEqual(config);
    expect(attach(config, plan).changes).toEqual([]);
    expect(detach(config, { removeBehaviors: ['/exports/*'] }).config).toEqual(plain);
  });

  it('places new behaviors before the first broader pattern, since the first match wins', () => {
    const plain = load('plain');
    const items = plain.CacheBehaviors?.Items ?? [];
    const catchAll = { ...structuredClone(behavior(plain, '/api/*')), PathPattern: '/*' };
    plain.CacheBehaviors = { Quantity: items.length + 1, Items: [...items, catchAll] };
    const { config } = attach(plain, {
      ...PLAN,
      pathPatterns: ['/files/*', '/exports/*'],
      missingBehavior: 'clone-default',
    });
    expect(patterns(config)).toEqual(['/api/*', '/files/*', '/exports/*', '/auth/*', '/*']);
  });

  it('moves our existing /auth/* behavior above a broader one it was shadowed by', () => {
    const attached = load('attached');
    const items = attached.CacheBehaviors?.Items ?? [];
    const auth = behavior(attached, '/auth/*');
    const reordered = [...items.filter((b) => b !== auth)];
    reordered.splice(0, 0, { ...structuredClone(behavior(attached, '/api/*')), PathPattern: '/a*' });
    reordered.push(auth);
    attached.CacheBehaviors = { Quantity: reordered.length, Items: reordered };
    const { config, changes } = attach(attached, PLAN);
    expect(patterns(config)).toEqual(['/auth/*', '/a*', '/api/*', '/files/*']);
    expect(changes).toEqual(['/auth/*: moved to position 1, before /a*']);
  });

  it('refuses to take over a foreign /auth/* behavior or origin id', () => {
    const plain = load('plain');
    const items = plain.CacheBehaviors?.Items ?? [];
    plain.CacheBehaviors = {
      Quantity: items.length + 1,
      Items: [...items, { ...structuredClone(behavior(plain, '/api/*')), PathPattern: '/auth/*' }],
    };
    expectAttachError(
      () => attach(plain, PLAN),
      'ERR_ATTACH_FOREIGN_AUTH_BEHAVIOR',
      /behavior \/auth\/\* already routes to origin "api"/,
    );
    expectAttachError(
      () => attach(load('plain'), { ...PLAN, auth: { ...AUTH, originId: 'api' } }),
      'ERR_ATTACH_ORIGIN_ID_TAKEN',
      /origin id "api" already names api\.acme-saas\.example/,
    );
  });

  it('requires the trusted key group on gated behaviors only, and detach removes it', () => {
    const { config } = attach(load('plain'), { ...PLAN, trustedKeyGroupId: KEY_GROUP });
    expect(behavior(config, '/files/*').TrustedKeyGroups).toEqual({ Enabled: true, Quantity: 1, Items: [KEY_GROUP] });
    expect(behavior(config, '/auth/*').TrustedKeyGroups).toEqual({ Enabled: false, Quantity: 0 });
    expect(behavior(detach(config, { trustedKeyGroupId: KEY_GROUP }).config, '/files/*').TrustedKeyGroups).toEqual({
      Enabled: false,
      Quantity: 0,
    });
  });

  describe('response headers policy (keeps gated files private in browsers)', () => {
    const withPolicy = (config: DistributionConfig, pattern: string, id: string): DistributionConfig => {
      behavior(config, pattern).ResponseHeadersPolicyId = id;
      return config;
    };

    it('is set on the gated behaviors only, and attaching again changes nothing', () => {
      const plain = load('plain');
      const once = attach(plain, PLAN);
      expect(behavior(once.config, '/files/*').ResponseHeadersPolicyId).toBe(HEADERS_POLICY);
      expect(behavior(once.config, '/auth/*')).not.toHaveProperty('ResponseHeadersPolicyId');
      expect(behavior(once.config, '/api/*')).toEqual(behavior(plain, '/api/*'));
      expect(once.config.DefaultCacheBehavior).toEqual(plain.DefaultCacheBehavior);
      expect(once.changes).toContain(
        `/files/*: response headers policy ${HEADERS_POLICY} (Cache-Control: private, no-cache)`,
      );
      const twice = attach(once.config, PLAN);
      expect(twice.config).toEqual(once.config);
      expect(twice.changes).toEqual([]);
    });

    it('is left off without responseHeadersPolicyId', () => {
      const { config, changes } = attach(load('plain'), { ...PLAN, responseHeadersPolicyId: undefined });
      expect(behavior(config, '/files/*')).not.toHaveProperty('ResponseHeadersPolicyId');
      expect(changes.some((c) => c.includes('response headers policy'))).toBe(false);
    });

    it("keeps a behavior's own policy and says so (every time), and replaces it with force", () => {
      const foreign = withPolicy(load('plain'), '/files/*', FOREIGN_HEADERS_POLICY);
      const kept = attach(foreign, PLAN);
      expect(behavior(kept.config, '/files/*').ResponseHeadersPolicyId).toBe(FOREIGN_HEADERS_POLICY);
      const note = `/files/*: kept its own response headers policy ${FOREIGN_HEADERS_POLICY}: add Cache-Control: private, no-cache to it (Override: true), or pass force to replace it with ${HEADERS_POLICY}`;
      expect(kept.changes).toContain(note);
      // Nothing changes on a second run, but the note stays: it is still true.
      const again = attach(kept.config, PLAN);
      expect(again.config).toEqual(kept.config);
      expect(again.changes).toEqual([note]);

      const forced = attach(foreign, { ...PLAN, force: true });
      expect(behavior(forced.config, '/files/*').ResponseHeadersPolicyId).toBe(HEADERS_POLICY);
      expect(forced.changes).toContain(
        `/files/*: replaced response headers policy ${FOREIGN_HEADERS_POLICY} with ${HEADERS_POLICY} (Cache-Control: private, no-cache)`,
      );
      expect(attach(forced.config, PLAN).changes).toEqual([]);
    });

    it("keeps the default behavior's own policy when the default behavior is gated", () => {
      const plain = load('plain');
      const spaPolicy = plain.DefaultCacheBehavior?.ResponseHeadersPolicyId ?? '';
      expect(spaPolicy).not.toBe('');
      const { config, changes } = attach(plain, { ...PLAN, gate: CF_FUNCTION, pathPatterns: ['*', '/files/*'] });
      expect(config.DefaultCacheBehavior?.ResponseHeadersPolicyId).toBe(spaPolicy);
      expect(behavior(config, '/files/*').ResponseHeadersPolicyId).toBe(HEADERS_POLICY);
      expect(changes).toContain(
        `default behavior: kept its own response headers policy ${spaPolicy}: add Cache-Control: private, no-cache to it (Override: true), or pass force to replace it with ${HEADERS_POLICY}`,
      );
    });

    it('detach removes ours only, from wherever it is, and only when told which it is', () => {
      const attached = withPolicy(load('attached'), '/api/*', FOREIGN_HEADERS_POLICY);
      const spaPolicy = attached.DefaultCacheBehavior?.ResponseHeadersPolicyId;
      expect(behavior(detach(attached).config, '/files/*').ResponseHeadersPolicyId).toBe(HEADERS_POLICY);

      const { config, changes } = detach(attached, { responseHeadersPolicyId: HEADERS_POLICY });
      expect(behavior(config, '/files/*')).not.toHaveProperty('ResponseHeadersPolicyId');
      expect(behavior(config, '/api/*').ResponseHeadersPolicyId).toBe(FOREIGN_HEADERS_POLICY);
      expect(config.DefaultCacheBehavior?.ResponseHeadersPolicyId).toBe(spaPolicy);
      expect(changes).toContain(`/files/*: response headers policy ${HEADERS_POLICY} removed`);
      expect(config).toEqual(withPolicy(load('plain'), '/api/*', FOREIGN_HEADERS_POLICY));
      expect(detach(config, { responseHeadersPolicyId: HEADERS_POLICY }).changes).toEqual([]);
      expectAttachError(
        () => detach(attached, { responseHeadersPolicyId: '' }),
        'ERR_ATTACH_PLAN_INVALID',
        /responseHeadersPolicyId must not be empty/,
      );
    });
  });

  it('detach leaves foreign functions and an auth origin still used elsewhere', () => {
    const attached = load('attached');
    const items = attached.CacheBehaviors?.Items ?? [];
    const shared = { ...structuredClone(behavior(attached, '/auth/*')), PathPattern: '/oauth2/*' };
    attached.CacheBehaviors = { Quantity: items.length + 1, Items: [...items, shared] };
    const { config } = detach(attached);
    expect(patterns(config)).toEqual(['/api/*', '/files/*', '/oauth2/*']);
    expect(config.Origins?.Items?.some((o) => o.Id === 'tenant-gate-auth')).toBe(true);
    expect(behavior(config, '/api/*').LambdaFunctionAssociations).toEqual(
      behavior(load('plain'), '/api/*').LambdaFunctionAssociations,
    );
    expect(config.DefaultCacheBehavior?.FunctionAssociations?.Quantity).toBe(1);
  });

  it.each<[string, AttachPlan, RegExp]>([
    [
      '$LATEST',
      {
        ...PLAN,
        gate: {
          kind: 'lambda-edge',
          arn: 'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:$LATEST',
        },
      },
      /plan\.gate\.arn must be a numbered version ARN/,
    ],
    [
      'an alias',
      {
        ...PLAN,
        gate: {
          kind: 'lambda-edge',
          arn: 'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:live',
        },
      },
      /plan\.gate\.arn must be a numbered version ARN/,
    ],
    [
      'another region',
      {
        ...PLAN,
        gate: {
          kind: 'lambda-edge',
          arn: 'arn:aws:lambda:eu-west-1:123456789012:function:tenant-gate-viewer-request:7',
        },
      },
      /us-east-1/,
    ],
    [
      'a Lambda ARN as CloudFront Function',
      { ...PLAN, gate: { kind: 'cloudfront-function', arn: LAMBDA_V7.arn } },
      /plan\.gate\.arn must be a CloudFront Function ARN/,
    ],
    [
      'a name without the marker',
      { ...PLAN, gate: { kind: 'cloudfront-function', arn: 'arn:aws:cloudfront::123456789012:function/files-auth' } },
      /must contain the marker "tenant-gate"/,
    ],
    ['no patterns', { ...PLAN, pathPatterns: [] }, /plan\.pathPatterns must name at least one/],
    [
      'a relative pattern',
      { ...PLAN, pathPatterns: ['files/*'] },
      /plan\.pathPatterns: "files\/\*" must start with "\/"/,
    ],
    ['the auth pattern gated', { ...PLAN, pathPatterns: ['/files/*', '/auth/*'] }, /login requests carry no token/],
    [
      'a login route the login does not serve',
      { ...PLAN, auth: { ...AUTH, pathPattern: '/login/*' } },
      /plan\.auth\.pathPattern must be "\/auth\/\*", the login's routes/,
    ],
    [
      'a non function URL auth origin',
      { ...PLAN, auth: { ...AUTH, originDomainName: 'auth.example.com' } },
      /plan\.auth\.originDomainName must be a Lambda function URL host/,
    ],
    [
      'an empty response headers policy id',
      { ...PLAN, responseHeadersPolicyId: '' },
      /plan\.responseHeadersPolicyId must not be empty/,
    ],
  ])('refuses a plan with %s', (_name, plan, message) => {
    expectAttachError(() => attach(load('plain'), plan), 'ERR_ATTACH_PLAN_INVALID', message);
  });

  it('refuses something that is not a DistributionConfig', () => {
    const whole = { ETag: 'E2QWRUHEXAMPLE', DistributionConfig: load('plain') } as unknown as DistributionConfig;
    expectAttachError(() => attach(whole, PLAN), 'ERR_ATTACH_CONFIG_INVALID', /pass \.DistributionConfig/);
  });
});

describe('helpers', () => {
  it.each([
    ['arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:7', 'tenant-gate-viewer-request'],
    ['arn:aws:cloudfront::123456789012:function/tenant-gate-viewer', 'tenant-gate-viewer'],
  ])('functionNameOf(%s) = %s', (arn, name) => {
    expect(functionNameOf(arn)).toBe(name);
  });

  it.each<[string, string, boolean]>([
    ['/*', '/auth/*', true],
    ['*', '/auth/*', true],
    ['*.js', '/auth/*', true],
    ['/a*', '/auth/*', true],
    ['/auth/admin/*', '/auth/*', true],
    ['/api/*', '/auth/*', false],
    ['/files/*', '/auth/*', false],
    ['/Auth/*', '/auth/*', false],
    ['/fil?s/*', '/files/*', true],
    ['*.pdf', '/files/*', true],
    ['/files/*.pdf', '/exports/*', false],
  ])('patternsOverlap(%s, %s) = %s', (a, b, expected) => {
    expect(patternsOverlap(a, b)).toBe(expected);
    expect(patternsOverlap(b, a)).toBe(expected);
  });
});

describe('declarative attach: converges what the stack owns', () => {
  /** Another deploy's policy of the stack (the resource was replaced, so its id changed). */
  const NEW_HEADERS_POLICY = '0b7e6a51-93c2-4d8f-a1e0-6c5b4a3f2e19';
  const NEW_KEY_GROUP = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
  const FOREIGN_KEY_GROUP = 'aa11bb22-cc33-4d44-8e55-ff6677889900';
  const attachedWithKeys = (): DistributionConfig =>
    attach(load('plain'), { ...PLAN, trustedKeyGroupId: KEY_GROUP }).config;
  const owns = (o: Partial<Ownership>): Partial<Ownership> => o;

  describe('signed cookies turned off', () => {
    it('removes the key group the stack owned from the gated behaviors, so they stop requiring signatures', () => {
      const { config, changes, owned } = attach(attachedWithKeys(), {
        ...PLAN,
        owned: owns({ trustedKeyGroupIds: [KEY_GROUP] }),
      });
      expect(behavior(config, '/files/*').TrustedKeyGroups).toEqual({ Enabled: false, Quantity: 0 });
      expect(changes).toEqual([`/files/*: trusted key group ${KEY_GROUP} removed (no longer required by the stack)`]);
      expect(config).toEqual(load('attached'));
      expect(owned.trustedKeyGroupIds).toEqual([]);
      expectQuantitiesConsistent(config);
    });

    it("keeps a key group that is not the stack's, still required", () => {
      const start = attachedWithKeys();
      behavior(start, '/files/*').TrustedKeyGroups = {
        Enabled: true,
        Quantity: 2,
        Items: [FOREIGN_KEY_GROUP, KEY_GROUP],
      };
      const { config } = attach(start, { ...PLAN, owned: owns({ trustedKeyGroupIds: [KEY_GROUP] }) });
      expect(behavior(config, '/files/*').TrustedKeyGroups).toEqual({
        Enabled: true,
        Quantity: 1,
        Items: [FOREIGN_KEY_GROUP],
      });
    });

    it('replaces the key group when the stack has a new one (the old id passed as owned)', () => {
      const { config, changes } = attach(attachedWithKeys(), {
        ...PLAN,
        trustedKeyGroupId: NEW_KEY_GROUP,
        owned: owns({ trustedKeyGroupIds: [KEY_GROUP] }),
      });
      expect(behavior(config, '/files/*').TrustedKeyGroups).toEqual({
        Enabled: true,
        Quantity: 1,
        Items: [NEW_KEY_GROUP],
      });
      expect(changes).toEqual([
        `/files/*: trusted key group ${KEY_GROUP} removed (no longer required by the stack)`,
        `/files/*: trusted key group ${NEW_KEY_GROUP} required`,
      ]);
    });
  });

  describe('pathPrefix changed', () => {
    it("takes the gate, the stack's key group and policy off the user's old behavior, which keeps existing", () => {
      const start = attachedWithKeys();
      const plan: AttachPlan = {
        ...PLAN,
        pathPatterns: ['/docs/*'],
        missingBehavior: 'clone-default',
        owned: owns({ trustedKeyGroupIds: [KEY_GROUP] }),
      };
      const { config, changes, owned } = attach(start, plan);
      expect(behavior(config, '/files/*')).toEqual(behavior(load('plain'), '/files/*'));
      expect(behavior(config, '/docs/*').LambdaFunctionAssociations?.Items?.[0]?.LambdaFunctionARN).toBe(LAMBDA_V7.arn);
      expect(changes).toEqual([
        "/docs/*: created behavior from the default behavior's settings (origin spa-bucket)",
        `/docs/*: viewer-request → Lambda@Edge ${LAMBDA_V7.arn}`,
        `/docs/*: response headers policy ${HEADERS_POLICY} (Cache-Control: private, no-cache)`,
        `/files/*: removed Lambda@Edge ${LAMBDA_V7.arn} from viewer-request`,
        `/files/*: trusted key group ${KEY_GROUP} removed (no longer gated)`,
        `/files/*: response headers policy ${HEADERS_POLICY} removed`,
      ]);
      expect(owned).toEqual({
        trustedKeyGroupIds: [],
        responseHeadersPolicyIds: [HEADERS_POLICY],
        originAccessControlIds: [],
        createdBehaviors: ['/docs/*'],
      });
    });

    it('removes a behavior the stack created itself once its pattern is no longer gated', () => {
      const docs = attach(load('attached'), { ...PLAN, pathPatterns: ['/docs/*'], missingBehavior: 'clone-default' });
      const { config, changes, owned } = attach(docs.config, {
        ...PLAN,
        pathPatterns: ['/files/*'],
        owned: docs.owned,
      });
      expect(config).toEqual(load('attached'));
      expect(changes).toEqual([
        `/files/*: viewer-request → Lambda@Edge ${LAMBDA_V7.arn}`,
        `/files/*: response headers policy ${HEADERS_POLICY} (Cache-Control: private, no-cache)`,
        '/docs/*: removed behavior (created by attach, no longer gated)',
      ]);
      expect(owned.createdBehaviors).toEqual([]);
    });

    it("without the list of created behaviors, treats the old behavior as the user's (keeps it, ungated)", () => {
      const docs = attach(load('attached'), { ...PLAN, pathPatterns: ['/docs/*'], missingBehavior: 'clone-default' });
      const { config } = attach(docs.config, PLAN);
      expect(patterns(config)).toContain('/docs/*');
      expect(behavior(config, '/docs/*').LambdaFunctionAssociations).toEqual({ Quantity: 0 });
    });

    it('leaves a behavior without our gate alone, even when it uses a policy id the stack owns', () => {
      const start = load('attached');
      behavior(start, '/api/*').ResponseHeadersPolicyId = HEADERS_POLICY;
      const { config } = attach(start, { ...PLAN, owned: owns({ responseHeadersPolicyIds: [HEADERS_POLICY] }) });
      expect(behavior(config, '/api/*').ResponseHeadersPolicyId).toBe(HEADERS_POLICY);
    });
  });

  describe('response headers policy replaced', () => {
    it("replaces the stack's previous policy with the new one, without force", () => {
      const { config, changes, owned } = attach(load('attached'), {
        ...PLAN,
        responseHeadersPolicyId: NEW_HEADERS_POLICY,
        owned: owns({ responseHeadersPolicyIds: [HEADERS_POLICY] }),
      });
      expect(behavior(config, '/files/*').ResponseHeadersPolicyId).toBe(NEW_HEADERS_POLICY);
      expect(changes).toEqual([
        `/files/*: replaced the stack's previous response headers policy ${HEADERS_POLICY} with ${NEW_HEADERS_POLICY} (Cache-Control: private, no-cache)`,
      ]);
      expect(owned.responseHeadersPolicyIds).toEqual([NEW_HEADERS_POLICY]);
    });

    it("keeps a user's own policy unless force, even while replacing the stack's elsewhere", () => {
      const start = load('attached');
      const plan: AttachPlan = {
        ...PLAN,
        pathPatterns: ['/files/*', '/api/*'],
        responseHeadersPolicyId: NEW_HEADERS_POLICY,
        owned: owns({ responseHeadersPolicyIds: [HEADERS_POLICY] }),
      };
      behavior(start, '/api/*').LambdaFunctionAssociations = { Quantity: 0 };
      behavior(start, '/api/*').ResponseHeadersPolicyId = FOREIGN_HEADERS_POLICY;
      const kept = attach(start, plan);
      expect(behavior(kept.config, '/api/*').ResponseHeadersPolicyId).toBe(FOREIGN_HEADERS_POLICY);
      expect(behavior(kept.config, '/files/*').ResponseHeadersPolicyId).toBe(NEW_HEADERS_POLICY);
      const forced = attach(start, { ...plan, force: true });
      expect(behavior(forced.config, '/api/*').ResponseHeadersPolicyId).toBe(NEW_HEADERS_POLICY);
    });

    it("removes the stack's policy when the plan has none any more", () => {
      const { config, changes } = attach(load('attached'), {
        ...PLAN,
        responseHeadersPolicyId: undefined,
        owned: owns({ responseHeadersPolicyIds: [HEADERS_POLICY] }),
      });
      expect(behavior(config, '/files/*')).not.toHaveProperty('ResponseHeadersPolicyId');
      expect(changes).toEqual([`/files/*: response headers policy ${HEADERS_POLICY} removed`]);
    });
  });

  describe('gate kind switched', () => {
    it('removes the Lambda@Edge gate from the old behavior while the CloudFront Function goes on the new one', () => {
      const { config } = attach(load('attached'), {
        ...PLAN,
        gate: CF_FUNCTION,
        pathPatterns: ['/docs/*'],
        missingBehavior: 'clone-default',
      });
      expect(behavior(config, '/files/*').LambdaFunctionAssociations).toEqual({ Quantity: 0 });
      expect(behavior(config, '/docs/*').FunctionAssociations?.Items).toEqual([
        { FunctionARN: CF_FUNCTION.arn, EventType: 'viewer-request' },
      ]);
      expect(behavior(config, '/docs/*').LambdaFunctionAssociations).toEqual({ Quantity: 0 });
    });

    it('takes our gate off the /auth/* behavior (login requests carry no token)', () => {
      const start = load('attached');
      behavior(start, '/auth/*').FunctionAssociations = {
        Quantity: 1,
        Items: [{ FunctionARN: CF_FUNCTION.arn, EventType: 'viewer-request' }],
      };
      const { config, changes } = attach(start, PLAN);
      expect(config).toEqual(load('attached'));
      expect(changes).toEqual([`/auth/*: removed CloudFront Function ${CF_FUNCTION.arn} from viewer-request`]);
    });
  });

  describe('origin access control of the auth origin', () => {
    const authOrigin = (config: DistributionConfig) => config.Origins?.Items?.find((o) => o.Id === AUTH.originId);
    const withOac = (oac: string): AttachPlan => ({ ...PLAN, auth: { ...AUTH, originAccessControlId: oac } });

    it('is set on a new origin, replaced when the stack has a new one, cleared when the stack owned it', () => {
      const first = attach(load('plain'), withOac('E3OACOLD'));
      expect(authOrigin(first.config)?.OriginAccessControlId).toBe('E3OACOLD');
      expect(first.changes).toContain('origins: tenant-gate-auth signed with origin access control E3OACOLD');
      const second = attach(first.config, { ...withOac('E3OACNEW'), owned: first.owned });
      expect(authOrigin(second.config)?.OriginAccessControlId).toBe('E3OACNEW');
      expect(second.changes).toEqual([
        'origins: tenant-gate-auth signed with origin access control E3OACNEW (was E3OACOLD)',
      ]);
      const cleared = attach(second.config, { ...PLAN, owned: second.owned });
      expect(cleared.config).toEqual(load('attached'));
      expect(cleared.changes).toEqual([
        "origins: tenant-gate-auth origin access control E3OACNEW removed (no longer the stack's)",
      ]);
    });

    it('keeps one the operator set when the plan names none', () => {
      const start = load('attached');
      const origin = authOrigin(start);
      if (origin === undefined) throw new Error('attached.json has no auth origin');
      origin.OriginAccessControlId = 'E3OPERATOR';
      expect(attach(start, PLAN).changes).toEqual([]);
    });
  });

  describe("origin request policy of the auth behavior (the stack's forwards CloudFront-Viewer-Address)", () => {
    const LOGIN_POLICY = 'd7a1f0c3-5e2b-4a9d-8c6f-1b3e5a7c9d02';
    const withPolicy = (id: string): AttachPlan => ({ ...PLAN, auth: { ...AUTH, originRequestPolicyId: id } });
    const policyOf = (config: DistributionConfig) => behavior(config, '/auth/*').OriginRequestPolicyId;

    it.each<[string, DistributionConfig]>([
      ['a new /auth/* behavior', load('plain')],
      ['an existing /auth/* behavior (managed policy until now)', load('attached')],
    ])("puts the plan's policy on %s", (_, start) => {
      const { config, changes } = attach(start, withPolicy(LOGIN_POLICY));
      expect(policyOf(config)).toBe(LOGIN_POLICY);
      expect(changes.some((c) => c.startsWith('/auth/*: '))).toBe(true);
      expectQuantitiesConsistent(config);
    });

    it('converges: a replaced policy is replaced, none in the plan restores the managed AllViewerExceptHostHeader', () => {
      const first = attach(load('plain'), withPolicy(LOGIN_POLICY)).config;
      expect(attach(first, withPolicy(LOGIN_POLICY)).changes).toEqual([]);
      const replaced = attach(first, withPolicy('e1b2c3d4-0000-4000-8000-000000000001')).config;
      expect(policyOf(replaced)).toBe('e1b2c3d4-0000-4000-8000-000000000001');
      const restored = attach(replaced, PLAN);
      expect(restored.config).toEqual(load('attached'));
      expect(restored.changes).toEqual([
        '/auth/*: updated behavior → origin tenant-gate-auth (caching disabled, all methods)',
      ]);
    });

    it('goes with the behavior on detach', () => {
      const attached = attach(load('plain'), withPolicy(LOGIN_POLICY)).config;
      expect(detach(attached, { responseHeadersPolicyId: HEADERS_POLICY }).config).toEqual(load('plain'));
    });

    it('refuses an empty id', () => {
      expectAttachError(
        () => attach(load('plain'), withPolicy('')),
        'ERR_ATTACH_PLAN_INVALID',
        /plan\.auth\.originRequestPolicyId must not be empty/,
      );
    });
  });

  it.each<[string, Partial<Ownership>, RegExp]>([
    ['an empty id', { trustedKeyGroupIds: [''] }, /plan\.owned\.trustedKeyGroupIds must hold non-empty strings/],
    [
      'not a list',
      { createdBehaviors: '/files/*' as unknown as string[] },
      /plan\.owned\.createdBehaviors must be a list/,
    ],
  ])('refuses owned with %s', (_name, owned, message) => {
    expectAttachError(() => attach(load('plain'), { ...PLAN, owned }), 'ERR_ATTACH_PLAN_INVALID', message);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties over generated distributions and plans
// ---------------------------------------------------------------------------------------------------------------

const POOL = ['/api/*', '/files/*', '/exports/*', '/media/*', '*.js', '/docs/*'] as const;
const FOREIGN_LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:acme-origin-sigv4:3';
const FOREIGN_FUNCTION = 'arn:aws:cloudfront::123456789012:function/acme-security-headers';

const rarely = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight: 1 });

/** A behavior of someone else: maybe a foreign function (any event), key group and response headers policy. */
const foreignBehavior = (pattern: string) =>
  fc
    .record({
      // Mostly none: a foreign function on the gate's viewer events makes attach refuse, which says nothing here.
      lambda: rarely(fc.constantFrom('viewer-request', 'origin-request', 'origin-response')),
      fn: rarely(fc.constantFrom('viewer-request', 'viewer-response')),
      keyGroup: fc.boolean(),
      policy: fc.boolean(),
    })
    .map(({ lambda, fn, keyGroup, policy }): CacheBehavior => {
      const b = structuredClone(behavior(load('plain'), '/api/*'));
      b.PathPattern = pattern;
      b.LambdaFunctionAssociations =
        lambda === undefined
          ? { Quantity: 0 }
          : { Quantity: 1, Items: [{ LambdaFunctionARN: FOREIGN_LAMBDA, EventType: lambda, IncludeBody: false }] };
      b.FunctionAssociations =
        fn === undefined ? { Quantity: 0 } : { Quantity: 1, Items: [{ FunctionARN: FOREIGN_FUNCTION, EventType: fn }] };
      b.TrustedKeyGroups = keyGroup
        ? { Enabled: true, Quantity: 1, Items: ['f0f0f0f0-foreign-key-group'] }
        : { Enabled: false, Quantity: 0 };
      if (policy) b.ResponseHeadersPolicyId = FOREIGN_HEADERS_POLICY;
      else delete b.ResponseHeadersPolicyId;
      return b;
    });

const distributionArb = fc
  .uniqueArray(fc.constantFrom(...POOL), { maxLength: POOL.length })
  .chain((chosen) => fc.tuple(...chosen.map(foreignBehavior)))
  .map((behaviors): DistributionConfig => {
    const config = load('plain');
    config.CacheBehaviors = behaviors.length === 0 ? { Quantity: 0 } : { Quantity: behaviors.length, Items: behaviors };
    return config;
  });

const planArb = fc.record({
  pathPatterns: fc.uniqueArray(fc.constantFrom('*', ...POOL), { minLength: 1, maxLength: 3 }),
  gate: fc.constantFrom(LAMBDA_V7, LAMBDA_V8, CF_FUNCTION),
  auth: fc.option(fc.constantFrom<AttachPlan['auth']>(AUTH, { ...AUTH, originAccessControlId: 'E3OACEXAMPLE1' }), {
    nil: undefined,
  }),
  trustedKeyGroupId: fc.option(fc.constantFrom(KEY_GROUP, '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'), { nil: undefined }),
  responseHeadersPolicyId: fc.option(fc.constantFrom(HEADERS_POLICY, '0b7e6a51-93c2-4d8f-a1e0-6c5b4a3f2e19'), {
    nil: undefined,
  }),
  missingBehavior: fc.constantFrom<'refuse' | 'clone-default'>('refuse', 'clone-default', 'clone-default'),
});

/** attach, or undefined when it refuses (a foreign function in the way, a missing behavior): refusals are tested above. */
function tryAttach(config: DistributionConfig, plan: AttachPlan): ReturnType<typeof attach> | undefined {
  try {
    return attach(config, plan);
  } catch (error) {
    if (error instanceof AttachError) return undefined;
    throw error;
  }
}

describe('properties (fast-check over generated distributions and plans)', () => {
  it('detach(attach(x)) == x, attach is idempotent and never mutates its input', () => {
    fc.assert(
      fc.property(distributionArb, planArb, (x, plan) => {
        const frozen = deepFreeze(structuredClone(x));
        const once = tryAttach(frozen, plan);
        if (once === undefined) return;
        const twice = attach(once.config, { ...plan, owned: once.owned });
        expect(twice.config).toEqual(once.config);
        expect(twice.changes.filter((c) => !c.includes('kept its own response headers policy'))).toEqual([]);
        expect(detach(once.config, { owned: once.owned }).config).toEqual(x);
        expectQuantitiesConsistent(once.config);
      }),
      { numRuns: 300, seed: 20261128 },
    );
  });

  it('a second plan converges from the first: detach after both restores x', () => {
    fc.assert(
      fc.property(distributionArb, planArb, planArb, (x, first, second) => {
        const a = tryAttach(x, first);
        if (a === undefined) return;
        const b = tryAttach(a.config, { ...second, owned: a.owned });
        if (b === undefined) return;
        // Nothing of the first plan's that the second does not want is left behind.
        for (const item of b.config.CacheBehaviors?.Items ?? []) {
          const ours = [...(item.LambdaFunctionAssociations?.Items ?? []), ...(item.FunctionAssociations?.Items ?? [])];
          const gated = (second.pathPatterns as readonly string[]).includes(item.PathPattern ?? '');
          if (!gated) expect(JSON.stringify(ours)).not.toContain('tenant-gate');
          for (const id of first.trustedKeyGroupId === undefined ? [] : [first.trustedKeyGroupId])
            if (id !== second.trustedKeyGroupId) expect(item.TrustedKeyGroups?.Items ?? []).not.toContain(id);
        }
        expect(detach(b.config, { owned: b.owned }).config).toEqual(x);
      }),
      { numRuns: 300, seed: 20261128 },
    );
  });
});
