/**
 * One model of a distribution: the local distribution is a CloudFront DistributionConfig with the gate attached
 * by the transform a deploy applies (deploy/attach.ts), and `npm start -- --distribution-config FILE` serves a
 * saved one the same way.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/command';
import { main } from '../../cli/main';
import { validateConfig } from '../../config/gate';
import { attach } from '../../deploy/attach';
import { behaviorsInMatchOrder } from '../../lib/distribution/path-pattern';
import { MANAGED_POLICIES, MANAGED_POLICY_IDS, mergeCatalogs, parsePolicyFile } from '../../lib/distribution/policies';
import { attachLocally, localAttachPlan, localStackPolicies } from '../../local/attach-locally';
import { localDistributionFrom, type LocalBindings } from '../../local/distribution-config';
import { startEmulator, type Emulator } from '../../local/emulator';
import { response } from '../../local/http-message';
import { functionOrigin } from '../../local/origin';
import { startOptions } from '../../local/start';
import { DEMO_CONFIG_PATH, ROOT, tenantCookies, viewerRequest } from './helpers';

const read = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const BASE = read<DistributionConfig>(join(ROOT, 'demo', 'distribution.base.json'));
const demoGateConfig = () => {
  const { local: _local, ...gate } = read<Record<string, unknown>>(DEMO_CONFIG_PATH);
  return validateConfig(JSON.parse(JSON.stringify(gate).replaceAll('{origin}', 'http://127.0.0.1:8787')));
};

describe("the demo's distribution is attach's output", () => {
  it('demo/distribution.json is demo/distribution.base.json with the gate attached as a deploy attaches it', () => {
    const attached = attachLocally(BASE, demoGateConfig(), 'lambda-edge');
    // Regenerate with: npm start -- --print-distribution-config > demo/distribution.json && npm run format
    expect(attached.config).toEqual(read(join(ROOT, 'demo', 'distribution.json')));
    expect(attached.config).toEqual(attach(BASE, localAttachPlan(demoGateConfig(), 'lambda-edge')).config);
  });

  it('attach is idempotent on it: a second attach changes nothing', () => {
    const once = attachLocally(BASE, demoGateConfig(), 'lambda-edge').config;
    expect(attachLocally(once, demoGateConfig(), 'lambda-edge').changes).toEqual([]);
  });
});

describe('what the config names is bound locally, or refused with a message naming it', () => {
  const bindings = (notes: string[] = []): LocalBindings => ({
    origin: (id) => (id === 'spa' ? functionOrigin('spa', async () => response(200, [], 'spa')) : undefined),
    edgeFunction: () => undefined,
    keyGroup: () => undefined,
    originAccessControl: () => undefined,
    policies: MANAGED_POLICIES,
    note: (n) => notes.push(n),
  });
  const withDefault = (patch: Record<string, unknown>): DistributionConfig =>
    ({
      ...BASE,
      CacheBehaviors: { Quantity: 0 },
      DefaultCacheBehavior: { ...BASE.DefaultCacheBehavior, ...patch },
    }) as DistributionConfig;

  it.each<[string, DistributionConfig, RegExp]>([
    [
      'an unknown cache policy',
      withDefault({ CachePolicyId: 'c0ffee' }),
      /cache policy c0ffee .*get-cache-policy-config --id c0ffee/,
    ],
    [
      'an unknown origin request policy',
      withDefault({ OriginRequestPolicyId: 'beef' }),
      /origin-request policy beef .*--policies FILE/,
    ],
    [
      'an unknown response headers policy',
      withDefault({ ResponseHeadersPolicyId: 'cafe' }),
      /response-headers policy cafe/,
    ],
    [
      'no cache policy and no ForwardedValues',
      withDefault({ CachePolicyId: undefined }),
      /neither CachePolicyId nor legacy ForwardedValues/,
    ],
    [
      'a target that names no origin',
      withDefault({ TargetOriginId: 'nowhere' }),
      /TargetOriginId nowhere names no origin/,
    ],
  ])('%s refuses to start', (_, config, message) => {
    expect(() => localDistributionFrom(config, bindings())).toThrow(message);
  });

  it('an unmapped origin answers 502 naming the origin and the flag to map it', async () => {
    const notes: string[] = [];
    const model = localDistributionFrom(BASE, bindings(notes));
    expect(model.unmappedOrigins).toEqual(['dev-idp', 'bucket']);
    const files = model.behaviors.find((b) => b.pathPattern === '/files/*')!;
    const answer = await files.origin.fetch(viewerRequest('/files/a.txt'));
    expect([answer.status, answer.body.toString()]).toEqual([
      502,
      expect.stringContaining("--origins 'bucket=./folder'"),
    ]);
    expect(notes.join('\n')).toContain('origin "bucket"');
  });

  it('a function other than the gate is left out with a note, a key group without local keys refuses', () => {
    const notes: string[] = [];
    const config = withDefault({
      FunctionAssociations: {
        Quantity: 1,
        Items: [{ FunctionARN: 'arn:aws:cloudfront::123456789012:function/spa-rewrite', EventType: 'viewer-request' }],
      },
      TrustedKeyGroups: { Enabled: true, Quantity: 1, Items: ['kg-unknown'] },
    });
    const [behavior] = localDistributionFrom(config, bindings(notes)).behaviors;
    expect(behavior!.viewerRequest).toBeUndefined();
    expect(behavior!.trustedKeyGroup).toEqual({ publicKeys: {} });
    expect(notes.join('\n')).toMatch(/spa-rewrite on viewer-request is not run locally/);
    expect(notes.join('\n')).toMatch(/kg-unknown has no local public keys/);
  });

  it("the policy ids attach writes are the ones the emulator applies: managed CachingDisabled, the stack's login policy", () => {
    const model = localDistributionFrom(attachLocally(BASE, demoGateConfig(), 'lambda-edge').config, {
      ...bindings(),
      origin: () => functionOrigin('any', async () => response(200, [], '')),
      edgeFunction: (_arn, kind) => ({ kind, run: async (request) => ({ kind: 'forward', request }) }),
      keyGroup: () => ({ publicKeys: {} }),
      policies: mergeCatalogs(MANAGED_POLICIES, localStackPolicies(demoGateConfig())),
    });
    const auth = model.behaviors.find((b) => b.pathPattern === '/auth/*')!;
    expect([auth.cachePolicy.name, auth.originRequestPolicy?.name, auth.originAccessControl]).toEqual([
      MANAGED_POLICIES.cache[MANAGED_POLICY_IDS.CachingDisabled]!.Name,
      'tenant-gate-local-login',
      { id: 'tenant-gate-local-login-oac', signingBehavior: 'always' },
    ]);
    expect(auth.originRequestPolicy?.headers).toEqual({
      behavior: 'whitelist',
      names: expect.arrayContaining(['cloudfront-viewer-address', 'x-identity-token']),
    });
    expect(model.behaviors.map((b) => b.pathPattern)).toEqual(
      behaviorsInMatchOrder(read(join(ROOT, 'demo', 'distribution.json'))).map((b) => b.pathPattern),
    );
  });
});

describe('npm start -- --distribution-config FILE --origins MAP: a saved config served with the gate attached', () => {
  let emulator: Emulator;
  const notes: string[] = [];
  const spa = mkdtempSync(join(tmpdir(), 'tenant-gate-spa-'));
  beforeAll(async () => {
    writeFileSync(join(spa, 'index.html'), '<title>acme app</title>');
    // The saved config's default behavior names a response headers policy of the account: given by --policies.
    writeFileSync(
      join(spa, 'policies.json'),
      JSON.stringify({
        ResponseHeadersPolicies: {
          '67f7725c-6f97-4210-82d7-5512b31e9d03': {
            ResponseHeadersPolicyConfig: {
              Name: 'security-headers',
              CustomHeadersConfig: { Quantity: 1, Items: [{ Header: 'X-Policy', Value: 'applied', Override: true }] },
              SecurityHeadersConfig: { FrameOptions: { Override: true, FrameOption: 'DENY' } },
            },
          },
        },
      }),
    );
    const options = startOptions(
      [
        '--distribution-config',
        'test/fixtures/distribution-config/plain.json',
        '--origins',
        `tenant-files=./demo/bucket,spa-bucket=${spa}`,
        '--policies',
        join(spa, 'policies.json'),
        '--port',
        '0',
      ],
      {},
      ROOT,
    );
    emulator = await startEmulator({ ...options, log: () => {}, note: (n) => notes.push(n) });
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
  });

  it('is the saved config with the gate attached, and says what it cannot run', () => {
    expect(emulator.attachChanges).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\/files\/\*: viewer-request → Lambda@Edge/)]),
    );
    const files = emulator.distributionConfig.CacheBehaviors!.Items!.find((b) => b.PathPattern === '/files/*')!;
    expect(files.LambdaFunctionAssociations?.Items?.[0]?.EventType).toBe('viewer-request');
    expect(notes.join('\n')).toMatch(/acme-security-headers on viewer-response is not run locally/);
    expect(notes.join('\n')).toMatch(/security-headers: SecurityHeadersConfig is not emulated/);
  });

  it("serves a tenant its file through the gate, from the folder mapped to the config's origin", async () => {
    const cookie = tenantCookies('acme', Math.floor(Date.now() / 1000));
    const file = await fetch(`${emulator.url}/files/welcome.txt`, { headers: { cookie } });
    expect([file.status, await file.text()]).toEqual([200, expect.stringContaining('Acme')]);
    expect(file.headers.get('x-cache')).toBe('Miss from local');
  });

  it("the saved config's 403 → 200 /index.html custom error masks CloudFront's refusal, as in production", async () => {
    const bare = await fetch(`${emulator.url}/files/welcome.txt`);
    expect([bare.status, await bare.text()]).toEqual([200, '<title>acme app</title>']);
    // The matched behavior's response headers policy: /files/*'s (attach's), not the default behavior's.
    expect([bare.headers.get('cache-control'), bare.headers.get('x-policy')]).toEqual(['private, no-cache', null]);
    const root = await fetch(`${emulator.url}/index.html`);
    expect([root.status, root.headers.get('x-policy')]).toEqual([200, 'applied']);
  });

  it('an unmapped origin answers 502 naming it', async () => {
    const api = await fetch(`${emulator.url}/api/orders`);
    expect([api.status, await api.text()]).toEqual([502, expect.stringContaining("--origins 'api=./folder'")]);
  });
});

describe("npm start's options: what is refused before anything starts", () => {
  it.each<[string, string[], RegExp]>([
    [
      '--origins without --distribution-config',
      ['--origins', 'a=./x'],
      /--origins and --policies go with --distribution-config/,
    ],
    [
      '--policies without --distribution-config',
      ['--policies', 'p.json'],
      /--origins and --policies go with --distribution-config/,
    ],
    [
      'an --origins entry without "="',
      ['--distribution-config', 'd.json', '--origins', 'bucket'],
      /is not originId=\.\/folder/,
    ],
    [
      'an --origins URL with a path',
      ['--distribution-config', 'd.json', '--origins', 'api=http://h:1/x'],
      /without a path/,
    ],
    ['a port out of range', ['--port', '70000'], /PORT must be a port number/],
    ['an unknown flag', ['--distribution'], /Unknown option/],
  ])('%s', (_, argv, message) => {
    expect(() => startOptions(argv, {}, ROOT)).toThrow(message);
  });

  it('--revocation turns revocation on for either gate (the CloudFront Function without the demo scopes and grants, for its 10 KB)', () => {
    expect(startOptions([], {}, ROOT).configOverrides).toBeUndefined();
    expect(startOptions(['--revocation'], {}, ROOT).configOverrides).toEqual({
      cloudfrontFunction: { revocation: true },
      lambdaEdge: { revocation: true, revocationUrl: '{origin}/auth/revocation' },
    });
    const cff = startOptions(['--revocation', '--cloudfront-function'], {}, ROOT).configOverrides!;
    expect('scopes' in cff && cff.scopes === undefined && cff.grants === null).toBe(true);
  });

  it('maps --origins to folders (relative to the working directory) and endpoints', () => {
    const options = startOptions(
      ['--distribution-config', 'd.json', '--origins', 'files=./demo/bucket,api=http://127.0.0.1:9000/'],
      {},
      ROOT,
    );
    expect(options.origins).toEqual({
      files: { type: 'folder', path: join(ROOT, 'demo', 'bucket'), missingKeyStatus: 404, cacheControl: undefined },
      api: { type: 'http', url: 'http://127.0.0.1:9000' },
    });
    expect(options.distributionConfigPath).toBe(join(ROOT, 'd.json'));
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', [], /an object with CachePolicies/],
    ['an unknown member', { CachePolicy: {} }, /unknown member CachePolicy/],
    [
      'a policy that is not an object',
      { CachePolicies: { id: 'x' } },
      /CachePolicies\.id must be a policy config object/,
    ],
  ])('a policies file that is %s is refused', (_, raw, message) => {
    expect(() => parsePolicyFile(raw)).toThrow(message);
  });
});

describe('the doctor judges the demo distribution as it judges a deployed one', () => {
  it('tenant-gate doctor on demo/distribution.json with the demo configuration reports no error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenant-gate-doctor-'));
    const { $schema: _schema, ...raw } = JSON.parse(
      readFileSync(DEMO_CONFIG_PATH, 'utf8').replaceAll('{origin}', 'http://127.0.0.1:8787'),
    ) as Record<string, unknown>;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(raw));
    let out = '';
    const io: CliIO = { out: (t) => void (out += `${t}\n`), err: () => {}, cwd: dir };
    const code = await main(
      ['doctor', '--distribution-config', join(ROOT, 'demo', 'distribution.json'), '--config', 'config.json', '--json'],
      io,
    );
    const report = JSON.parse(out) as { findings: { code: string; severity: string }[] };
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(code).toBe(0);
  });
});
