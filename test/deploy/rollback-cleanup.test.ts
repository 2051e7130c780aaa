/**
 * `tenant-gate rollback` and `tenant-gate cleanup` against the stateful fake: each outcome and each refusal, and the
 * plugin's runtime warning and publish refusal.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attachedGates, replaceLambdaVersions } from '../../deploy/rollback';
import * as lambdaRuntimes from '../../deploy/lambda-runtimes';
import * as publishFunction from '../../deploy/publish-function';
import { FakeAws, type Template } from '../fakes/aws';
import { runCli } from '../helpers/cli';

const ROOT = join(import.meta.dirname, '..', '..');
const ID = 'E1A2B3C4D5E6F7';
const NOW = Date.parse('2026-11-28T21:00:00Z');
const FN = 'tenant-gate-dev-edge-1a2b3c4d';
const ARN = `arn:aws:lambda:us-east-1:123456789012:function:${FN}`;

const attached = (): DistributionConfig =>
  JSON.parse(readFileSync(join(ROOT, 'test/fixtures/distribution-config/attached.json'), 'utf8')) as DistributionConfig;

/** attached.json with our Lambda@Edge gate at version `n` on /files/*. */
function withVersion(n: number): DistributionConfig {
  const config = attached();
  const files = config.CacheBehaviors!.Items!.find((b) => b.PathPattern === '/files/*')!;
  files.LambdaFunctionAssociations = {
    Quantity: 1,
    Items: [{ LambdaFunctionARN: `${ARN}:${n}`, EventType: 'viewer-request', IncludeBody: false }],
  };
  files.FunctionAssociations = { Quantity: 0 };
  return config;
}

let aws: FakeAws;
let restore: () => void;
beforeEach(() => {
  aws = new FakeAws(NOW);
  restore = aws.install();
});
afterEach(() => restore());

const cli = (...argv: string[]) => runCli(argv, ROOT);

function lambda(name: string, versions: number[], replicasUntil?: number): void {
  aws.lambdas.set(name, { name, runtime: 'nodejs22.x', codeKey: '', versions, stack: undefined, replicasUntil });
}

describe('tenant-gate rollback', () => {
  it('re-attaches the version before the attached one, and says so; --dry-run writes nothing', async () => {
    lambda(FN, [1, 2, 5]);
    aws.addDistribution(ID, withVersion(5));
    const dry = await cli('rollback', '--distribution-id', ID, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`/files/*: viewer-request ${ARN}:5 → ${ARN}:2`);
    expect(aws.calls).not.toContain('CloudFront.UpdateDistribution');
    const r = await cli('rollback', '--distribution-id', ID);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`/files/*: viewer-request ${ARN}:5 → ${ARN}:2`);
    expect(attachedGates(aws.distribution(ID).config)).toEqual([
      { kind: 'lambda-edge', arn: `${ARN}:2`, pathPatterns: ['/files/*'] },
    ]);
  });

  it('refuses when the attached version is the oldest left', async () => {
    lambda(FN, [3]);
    aws.addDistribution(ID, withVersion(3));
    const r = await cli('rollback', '--distribution-id', ID);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ERR_ROLLBACK_NO_PREVIOUS: .*:3 is the oldest version left/);
    expect(aws.calls).not.toContain('CloudFront.UpdateDistribution');
  });

  it('refuses when no gate of ours is attached', async () => {
    aws.addDistribution(
      ID,
      JSON.parse(
        readFileSync(join(ROOT, 'test/fixtures/distribution-config/plain.json'), 'utf8'),
      ) as DistributionConfig,
    );
    const r = await cli('rollback', '--distribution-id', ID);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ERR_ROLLBACK_NO_GATE/);
  });

  it('refuses a CloudFront Function gate with no kept previous code', async () => {
    const config = attached();
    const files = config.CacheBehaviors!.Items!.find((b) => b.PathPattern === '/files/*')!;
    files.LambdaFunctionAssociations = { Quantity: 0 };
    files.FunctionAssociations = {
      Quantity: 1,
      Items: [{ FunctionARN: aws.functionArn('tenant-gate-dev-viewer'), EventType: 'viewer-request' }],
    };
    aws.addDistribution(ID, config);
    aws.functions.set('tenant-gate-dev-viewer', {
      name: 'tenant-gate-dev-viewer',
      config: { Comment: '', Runtime: 'cloudfront-js-2.0' },
      development: { code: Buffer.from('function handler(e) { return e.request; }'), eTag: 'D1' },
      live: { code: Buffer.from('function handler(e) { return e.request; }'), eTag: 'L1' },
      stack: undefined,
    });
    const r = await cli('rollback', '--distribution-id', ID);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ERR_ROLLBACK_NO_PREVIOUS: no previous code for tenant-gate-dev-viewer/);
  });

  it.each([[[]], [['--distribution-id', 'nope']], [['--distribution-id', ID, '--bogus']]])(
    '%j is a usage error',
    async (argv) => {
      const r = await cli('rollback', ...argv);
      expect(r.code).toBe(2);
    },
  );

  it('replaces every version at once: 7 → 6 and 6 → 5 never cascade', () => {
    const config = withVersion(7);
    const api = config.CacheBehaviors!.Items!.find((b) => b.PathPattern !== '/files/*')!;
    api.LambdaFunctionAssociations = {
      Quantity: 1,
      Items: [{ LambdaFunctionARN: `${ARN}:6`, EventType: 'viewer-request', IncludeBody: false }],
    };
    const { config: out } = replaceLambdaVersions(config, { [`${ARN}:7`]: `${ARN}:6`, [`${ARN}:6`]: `${ARN}:5` });
    expect(
      attachedGates(out)
        .map((g) => g.arn)
        .sort(),
    ).toEqual([`${ARN}:5`, `${ARN}:6`]);
  });
});

describe('tenant-gate cleanup', () => {
  it('deletes what has no replicas left, lists what must wait, keeps the current stack’s and others’ functions', async () => {
    lambda('tenant-gate-dev-edge-0000aaaa', [1]);
    lambda('tenant-gate-dev-edge-1111bbbb', [1, 2], NOW + 3600_000);
    lambda('tenant-gate-dev-viewer-request', [4]);
    lambda('tenant-gate-prod-edge-2222cccc', [1]);
    lambda('someone-else', [1]);
    lambda(FN, [1]);
    aws.stacks.set('tenant-gate-dev', {
      name: 'tenant-gate-dev',
      id: 'arn:aws:cloudformation:us-east-1:123456789012:stack/tenant-gate-dev/1a2b3c4d-0000-0000-0000-000000000000',
      template: { Resources: {} } as Template,
      parameters: {},
      physical: {},
      outputs: { TenantGateViewerRequestFunctionName: FN },
    });
    const dry = await cli('cleanup', '--stage', 'dev', '--dry-run');
    expect(dry.code).toBe(1);
    expect(aws.calls).not.toContain('Lambda.DeleteFunction');
    const r = await cli('cleanup', '--stage', 'dev');
    expect(r.code).toBe(1);
    expect(r.out).toContain(`kept ${FN}`);
    expect(r.out).toContain('deleted tenant-gate-dev-edge-0000aaaa');
    expect(r.out).toContain('deleted tenant-gate-dev-viewer-request');
    expect(r.out).toContain('waiting tenant-gate-dev-edge-1111bbbb: CloudFront has not removed its replicas yet');
    expect([...aws.lambdas.keys()].sort()).toEqual(
      ['someone-else', 'tenant-gate-dev-edge-1111bbbb', FN, 'tenant-gate-prod-edge-2222cccc'].sort(),
    );
  });

  it('with no stack, nothing is kept; with nothing to delete, says so (exit 0)', async () => {
    const r = await cli('cleanup', '--stage', 'dev');
    expect(r.code).toBe(0);
    expect(r.out).toContain('the stack tenant-gate-dev does not exist');
    expect(r.out).toContain('nothing to delete');
  });

  it.each([[[]], [['--stage', 'a/b']], [['--stage', 'dev', '--force']]])('%j is a usage error', async (argv) => {
    expect((await cli('cleanup', ...argv)).code).toBe(2);
  });
});

describe('the plugin', () => {
  interface PluginInstance {
    hooks: Record<string, () => unknown>;
    module: (name: string) => unknown;
    now: () => number;
    checkRuntimes: () => void;
    testThenPublish: () => Promise<void>;
  }
  const Plugin = createRequire(import.meta.filename)('../../deploy/serverless-plugin.cjs') as new (
    s: unknown,
    o: unknown,
    u: unknown,
  ) => PluginInstance;

  function make(runtime: string, now: string) {
    const logged: string[] = [];
    const serverless = {
      service: {
        custom: {},
        provider: {
          compiledCloudFormationTemplate: {
            Resources: { Edge: { Type: 'AWS::Lambda::Function', Properties: { Runtime: runtime } } },
          },
        },
      },
      classes: { Error },
      getProvider: () => ({ getStage: () => 'dev' }),
    };
    const p = new Plugin(serverless, {}, { log: { warning: (t: string) => logged.push(t), notice: () => {} } });
    p.module = () => lambdaRuntimes;
    p.now = () => Date.parse(now);
    return { p, logged };
  }

  it('warns within 90 days of a runtime’s deprecation, and refuses it from its block-create date', () => {
    const warned = make('nodejs22.x', '2027-02-15T00:00:00Z');
    warned.p.checkRuntimes();
    expect(warned.logged).toEqual([expect.stringMatching(/Edge: nodejs22.x is deprecated in 74 day\(s\)/)]);
    const quiet = make('nodejs22.x', '2026-11-28T00:00:00Z');
    quiet.p.checkRuntimes();
    expect(quiet.logged).toEqual([]);
    expect(() => make('nodejs22.x', '2027-06-01T00:00:00Z').p.checkRuntimes()).toThrow(
      /Edge: Lambda blocks creating nodejs22.x functions since 2027-06-01/,
    );
  });

  it('refuses to test or publish when the stack has no CloudFront Function name output', async () => {
    const serverless = {
      service: { custom: {}, provider: {} },
      serviceDir: ROOT,
      classes: { Error },
      getProvider: () => ({
        getStage: () => 'dev',
        naming: { getStackName: () => 'tenant-gate-dev' },
        request: async () => ({ Stacks: [{ Outputs: [] }] }),
      }),
    };
    const p = new Plugin(serverless, {}, { log: { notice: () => {}, warning: () => {} } });
    p.module = (name) => (name === 'publish-function' ? publishFunction : lambdaRuntimes);
    await expect(p.testThenPublish()).rejects.toThrow(/no TenantGateCloudFrontFunctionName output/);
  });
});
