/**
 * attach/detach and the folder-grants behavior (deploy/attach.ts `plan.grants`): created from the gated behavior,
 * gated, without any CloudFront signature requirement, converged on every attach, removed when grants go.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheBehavior, DistributionConfig } from '@aws-sdk/client-cloudfront';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attach, detach, type AttachPlan, type GateRef } from '../../deploy/attach';
import { diagnose } from '../../deploy/doctor';
import { runCli } from '../helpers/cli';
import { ROOT } from '../helpers/keys';
import { DISTRIBUTION_FIXTURES, loadDistributionConfig } from '../helpers/distribution-config';

const load = loadDistributionConfig;

const LAMBDA: GateRef = {
  kind: 'lambda-edge',
  arn: 'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:7',
};
const CF_FUNCTION: GateRef = {
  kind: 'cloudfront-function',
  arn: 'arn:aws:cloudfront::123456789012:function/tenant-gate-viewer',
};
const KEY_GROUP = '9f2c1e7a-4b3d-4e8f-a6c5-2d1b0e9f8a7c';
const HEADERS_POLICY = 'c4e1d8a2-7b3f-4f6e-9a05-3d2b1c0e8f74';
const GRANTS = { pathPattern: '/grants/*', from: '/files/*' } as const;
const PLAN: AttachPlan = {
  pathPatterns: ['/files/*'],
  gate: LAMBDA,
  auth: {
    pathPattern: '/auth/*',
    originDomainName: 'k3x7vq2mzl5ubd4hwe6rtyjaoi0pnsfc.lambda-url.us-east-1.on.aws',
    originId: 'tenant-gate-auth',
  },
  trustedKeyGroupId: KEY_GROUP,
  responseHeadersPolicyId: HEADERS_POLICY,
  grants: GRANTS,
};

const find = (config: DistributionConfig, pattern: string): CacheBehavior | undefined =>
  config.CacheBehaviors?.Items?.find((b) => b.PathPattern === pattern);

describe('attach with grants', () => {
  it('creates /grants/* from /files/*: same origin and cache policy, the gate, no key group, the private policy', () => {
    const { config, changes, owned } = attach(load('plain'), PLAN);
    const files = find(config, '/files/*')!;
    const grants = find(config, '/grants/*')!;
    expect(grants.TargetOriginId).toBe(files.TargetOriginId);
    expect(grants.CachePolicyId).toBe(files.CachePolicyId);
    expect(grants.LambdaFunctionAssociations).toEqual(files.LambdaFunctionAssociations);
    expect(files.TrustedKeyGroups).toEqual({ Enabled: true, Quantity: 1, Items: [KEY_GROUP] });
    expect(grants.TrustedKeyGroups).toEqual({ Enabled: false, Quantity: 0 });
    expect(grants.TrustedSigners).toEqual({ Enabled: false, Quantity: 0 });
    expect(grants.ResponseHeadersPolicyId).toBe(HEADERS_POLICY);
    expect(changes).toContain('/grants/*: created the grants behavior from /files/* (origin tenant-files)');
    expect(owned.createdBehaviors).toContain('/grants/*');
    expect(config.CacheBehaviors!.Quantity).toBe(config.CacheBehaviors!.Items!.length);
  });

  it('the doctor finds no error on the result, for either gate kind', () => {
    for (const gate of [LAMBDA, CF_FUNCTION]) {
      const { config } = attach(load('plain'), { ...PLAN, gate });
      const findings = diagnose(config, {
        gatedPathPatterns: ['/files/*'],
        grantsPathPattern: '/grants/*',
        tokenLifetimeSeconds: 3600,
        ipBinding: false,
      });
      expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    }
  });

  it('is idempotent, and converges a grants behavior someone gave a key group or trusted signers', () => {
    const once = attach(load('plain'), PLAN);
    const twice = attach(once.config, { ...PLAN, owned: once.owned });
    expect(twice.config).toEqual(once.config);
    expect(twice.changes).toEqual([]);

    const tampered = structuredClone(once.config);
    find(tampered, '/grants/*')!.TrustedKeyGroups = { Enabled: true, Quantity: 1, Items: [KEY_GROUP] };
    find(tampered, '/grants/*')!.TrustedSigners = { Enabled: true, Quantity: 1, Items: ['self'] };
    const fixed = attach(tampered, { ...PLAN, owned: once.owned });
    expect(find(fixed.config, '/grants/*')!.TrustedKeyGroups).toEqual({ Enabled: false, Quantity: 0 });
    expect(find(fixed.config, '/grants/*')!.TrustedSigners).toEqual({ Enabled: false, Quantity: 0 });
    expect(fixed.changes).toEqual([
      `/grants/*: trusted key group ${KEY_GROUP} removed (no longer required by the stack)`,
      '/grants/*: trusted signers removed (a grant viewer has no CloudFront signature)',
    ]);
  });

  it('switches the gate kind on the grants behavior too', () => {
    const once = attach(load('plain'), PLAN);
    const switched = attach(once.config, { ...PLAN, gate: CF_FUNCTION, owned: once.owned });
    expect(find(switched.config, '/grants/*')!.LambdaFunctionAssociations).toEqual({ Quantity: 0 });
    expect(find(switched.config, '/grants/*')!.FunctionAssociations?.Items?.[0]?.FunctionARN).toBe(CF_FUNCTION.arn);
  });

  it('grants turned off: the next attach removes the behavior it created', () => {
    const once = attach(load('plain'), PLAN);
    const off = attach(once.config, { ...PLAN, grants: undefined, owned: once.owned });
    expect(find(off.config, '/grants/*')).toBeUndefined();
    expect(off.changes).toContain('/grants/*: removed behavior (created by attach, no longer gated)');
  });

  it('detach removes it with the rest of what attach made', () => {
    const once = attach(load('plain'), PLAN);
    const { config } = detach(once.config, { owned: once.owned, trustedKeyGroupId: KEY_GROUP });
    expect(find(config, '/grants/*')).toBeUndefined();
    expect(find(config, '/files/*')!.LambdaFunctionAssociations).toEqual({ Quantity: 0 });
  });

  it.each([
    ['a pattern without /*', { pathPattern: '/grants', from: '/files/*' }],
    ['a gated pattern', { pathPattern: '/files/*', from: '/files/*' }],
    ['the auth pattern', { pathPattern: '/auth/*', from: '/files/*' }],
    ['a source that is not gated', { pathPattern: '/grants/*', from: '/other/*' }],
  ])('refuses a plan with %s', (_name, grants) => {
    expect(() => attach(load('plain'), { ...PLAN, grants })).toThrow(/plan\.grants/);
  });

  it('property: the grants behavior never trusts a key group, whatever the plan and the previous attach', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.constantFrom(LAMBDA, CF_FUNCTION), (keyGroup, twice, gate) => {
        const plan = { ...PLAN, gate, trustedKeyGroupId: keyGroup ? KEY_GROUP : undefined };
        let edit = attach(load('plain'), plan);
        if (twice) edit = attach(edit.config, { ...plan, owned: edit.owned });
        const grants = find(edit.config, '/grants/*')!;
        expect(grants.TrustedKeyGroups?.Enabled).toBe(false);
        expect(attach(edit.config, { ...plan, owned: edit.owned }).changes).toEqual([]);
      }),
    );
  });
});

describe('tenant-gate attach with grants', () => {
  it('creates /grants/* from --grants-path-pattern, and from a configuration with grants', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenant-gate-attach-grants-'));
    const raw = JSON.parse(readFileSync(join(ROOT, 'gatekeeper.config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'grants.json'), JSON.stringify({ ...raw, $schema: undefined, grants: {} }));
    const base = [
      'attach',
      '--distribution-config',
      join(DISTRIBUTION_FIXTURES, 'plain.json'),
      '--gate',
      'lambda-edge',
    ];
    const arn = ['--arn', LAMBDA.arn];
    for (const [out, extra] of [
      ['flag.json', ['--path-pattern', '/files/*', '--grants-path-pattern', '/grants/*']],
      ['config.json', ['--config', join(dir, 'grants.json')]],
    ] as const) {
      const { code, out: printed } = await runCli([...base, ...arn, ...extra, '--out', join(dir, out)], ROOT);
      expect(code).toBe(0);
      expect(printed).toContain('/grants/*: created the grants behavior from /files/*');
      const written = JSON.parse(readFileSync(join(dir, out), 'utf8')) as DistributionConfig;
      expect(find(written, '/grants/*')?.LambdaFunctionAssociations?.Items?.[0]?.LambdaFunctionARN).toBe(LAMBDA.arn);
    }
  });
});
