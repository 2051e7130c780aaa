/**
 * The deploy lifecycle against the stateful AWS fake (test/fakes/aws.ts): the real `npm run package` (offline) for
 * each configuration, the plugin's hooks (deploy/serverless-plugin.cjs) driven with a fake Serverless as osls would
 * call them, CloudFormation played by the fake from the packaged template, and the CLI commands through their entry.
 *
 * deploy → update (a new key) → signed cookies off → pathPrefix change → rollback → remove → redeploy the same day →
 * cleanup the next day. After every step the distribution matches the desired state of that step's configuration.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as artifacts from '../../build/artifacts';
import type { CliIO } from '../../cli/command';
import { cloudFront } from '../../cli/commands/attach';
import { main } from '../../cli/main';
import { edgeAssociationsOf } from '../../deploy/attach';
import * as keyValueEntries from '../../deploy/key-value-entries';
import * as keyValueStoreApi from '../../deploy/key-value-store-api';
import * as keyValueStoreResource from '../../deploy/key-value-store-resource';
import * as lambdaRuntimes from '../../deploy/lambda-runtimes';
import type { PackageManifest } from '../../deploy/package-artifacts';
import * as publishCases from '../../deploy/publish-cases';
import * as publishFunction from '../../deploy/publish-function';
import { FakeAws, type Template } from '../fakes/aws';

const ROOT = join(import.meta.dirname, '..', '..');
const STAGE = 'dev';
const STACK = `tenant-gate-${STAGE}`;
const DISTRIBUTION = 'E1A2B3C4D5E6F7';
const MORNING = Date.parse('2026-11-28T09:00:00Z');
const HOUR = 3600_000;
const WORK = '.serverless-artifacts/lifecycle';
const ROTATED_KEY = { kid: 'hs-2026-12', alg: 'HS256', secret: 'q3Zl1m0Wc5b2wA0dO1x9kQ7nB4tY8uR6eS2vJ5hL0pM' };

type Json = Record<string, unknown>;
interface Packaged {
  readonly name: string;
  readonly template: Template;
  readonly manifest: PackageManifest;
  readonly artifactsDir: string;
  readonly code: string;
}

const run = promisify(execFile);

function offlineEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('AWS_') && !/^(https?|no)_proxy$/i.test(k)) env[k] = v;
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    STAGE,
    ...extra,
  };
}

/** `npm run package` for a variant of the shipped config: its template, manifest and CloudFront Function code. */
async function npmPackage(
  name: string,
  edit: (config: Json & { login: Json }) => void,
  keys: boolean,
): Promise<Packaged> {
  const dir = `${WORK}/${name}`;
  rmSync(join(ROOT, dir), { recursive: true, force: true });
  mkdirSync(join(ROOT, dir), { recursive: true });
  const raw = JSON.parse(readFileSync(join(ROOT, 'gatekeeper.config.json'), 'utf8')) as Json & { login: Json };
  delete raw['$schema'];
  raw['cloudfrontFunction'] = { keySource: 'keyValueStore', tenantKillSwitch: true };
  raw.login['secrets'] = {
    signingKey: { ssmParameter: `/tenant-gate/${STAGE}/signing-key` },
    cloudfrontPrivateKey: { ssmParameter: `/tenant-gate/${STAGE}/cloudfront-key` },
  };
  edit(raw);
  writeFileSync(join(ROOT, dir, 'gatekeeper.config.json'), JSON.stringify(raw));
  const keysDir = `${dir}/keys`;
  mkdirSync(join(ROOT, keysDir), { recursive: true });
  if (keys) writeFileSync(join(ROOT, keysDir, 'cf-2026-11.pem'), publicKey);
  // Serverless empties <service>/.serverless at every package: each run gets a service folder of its own (links to
  // the repository's files), so that neither these runs nor test/deploy/package.test.ts's see another's vanish.
  const service = mkdtempSync(join(tmpdir(), `tenant-gate-lifecycle-${name}-`));
  services.push(service);
  for (const entry of readdirSync(ROOT))
    if (entry === 'serverless.yml')
      copyFileSync(join(ROOT, entry), join(service, entry)); // osls wants a file
    else if (entry !== '.serverless' && entry !== '.git') symlinkSync(join(ROOT, entry), join(service, entry));
  // What `npm run package` runs: the build (in the repository) then `serverless package` (in that service folder).
  const env = offlineEnv({
    TENANT_GATE_ARTIFACTS_DIR: dir,
    TENANT_GATE_CONFIG: `${dir}/gatekeeper.config.json`,
    TENANT_GATE_CLOUDFRONT_KEYS: keysDir,
  });
  try {
    await run(join(ROOT, 'node_modules/.bin/tsx'), ['deploy/package-artifacts.ts'], {
      cwd: ROOT,
      env,
      timeout: 110_000,
    });
    await run(
      join(ROOT, 'node_modules/.bin/serverless'),
      ['package', '--stage', STAGE, '--package', join(ROOT, dir, 'sls')],
      { cwd: service, env, timeout: 110_000 },
    );
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`npm run package failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
  const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
  const manifest = JSON.parse(read(`${dir}/manifest.json`)) as PackageManifest;
  return {
    name,
    template: JSON.parse(read(`${dir}/sls/cloudformation-template-update-stack.json`)) as Template,
    manifest,
    artifactsDir: dir,
    code: read(manifest.cloudFrontFunction.file),
  };
}

const services: string[] = [];

const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

// --- the plugin, as osls drives it -------------------------------------------------------------------------------

interface PluginInstance {
  hooks: Record<string, () => unknown>;
  runCommand: (name: string, argv: string[], io: CliIO) => Promise<number>;
  module: (name: string) => unknown;
  now: () => number;
}
type PluginClass = new (serverless: unknown, options: unknown, utils: unknown) => PluginInstance;
const Plugin = createRequire(import.meta.filename)('../../deploy/serverless-plugin.cjs') as PluginClass;

/** The TypeScript modules the plugin loads, from this test's module graph (the SDK mocks apply to them). */
const MODULES: Record<string, unknown> = {
  'lambda-runtimes': lambdaRuntimes,
  'key-value-store-resource': keyValueStoreResource,
  'key-value-store-api': keyValueStoreApi,
  'key-value-entries': keyValueEntries,
  'publish-cases': publishCases,
  'publish-function': publishFunction,
  '../build/artifacts': artifacts,
};

// --- the scenario --------------------------------------------------------------------------------------------------

describe('deploy lifecycle against the AWS fake', () => {
  const aws = new FakeAws(MORNING);
  let restore: () => void;
  const log: string[] = [];
  const builds: Record<string, Packaged> = {};
  const previousDir = process.env['TENANT_GATE_ARTIFACTS_DIR'];

  beforeAll(async () => {
    restore = aws.install();
    // The operator's distribution: /files/* and /docs/* behaviors exist (attach does not invent origins or caching).
    const plain = JSON.parse(
      readFileSync(join(ROOT, 'test/fixtures/distribution-config/plain.json'), 'utf8'),
    ) as DistributionConfig;
    const files = plain.CacheBehaviors!.Items!.find((b) => b.PathPattern === '/files/*')!;
    plain.CacheBehaviors!.Items!.push({ ...structuredClone(files), PathPattern: '/docs/*' });
    plain.CacheBehaviors!.Quantity = plain.CacheBehaviors!.Items!.length;
    aws.addDistribution(DISTRIBUTION, plain);
    vi.spyOn(cloudFront, 'waitDeployed').mockResolvedValue(undefined);

    // Four packages in parallel (folders of their own): about the time of one on two cores.
    const [v1, v2, v3, v4] = await Promise.all([
      npmPackage('v1', () => {}, true),
      npmPackage('v2', (c) => void (c['keys'] as Json[]).unshift(ROTATED_KEY), true),
      npmPackage(
        'v3',
        (c) => {
          (c['keys'] as Json[]).unshift(ROTATED_KEY);
          delete c.login['cloudfront'];
          c.login['secrets'] = { signingKey: { ssmParameter: `/tenant-gate/${STAGE}/signing-key` } };
        },
        true,
      ),
      npmPackage(
        'v4',
        (c) => {
          (c['keys'] as Json[]).unshift(ROTATED_KEY);
          delete c.login['cloudfront'];
          c.login['secrets'] = { signingKey: { ssmParameter: `/tenant-gate/${STAGE}/signing-key` } };
          c['pathPrefix'] = '/docs/';
        },
        true,
      ),
    ]);
    Object.assign(builds, { v1, v2, v3, v4 });
  }, 300_000);

  afterAll(() => {
    for (const service of services) rmSync(service, { recursive: true, force: true });
    restore();
    vi.restoreAllMocks();
    if (previousDir === undefined) delete process.env['TENANT_GATE_ARTIFACTS_DIR'];
    else process.env['TENANT_GATE_ARTIFACTS_DIR'] = previousDir;
  });

  function plugin(build: Packaged, options: Json = {}) {
    process.env['TENANT_GATE_ARTIFACTS_DIR'] = build.artifactsDir;
    const template = structuredClone(build.template);
    const provider = {
      getStage: () => STAGE,
      naming: { getStackName: () => STACK },
      request: async (service: string, method: string, params: { StackName: string }) => {
        expect([service, method]).toEqual(['CloudFormation', 'describeStacks']);
        return aws.describeStacks(params.StackName);
      },
    };
    const serverless = {
      service: {
        custom: {
          tenantGate: {
            distributionId: DISTRIBUTION,
            gate: 'lambda-edge',
            pathPatterns: build.manifest.gatedPathPatterns,
            authPathPattern: '/auth/*',
          },
        },
        provider: { compiledCloudFormationTemplate: template } as Json,
      },
      serviceDir: ROOT,
      classes: { Error },
      getProvider: () => provider,
    };
    const p = new Plugin(serverless, options, {
      log: {
        notice: (t: string) => log.push(t),
        warning: (t: string) => log.push(`warning: ${t}`),
        error: (t: string) => log.push(`error: ${t}`),
      },
    });
    p.module = (name) => {
      const m = MODULES[name];
      if (m === undefined) throw new Error(`lifecycle test: the plugin asked for ${name}`);
      return m;
    };
    p.runCommand = async (name, argv, io) => main([name, ...argv], io);
    p.now = () => aws.now;
    return { p, template, serverless };
  }

  /** `serverless deploy`: package hooks ran in npm run package; then before deploy, the stack, after deploy. */
  async function deploy(build: Packaged): Promise<void> {
    const { p, template, serverless } = plugin(build);
    await p.hooks['before:deploy:deploy']!();
    const parameters: Record<string, string> = {};
    for (const param of (serverless.service.provider['stackParameters'] as
      { ParameterKey: string; ParameterValue: string }[] | undefined) ?? [])
      parameters[param.ParameterKey] = param.ParameterValue;
    aws.deployStack(STACK, template as Template, parameters);
    await p.hooks['after:deploy:deploy']!();
  }

  const outputs = (): Record<string, string> =>
    Object.fromEntries(
      (aws.describeStacks(STACK).Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]),
    );
  const config = (): DistributionConfig => aws.distribution(DISTRIBUTION).config;
  const behavior = (pattern: string) => config().CacheBehaviors?.Items?.find((b) => b.PathPattern === pattern);
  const gateOn = (pattern: string): string[] =>
    edgeAssociationsOf(behavior(pattern) ?? {})
      .filter((a) => a.eventType === 'viewer-request' && a.arn.includes('tenant-gate'))
      .map((a) => a.arn);

  /** The part of the desired state every attach keeps: the gate and signatures on the gated behaviors, /auth/*. */
  function expectGated(build: Packaged, edgeArn: string): void {
    for (const pattern of build.manifest.gatedPathPatterns) {
      expect(gateOn(pattern), pattern).toEqual([edgeArn]);
      const trusted = behavior(pattern)?.TrustedKeyGroups;
      if (build.manifest.requireSignatures)
        expect(trusted?.Items, pattern).toEqual([outputs()['TenantGateKeyGroupId']]);
    }
    expect(behavior('/auth/*')?.TargetOriginId).toBeDefined();
    // The stack's login policy (CloudFront-Viewer-Address for IP-bound links), not the managed AllViewerExceptHostHeader.
    expect(outputs()['TenantGateLoginOriginRequestPolicyId']).toBeTruthy();
    expect(behavior('/auth/*')?.OriginRequestPolicyId).toBe(outputs()['TenantGateLoginOriginRequestPolicyId']);
    // The CloudFront Function that was tested is the one LIVE.
    expect(aws.cfFunction(`${STACK}-viewer`).live?.code.toString('utf8')).toBe(build.code);
  }
  /** What only a converging attach achieves: nothing of ours left where the configuration no longer wants it. */
  function expectConverged(build: Packaged): void {
    for (const b of config().CacheBehaviors?.Items ?? []) {
      if (build.manifest.gatedPathPatterns.includes(b.PathPattern!) || b.PathPattern === '/auth/*') continue;
      expect(gateOn(b.PathPattern!), b.PathPattern).toEqual([]);
    }
    for (const pattern of build.manifest.gatedPathPatterns)
      if (!build.manifest.requireSignatures) expect(behavior(pattern)?.TrustedKeyGroups?.Enabled ?? false).toBe(false);
    // The stack's key group is required nowhere once the login no longer signs.
    const keyGroup = outputs()['TenantGateKeyGroupId'];
    if (!build.manifest.requireSignatures && keyGroup !== undefined)
      for (const [name, b] of [
        ['default', config().DefaultCacheBehavior!] as const,
        ...(config().CacheBehaviors?.Items ?? []).map((x) => [x.PathPattern!, x] as const),
      ])
        expect(b.TrustedKeyGroups?.Items ?? [], name).not.toContain(keyGroup);
  }

  let firstEdgeFunction = '';
  let storeArn = '';

  it('refuses a runtime Lambda no longer creates, before any AWS call', async () => {
    const { p, template } = plugin(builds['v1']!);
    (template.Resources as Record<string, { Properties: Json }>)['ViewerRequestLambdaFunction']!.Properties['Runtime'] =
      'nodejs20.x';
    const before = aws.calls.length;
    expect(() => p.hooks['before:deploy:deploy']!()).toThrow(/blocks creating and updating nodejs20.x/);
    expect(aws.calls.length).toBe(before);
    // …and the package hook, too.
    expect(() => p.hooks['before:aws:package:finalize:saveServiceState']!()).toThrow(/nodejs20.x/);
  });

  it('1. deploy: store created and filled before the test, function tested then published, gate attached', async () => {
    await deploy(builds['v1']!);
    const o = outputs();
    expect(o['TenantGateViewerRequestFunctionName']).toMatch(/^tenant-gate-dev-edge-[0-9a-f]{8}$/);
    firstEdgeFunction = o['TenantGateViewerRequestFunctionName']!;
    storeArn = o['TenantGateKeyValueStoreArn']!;
    expect(aws.store(storeArn).name).toBe('tenant-gate-dev');
    expect(Object.keys(aws.store(storeArn).data.entries())).toEqual(['key:hs-2026-11', 'key:hs-2026-10']);
    // Store filled (UpdateKeys) before the stack, tested before published.
    const order = ['KeyValueStore.UpdateKeys', 'CloudFront.TestFunction', 'CloudFront.PublishFunction'];
    expect(order.map((c) => aws.calls.indexOf(c))).toEqual(
      [...order.map((c) => aws.calls.indexOf(c))].sort((a, b) => a - b),
    );
    expect(log.join('\n')).toMatch(
      /TestFunction ok {3}allowed {3}valid cookie: rewritten into the tenant prefix: expected forward \/tenants\/acme\/files\/report.pdf, got forward \/tenants\/acme\/files\/report.pdf \(ComputeUtilization \d+\)/,
    );
    expectGated(builds['v1']!, o['ViewerRequestLambdaFunctionQualifiedArn']!);
    expect(o['ViewerRequestLambdaFunctionQualifiedArn']).toBe(
      `arn:aws:lambda:us-east-1:123456789012:function:${firstEdgeFunction}:1`,
    );
  });

  it('2. update: a new key; the next version attached; a tenant disabled through the CLI', async () => {
    await deploy(builds['v2']!);
    expect(Object.keys(aws.store(storeArn).data.entries())).toContain('key:hs-2026-12');
    expectGated(builds['v2']!, `arn:aws:lambda:us-east-1:123456789012:function:${firstEdgeFunction}:2`);
    let out = '';
    const io: CliIO = { out: (t) => void (out += t), err: (t) => void (out += t), cwd: ROOT };
    expect(await main(['kvs', 'disable-tenant', '--stage', STAGE, '--tenant', 'globex'], io)).toBe(0);
    expect(aws.store(storeArn).data.entries()['tenant:globex']).toBe('disabled');
  });

  it('3. signed cookies off: the gate stays; an unchanged edge bundle publishes no new version', async () => {
    await deploy(builds['v3']!);
    expectGated(builds['v3']!, `arn:aws:lambda:us-east-1:123456789012:function:${firstEdgeFunction}:2`);
  });
  it('3. signed cookies off: the key group (still in the stack) leaves the gated behaviors', () => {
    expectConverged(builds['v3']!);
  });

  it('4. pathPrefix change: /docs/* gated', async () => {
    await deploy(builds['v4']!);
    expectGated(builds['v4']!, `arn:aws:lambda:us-east-1:123456789012:function:${firstEdgeFunction}:3`);
  });
  it('4. pathPrefix change: /files/* no longer gated', () => {
    expectConverged(builds['v4']!);
  });

  it('5. rollback: the previous stack, its gate version and path patterns, its CloudFront Function code', async () => {
    // `serverless rollback -t <ts>`: CloudFormation puts the previous template back, then the plugin's hook.
    const { p } = plugin(builds['v3']!, { timestamp: '1764320400000' });
    aws.deployStack(STACK, structuredClone(builds['v3']!.template), { TenantGateKeyValueStoreArn: storeArn });
    await p.hooks['after:rollback:rollback']!();
    // The stack re-creates v3's version resource: Lambda publishes v3's code again as the next number.
    const restored = outputs()['ViewerRequestLambdaFunctionQualifiedArn']!;
    expect(restored).toBe(`arn:aws:lambda:us-east-1:123456789012:function:${firstEdgeFunction}:4`);
    expectGated(builds['v3']!, restored);
    expect(outputs()['TenantGatePathPatterns']).toBe('/files/*');
    expect(aws.cfFunction(`${STACK}-viewer-previous`).development.code.toString('utf8')).toBe(builds['v4']!.code);
  });
  it('5. rollback: /docs/* no longer gated', () => {
    expectConverged(builds['v3']!);
  });

  it('tenant-gate rollback (the CLI) re-attaches the version before the attached one', async () => {
    let out = '';
    const io: CliIO = { out: (t) => void (out += `${t}\n`), err: (t) => void (out += `${t}\n`), cwd: ROOT };
    expect(await main(['rollback', '--distribution-id', DISTRIBUTION], io)).toBe(0);
    const arn = `arn:aws:lambda:us-east-1:123456789012:function:${firstEdgeFunction}`;
    expect(out).toContain(`/files/*: viewer-request ${arn}:4 → ${arn}:3`);
    expect(gateOn('/files/*')).toEqual([`${arn}:3`]);
    // Put the stack's version back for the steps that follow.
    const { p } = plugin(builds['v3']!);
    await p.hooks['after:deploy:deploy']!();
    expect(gateOn('/files/*')).toEqual([outputs()['ViewerRequestLambdaFunctionQualifiedArn']]);
  });

  it('6. remove: detached, stack gone; the edge function and the key-value store (with its entries) kept', async () => {
    const { p } = plugin(builds['v3']!);
    await p.hooks['before:remove:remove']!();
    aws.deleteStack(STACK);
    p.hooks['after:remove:remove']!();
    for (const b of [config().DefaultCacheBehavior!, ...(config().CacheBehaviors?.Items ?? [])])
      expect(edgeAssociationsOf(b).filter((a) => a.arn.includes('tenant-gate'))).toEqual([]);
    expect(aws.lambdas.has(firstEdgeFunction)).toBe(true);
    expect(aws.store(storeArn).data.entries()['tenant:globex']).toBe('disabled');
    expect(log.join('\n')).toContain(`npx tenant-gate cleanup --stage ${STAGE}`);
  });

  it('7. redeploy the same day: a new edge function name, no collision; the store reused with its entries', async () => {
    aws.now = MORNING + 2 * HOUR;
    await deploy(builds['v3']!);
    const o = outputs();
    expect(o['TenantGateViewerRequestFunctionName']).toMatch(/^tenant-gate-dev-edge-[0-9a-f]{8}$/);
    expect(o['TenantGateViewerRequestFunctionName']).not.toBe(firstEdgeFunction);
    expect(o['TenantGateKeyValueStoreArn']).toBe(storeArn);
    expect(aws.stores.size).toBe(1);
    expect(aws.store(storeArn).data.entries()['tenant:globex']).toBe('disabled');
    expectGated(builds['v3']!, o['ViewerRequestLambdaFunctionQualifiedArn']!);
    // A fixed name would have collided with the retained function.
    const fixed = structuredClone(builds['v3']!.template);
    (fixed.Resources['ViewerRequestLambdaFunction']!.Properties as Json)['FunctionName'] = firstEdgeFunction;
    expect(() => aws.deployStack('tenant-gate-other', fixed, { TenantGateKeyValueStoreArn: storeArn })).toThrow(
      /already exists/,
    );
  });

  it('8. cleanup: the same day the retained function must wait; the next day it is deleted, the current one kept', async () => {
    const current = outputs()['TenantGateViewerRequestFunctionName']!;
    let out = '';
    const io: CliIO = { out: (t) => void (out += `${t}\n`), err: (t) => void (out += `${t}\n`), cwd: ROOT };
    expect(await main(['cleanup', '--stage', STAGE], io)).toBe(1);
    expect(out).toContain(`waiting ${firstEdgeFunction}: CloudFront has not removed its replicas yet`);
    expect(out).toContain(`kept ${current}`);
    expect(aws.lambdas.has(firstEdgeFunction)).toBe(true);

    aws.now = MORNING + 26 * HOUR;
    out = '';
    expect(await main(['cleanup', '--stage', STAGE], io)).toBe(0);
    expect(out).toContain(`deleted ${firstEdgeFunction}`);
    expect(aws.lambdas.has(firstEdgeFunction)).toBe(false);
    expect(aws.lambdas.has(current)).toBe(true);
  });

  it('9. a function that refuses valid tokens is not published: the deploy fails saying which event, LIVE and the distribution unchanged', async () => {
    const live = aws.liveDigest(`${STACK}-viewer`);
    const before = structuredClone(config());
    const { p, template, serverless } = plugin(builds['v3']!);
    await p.hooks['before:deploy:deploy']!();
    const parameters: Record<string, string> = {};
    for (const param of (serverless.service.provider['stackParameters'] as
      { ParameterKey: string; ParameterValue: string }[] | undefined) ?? [])
      parameters[param.ParameterKey] = param.ParameterValue;
    aws.deployStack(STACK, template as Template, parameters);
    // Someone deletes the signing key from the store between the fill and the test.
    aws.store(storeArn).data.delete('key:hs-2026-11'); // login.signingKid: the key test tokens are minted with
    await expect(p.hooks['after:deploy:deploy']!()).rejects.toThrow(
      /tenant-gate: tenant-gate-dev-viewer was NOT published \(LIVE is unchanged\)[\s\S]*FAIL allowed\s+valid cookie: rewritten into the tenant prefix: expected forward \/tenants\/acme\/files\/report.pdf, got 401 invalid_token/,
    );
    expect(aws.liveDigest(`${STACK}-viewer`)).toBe(live);
    expect(config()).toEqual(before);
  });
});
