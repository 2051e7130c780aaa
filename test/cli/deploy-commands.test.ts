/**
 * `tenant-gate attach | detach | doctor` through the CLI entry (main), on the real-shaped fixture configs; live mode
 * against an in-memory CloudFront (no test reaches AWS). Also the Serverless plugin's glue, with a fake Serverless.
 */
import { loginOriginRequest, loginOriginRequestPolicyConfig } from '../../login/origin-request';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetDistributionConfigCommand,
  PreconditionFailed,
  type UpdateDistributionCommand,
  type CachePolicyConfig,
  type DistributionConfig,
  type GetDistributionConfigCommandOutput,
  type OriginRequestPolicyConfig,
  type UpdateDistributionCommandOutput,
} from '@aws-sdk/client-cloudfront';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cloudFront } from '../../cli/commands/attach';
import { doctorSource, type DistributionSource } from '../../cli/commands/doctor';
import type { DistributionClient } from '../../deploy/distribution-api';
import { FINDING_CODES } from '../../deploy/doctor';
import type { CliIO } from '../../cli/command';
import { runCli, type CliRun } from '../helpers/cli';
import { DISTRIBUTION_FIXTURES, loadDistributionConfig } from '../helpers/distribution-config';

const ROOT = join(import.meta.dirname, '..', '..');
const fixture = (name: string): string => join(DISTRIBUTION_FIXTURES, `${name}.json`);
const load = loadDistributionConfig;

const EDGE_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:7';
const CF_ARN = 'arn:aws:cloudfront::123456789012:function/tenant-gate-viewer';
const AUTH_URL = 'https://k3x7vq2mzl5ubd4hwe6rtyjaoi0pnsfc.lambda-url.us-east-1.on.aws/';
const ID = 'E1A2B3C4D5E6F7';
/** The response headers policy on /files/* in attached.json (Cache-Control: private, no-cache). */
const HEADERS_POLICY = 'c4e1d8a2-7b3f-4f6e-9a05-3d2b1c0e8f74';
/** What test/deploy/distribution-api.test.ts attaches to plain.json to get attached.json. */
const ATTACH = [
  '--gate',
  'lambda-edge',
  '--arn',
  EDGE_ARN,
  '--path-pattern',
  '/files/*',
  '--auth-origin',
  AUTH_URL,
  '--response-headers-policy',
  HEADERS_POLICY,
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tenant-gate-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const cli = (...argv: string[]): Promise<CliRun> => runCli(argv, dir);

/** A gate config in the temp dir: the repository's, with the login's IP binding as given. */
function gateConfig(name: string, bindIp: 'never' | 'optional' | 'always'): string {
  const raw = JSON.parse(readFileSync(join(ROOT, 'gatekeeper.config.json'), 'utf8')) as {
    login: Record<string, unknown>;
    $schema?: string;
  };
  delete raw.$schema;
  raw.login['bindIp'] = bindIp;
  // Secrets are read relative to the config only at run time; the doctor does not read them.
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(raw));
  return file;
}

/** CloudFront's optimistic locking in memory (as in distribution-api.test.ts). */
class FakeCloudFront implements DistributionClient {
  config: DistributionConfig;
  version = 1;
  readonly calls: string[] = [];
  readonly ifMatch: (string | undefined)[] = [];
  constructor(
    config: DistributionConfig,
    private conflicts = 0,
  ) {
    this.config = structuredClone(config);
  }
  send(command: UpdateDistributionCommand): Promise<UpdateDistributionCommandOutput>;
  send(command: GetDistributionConfigCommand): Promise<GetDistributionConfigCommandOutput>;
  async send(
    command: UpdateDistributionCommand | GetDistributionConfigCommand,
  ): Promise<UpdateDistributionCommandOutput | GetDistributionConfigCommandOutput> {
    if (command instanceof GetDistributionConfigCommand) {
      expect(command.input.Id).toBe(ID);
      this.calls.push('get');
      return { $metadata: {}, ETag: `ETAG${this.version}`, DistributionConfig: structuredClone(this.config) };
    }
    this.calls.push('update');
    this.ifMatch.push(command.input.IfMatch);
    if (this.conflicts > 0) {
      this.conflicts--;
      this.version++;
      throw new PreconditionFailed({
        message: 'The If-Match version is missing or not valid for the resource.',
        $metadata: { httpStatusCode: 412 },
      });
    }
    this.config = structuredClone(command.input.DistributionConfig ?? this.config);
    this.version++;
    return { $metadata: {}, ETag: `ETAG${this.version}` };
  }
}

describe('tenant-gate --help', () => {
  it('lists attach, detach and doctor', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const name of ['attach', 'detach', 'doctor']) expect(r.out).toMatch(new RegExp(`^  ${name} `, 'm'));
  });
});

describe('tenant-gate doctor', () => {
  const bare = ['--path-pattern', '/files/*', '--token-lifetime', '3600'];

  it.each([
    ['plain', 1, ['GATE_MISSING', 'AUTH_BEHAVIOR_MISSING']],
    ['gate-at-origin-request', 1, ['GATE_WRONG_EVENT']],
    ['attached', 0, ['ERROR_PAGE_MASKS_REFUSAL']],
  ] as const)('%s.json → exit %i with %j', async (name, code, codes) => {
    const r = await cli('doctor', '--distribution-config', fixture(name), ...bare);
    expect(r.code).toBe(code);
    for (const c of codes) expect(r.out).toContain(c);
    expect(r.out).toMatch(/\d+ errors?, \d+ warnings?, \d+ info\n/);
  });

  it.each([
    ['never', undefined, 0],
    // The fixture's /auth/* has the managed AllViewerExceptHostHeader: a login binding to CloudFront-Viewer-Address
    // (the config's viewerIpSource) gets no address through it — an error.
    ['optional', 'INFO    IPV6_WITH_IP_BINDING', 1],
    ['always', 'WARNING IPV6_WITH_IP_BINDING', 1],
  ] as const)(
    'derives expectations from the gate config: IPv6 with sessions bound by CloudFront alone, the viewer address (bindIp %s) → %s, exit %i',
    async (bindIp, line, code) => {
      const r = await cli(
        'doctor',
        '--distribution-config',
        fixture('attached'),
        '--config',
        gateConfig(`${bindIp}.json`, bindIp),
      );
      expect(r.code).toBe(code);
      expect(r.out).toContain('gated /files/*');
      if (line === undefined) expect(r.out).not.toContain('IPV6_WITH_IP_BINDING');
      else expect(r.out).toContain(line);
      expect(r.out.includes('ERROR   AUTH_VIEWER_ADDRESS_MISSING')).toBe(bindIp !== 'never');
    },
  );

  it('--help lists every check, from the table of rules', async () => {
    const r = await cli('doctor', '--help');
    expect(r.code).toBe(0);
    for (const code of FINDING_CODES) expect(r.out).toMatch(new RegExp(`^  ${code} \\((error|warning|info)\\): `, 'm'));
  });

  it('prints every finding with severity, what, why and fix as JSON', async () => {
    const r = await cli('doctor', '--distribution-config', fixture('plain'), ...bare, '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as {
      findings: Record<string, string>[];
      summary: { errors: number; exitCode: number };
    };
    expect(report.summary).toMatchObject({ errors: 2, exitCode: 1 });
    for (const f of report.findings) expect(Object.keys(f).sort()).toEqual(['code', 'fix', 'severity', 'what', 'why']);
  });

  it('accepts the whole get-distribution-config answer as well as the bare config', async () => {
    const file = join(dir, 'answer.json');
    writeFileSync(file, JSON.stringify({ ETag: 'E2QWRUHAPOMQZL', DistributionConfig: load('attached') }));
    expect((await cli('doctor', '--distribution-config', file, ...bare)).code).toBe(0);
  });

  it.each([
    [[] as string[], /exactly one of --distribution-config FILE and --live ID/],
    [['--live', ID, '--distribution-config', 'x.json'], /exactly one of/],
    [['--live', 'not-an-id'], /not a CloudFront distribution id/],
    [['--distribution-config', 'x.json', '--bogus'], /Unknown option '--bogus'/],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const r = await cli('doctor', ...args, ...bare);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim()).toMatch(/^tenant-gate doctor: [^\n]+; see tenant-gate doctor --help$/);
  });

  it('--live reads the distribution and the custom policies it references', async () => {
    const requested: string[] = [];
    const cachePolicy: CachePolicyConfig = {
      Name: 'reports-per-tenant',
      MinTTL: 0,
      DefaultTTL: 3600,
      MaxTTL: 86400,
      ParametersInCacheKeyAndForwardedToOrigin: {
        EnableAcceptEncodingGzip: true,
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'whitelist', Cookies: { Quantity: 1, Items: ['__Host-tenant'] } },
        QueryStringsConfig: { QueryStringBehavior: 'none' },
      },
    };
    const source: DistributionSource = {
      distributionConfig: async (id) => {
        requested.push(`distribution ${id}`);
        return load('misconfigured-cache');
      },
      cachePolicy: async (id) => {
        requested.push(`cache ${id}`);
        return cachePolicy;
      },
      originRequestPolicy: async (id): Promise<OriginRequestPolicyConfig | undefined> => {
        requested.push(`origin-request ${id}`);
        return undefined; // e.g. AccessDenied: reported as not checked
      },
      responseHeadersPolicy: async (id) => {
        requested.push(`response-headers ${id}`);
        return undefined;
      },
    };
    vi.spyOn(doctorSource, 'create').mockReturnValue(source);
    const r = await cli(
      'doctor',
      '--live',
      ID,
      '--path-pattern',
      '/files/*',
      '--path-pattern',
      '/reports/*',
      '--path-pattern',
      '/exports/*',
      '--token-lifetime',
      '3600',
      '--json',
    );
    const codes = (JSON.parse(r.out) as { findings: { code: string }[] }).findings.map((f) => f.code);
    expect(requested).toEqual([
      `distribution ${ID}`,
      'cache 7c1e4b2a-3d5f-4e6a-9b8c-0d1e2f3a4b5c',
      'cache d2f1a0b9-8c7e-4d6f-a5b4-c3d2e1f0a9b8',
      'origin-request e5a4b3c2-d1e0-4f9a-8b7c-6d5e4f3a2b1c',
    ]);
    expect(codes).toContain('CACHE_KEY_TOKEN_COOKIE');
    expect(codes).toContain('POLICY_NOT_CHECKED');
    expect(r.code).toBe(1);
  });

  it.each([
    ['private, no-cache', false],
    ['max-age=60', true],
  ])(
    '--live reads the response headers policy of the gated behavior (Cache-Control: %s → warning %s)',
    async (value, warns) => {
      const requested: string[] = [];
      vi.spyOn(doctorSource, 'create').mockReturnValue({
        distributionConfig: async () => load('attached'),
        cachePolicy: async () => undefined,
        originRequestPolicy: async () => undefined,
        responseHeadersPolicy: async (id) => {
          requested.push(id);
          return {
            Name: 'files',
            CustomHeadersConfig: { Quantity: 1, Items: [{ Header: 'Cache-Control', Value: value, Override: true }] },
          };
        },
      });
      const r = await cli('doctor', '--live', ID, '--path-pattern', '/files/*', '--token-lifetime', '3600', '--json');
      expect(requested).toEqual([HEADERS_POLICY]);
      const codes = (JSON.parse(r.out) as { findings: { code: string }[] }).findings.map((f) => f.code);
      expect(codes.includes('BROWSER_CACHE_NOT_PRIVATE')).toBe(warns);
    },
  );

  it('--live reads the runtime of every Lambda@Edge version once, and refuses a gate Lambda no longer updates', async () => {
    const asked: string[] = [];
    vi.spyOn(doctorSource, 'create').mockReturnValue({
      distributionConfig: async () => load('attached'),
      cachePolicy: async () => undefined,
      originRequestPolicy: async () => undefined,
      responseHeadersPolicy: async () => undefined,
      lambdaRuntime: async (arn) => {
        asked.push(arn);
        // nodejs20.x: Lambda blocks creating it since 2026-08-31 and updating it since 2026-09-30.
        return arn.includes('tenant-gate') ? 'nodejs20.x' : 'nodejs22.x';
      },
    });
    const r = await cli('doctor', '--live', ID, '--path-pattern', '/files/*', '--token-lifetime', '3600', '--json');
    expect(asked.sort()).toEqual([
      'arn:aws:lambda:us-east-1:123456789012:function:acme-api-request-id:12',
      'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:7',
    ]);
    const findings = (JSON.parse(r.out) as { findings: { code: string; severity: string; what: string }[] }).findings;
    const runtime = findings.filter((f) => f.code === 'EDGE_RUNTIME_RETIRING');
    expect(runtime).toEqual([
      expect.objectContaining({ severity: 'error', what: expect.stringContaining('tenant-gate-viewer-request:7') }),
    ]);
    expect(r.code).toBe(1);
  });
});

/** A repository config as its runner reads it: the demo's `{origin}` is the local CloudFront's (local/emulator.ts). */
function repositoryConfig(file: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8').replaceAll('{origin}', 'http://localhost:8443');
  const raw = JSON.parse(text) as { $schema?: string };
  delete raw.$schema;
  const out = join(dir, file.replaceAll('/', '-'));
  writeFileSync(out, JSON.stringify(raw));
  return out;
}

describe('doctor agrees with attach', () => {
  it.each([
    ['shipped', 'gatekeeper.config.json'],
    ['demo', 'demo/local.config.json'],
  ])('%s config (%s): doctor on what attach wrote reports no error, for either gate kind', async (name, file) => {
    const config = repositoryConfig(file);
    for (const [gate, arn] of [
      ['lambda-edge', EDGE_ARN],
      ['cloudfront-function', CF_ARN],
    ] as const) {
      const out = join(dir, `agree-${name}-${gate}.json`);
      // As the Serverless plugin attaches: the stack's outputs, the key group because the login signs cookies.
      const attached = await cli(
        'attach',
        '--distribution-config',
        fixture('plain'),
        '--config',
        config,
        '--gate',
        gate,
        '--arn',
        arn,
        '--auth-origin',
        AUTH_URL,
        '--auth-oac',
        'E3OACEXAMPLE1',
        '--auth-origin-request-policy',
        'd7a1f0c3-5e2b-4a9d-8c6f-1b3e5a7c9d02',
        '--response-headers-policy',
        HEADERS_POLICY,
        '--key-group',
        'kg-1',
        '--out',
        out,
      );
      expect(attached.code).toBe(0);
      const r = await cli('doctor', '--distribution-config', out, '--config', config, '--json');
      const report = JSON.parse(r.out) as {
        findings: { code: string; severity: string }[];
        summary: { errors: number };
      };
      expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(r.code).toBe(0);
      // IPv6 is on in the fixture and both configs bind sessions on request (bindIp optional) through signed cookies.
      expect(report.findings).toContainEqual(
        expect.objectContaining({ code: 'IPV6_WITH_IP_BINDING', severity: 'info' }),
      );
    }
  });
});

describe('tenant-gate attach / detach offline', () => {
  it('attach on plain.json gives attached.json, and says what changed', async () => {
    const out = join(dir, 'attached-by-cli.json');
    const r = await cli('attach', '--distribution-config', fixture('plain'), ...ATTACH, '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toContain('/files/*: viewer-request → Lambda@Edge');
    expect(r.out).toContain('/auth/*: added behavior');
    expect(r.out).toContain(`/files/*: response headers policy ${HEADERS_POLICY} (Cache-Control: private, no-cache)`);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(load('attached'));
  });

  it('is idempotent: attach on attached.json changes nothing', async () => {
    const r = await cli('attach', '--distribution-config', fixture('attached'), ...ATTACH);
    expect(r.code).toBe(0);
    expect(r.out).toContain('nothing to change');
  });

  it('detach on attached.json gives plain.json back, and a second detach changes nothing', async () => {
    const out = join(dir, 'detached.json');
    const r = await cli(
      'detach',
      '--distribution-config',
      fixture('attached'),
      '--response-headers-policy',
      HEADERS_POLICY,
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('/auth/*: removed behavior');
    expect(r.out).toContain(`/files/*: response headers policy ${HEADERS_POLICY} removed`);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(load('plain'));
    expect((await cli('detach', '--distribution-config', out)).out).toContain('nothing to change');
  });

  it('puts --auth-origin-request-policy on the auth behavior; without it, the managed AllViewerExceptHostHeader', async () => {
    const out = join(dir, 'orp.json');
    const args = ['--distribution-config', fixture('plain'), ...ATTACH];
    expect((await cli('attach', ...args, '--auth-origin-request-policy', 'orp-login', '--out', out)).code).toBe(0);
    const auth = (config: DistributionConfig) => config.CacheBehaviors?.Items?.find((b) => b.PathPattern === '/auth/*');
    expect(auth(JSON.parse(readFileSync(out, 'utf8')) as DistributionConfig)?.OriginRequestPolicyId).toBe('orp-login');
    const back = join(dir, 'orp-back.json');
    expect((await cli('attach', '--distribution-config', out, ...ATTACH, '--out', back)).code).toBe(0);
    expect(JSON.parse(readFileSync(back, 'utf8'))).toEqual(load('attached'));
  });

  it('signs the auth origin with the origin access control, the key group on the gated behavior', async () => {
    const out = join(dir, 'oac.json');
    const args = [
      'attach',
      '--distribution-config',
      fixture('plain'),
      ...ATTACH,
      '--auth-oac',
      'E3OACEXAMPLE1',
      '--key-group',
      'kg-1',
      '--out',
      out,
    ];
    expect((await cli(...args)).code).toBe(0);
    const config = JSON.parse(readFileSync(out, 'utf8')) as DistributionConfig;
    expect(config.Origins?.Items?.find((o) => o.Id === 'tenant-gate-auth')?.OriginAccessControlId).toBe(
      'E3OACEXAMPLE1',
    );
    expect(config.CacheBehaviors?.Items?.find((b) => b.PathPattern === '/files/*')?.TrustedKeyGroups).toEqual({
      Enabled: true,
      Quantity: 1,
      Items: ['kg-1'],
    });
    const again = await cli(
      'attach',
      '--distribution-config',
      out,
      ...ATTACH,
      '--auth-oac',
      'E3OACEXAMPLE1',
      '--key-group',
      'kg-1',
    );
    expect(again.out).toContain('nothing to change');
    const detached = join(dir, 'oac-detached.json');
    expect(
      (
        await cli(
          'detach',
          '--distribution-config',
          out,
          '--key-group',
          'kg-1',
          '--response-headers-policy',
          HEADERS_POLICY,
          '--out',
          detached,
        )
      ).code,
    ).toBe(0);
    expect(JSON.parse(readFileSync(detached, 'utf8'))).toEqual(load('plain'));
  });

  it('switches the gate kind without ever leaving both kinds on the viewer events', async () => {
    const r = await cli(
      'attach',
      '--distribution-config',
      fixture('attached'),
      '--gate',
      'cloudfront-function',
      '--arn',
      CF_ARN,
      '--path-pattern',
      '/files/*',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain(`removed Lambda@Edge ${EDGE_ARN} from viewer-request`);
    expect(r.out).toContain(`viewer-request → CloudFront Function ${CF_ARN}`);
  });

  it("keeps a gated behavior's own response headers policy unless --force, and says so", async () => {
    const foreign = load('plain');
    const files = foreign.CacheBehaviors?.Items?.find((b) => b.PathPattern === '/files/*');
    if (files === undefined) throw new Error('plain.json has no /files/*');
    files.ResponseHeadersPolicyId = '5d8e0f3b-2a9c-4c71-b6e4-7f1a3c9d2e08';
    const file = join(dir, 'foreign-headers.json');
    writeFileSync(file, JSON.stringify(foreign));
    const kept = await cli('attach', '--distribution-config', file, ...ATTACH);
    expect(kept.code).toBe(0);
    expect(kept.out).toContain(
      '/files/*: kept its own response headers policy 5d8e0f3b-2a9c-4c71-b6e4-7f1a3c9d2e08: add Cache-Control: private, no-cache to it',
    );
    const forced = await cli('attach', '--distribution-config', file, ...ATTACH, '--force');
    expect(forced.out).toContain(
      `/files/*: replaced response headers policy 5d8e0f3b-2a9c-4c71-b6e4-7f1a3c9d2e08 with ${HEADERS_POLICY}`,
    );
  });

  it('converges: signed cookies off removes the key group the stack owned, listing every field', async () => {
    const withKeys = join(dir, 'with-keys.json');
    await cli('attach', '--distribution-config', fixture('plain'), ...ATTACH, '--key-group', 'kg-1', '--out', withKeys);
    const out = join(dir, 'keys-off.json');
    const r = await cli(
      'attach',
      '--distribution-config',
      withKeys,
      ...ATTACH,
      '--owned-key-group',
      'kg-1',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('/files/*: trusted key group kg-1 removed (no longer required by the stack)');
    expect(r.out).toContain(
      'behavior /files/*: TrustedKeyGroups: {"Enabled":true,"Items":["kg-1"]} → {"Enabled":false}',
    );
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(load('attached'));
  });

  it('converges: a new path pattern; the behavior attach created goes once it is named with --created-behavior', async () => {
    const docs = join(dir, 'docs.json');
    const first = await cli(
      'attach',
      '--distribution-config',
      fixture('attached'),
      ...ATTACH.filter((a) => a !== '/files/*' && a !== '--path-pattern'),
      '--path-pattern',
      '/docs/*',
      '--clone-missing-behavior',
      '--out',
      docs,
    );
    expect(first.code).toBe(0);
    expect(first.out).toContain(`/files/*: removed Lambda@Edge ${EDGE_ARN} from viewer-request`);
    expect(first.out).toContain(
      'behaviors created by attach (pass to the next attach and to detach): --created-behavior /docs/*',
    );
    const back = join(dir, 'back.json');
    const second = await cli(
      'attach',
      '--distribution-config',
      docs,
      ...ATTACH,
      '--created-behavior',
      '/docs/*',
      '--out',
      back,
    );
    expect(second.out).toContain('/docs/*: removed behavior (created by attach, no longer gated)');
    expect(second.out).toContain('behavior /docs/*: (itself): present → removed');
    expect(JSON.parse(readFileSync(back, 'utf8'))).toEqual(load('attached'));
  });

  it("replaces the stack's previous response headers policy without --force", async () => {
    const r = await cli(
      'attach',
      '--distribution-config',
      fixture('attached'),
      ...ATTACH.slice(0, -1),
      'new-policy-id',
      '--owned-response-headers-policy',
      HEADERS_POLICY,
    );
    expect(r.out).toContain(
      `/files/*: replaced the stack's previous response headers policy ${HEADERS_POLICY} with new-policy-id`,
    );
  });

  it('detach takes several key groups and policies (those of previous deploys too)', async () => {
    const withKeys = join(dir, 'two-keys.json');
    await cli('attach', '--distribution-config', fixture('plain'), ...ATTACH, '--key-group', 'kg-1', '--out', withKeys);
    const out = join(dir, 'two-keys-detached.json');
    const r = await cli(
      'detach',
      '--distribution-config',
      withKeys,
      '--key-group',
      'kg-0',
      '--key-group',
      'kg-1',
      '--response-headers-policy',
      'old-policy',
      '--response-headers-policy',
      HEADERS_POLICY,
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(load('plain'));
  });

  it('attach --help documents the ownership options', async () => {
    const r = await cli('attach', '--help');
    for (const flag of [
      '--owned-key-group',
      '--owned-response-headers-policy',
      '--owned-oac',
      '--created-behavior',
      '--marker',
    ])
      expect(r.out).toContain(`  ${flag} `);
  });

  it.each(['attach', 'detach'])('%s --help documents --response-headers-policy', async (name) => {
    const r = await cli(name, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}--response-headers-policy ID {2}/m);
    expect(r.out).toContain('TenantGatePrivateFilesHeadersPolicyId');
  });

  it('refuses a missing gated behavior with its code (exit 1)', async () => {
    const r = await cli(
      'attach',
      '--distribution-config',
      fixture('plain'),
      '--gate',
      'lambda-edge',
      '--arn',
      EDGE_ARN,
      '--path-pattern',
      '/exports/*',
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^ERR_ATTACH_BEHAVIOR_MISSING: no cache behavior with path pattern "\/exports\/\*"/m);
  });

  it.each([
    [['--gate', 'both', '--arn', EDGE_ARN], /--gate must be one of lambda-edge, cloudfront-function/],
    [['--gate', 'lambda-edge'], /--arn is required/],
    [
      ['--gate', 'lambda-edge', '--arn', EDGE_ARN, '--auth-oac', 'E3'],
      /--auth-oac, --auth-origin-id and --auth-origin-request-policy need --auth-origin/,
    ],
    [
      ['--gate', 'lambda-edge', '--arn', EDGE_ARN, '--auth-origin-request-policy', 'orp-1'],
      /--auth-oac, --auth-origin-id and --auth-origin-request-policy need --auth-origin/,
    ],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const r = await cli('attach', '--distribution-config', fixture('plain'), '--path-pattern', '/files/*', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('takes the gated behaviors from the gate config by default', async () => {
    const r = await cli(
      'attach',
      '--distribution-config',
      fixture('plain'),
      '--gate',
      'lambda-edge',
      '--arn',
      EDGE_ARN,
      '--config',
      gateConfig('never.json', 'never'),
    );
    expect(r.out).toContain('/files/*: viewer-request');
  });
});

describe('tenant-gate attach / detach live', () => {
  it('updates with IfMatch, retrying on PreconditionFailed', async () => {
    const fake = new FakeCloudFront(load('plain'), 1);
    vi.spyOn(cloudFront, 'client').mockReturnValue(fake);
    const r = await cli('attach', '--distribution-id', ID, ...ATTACH);
    expect(r.code).toBe(0);
    expect(fake.calls).toEqual(['get', 'update', 'get', 'update']);
    expect(fake.ifMatch).toEqual(['ETAG1', 'ETAG2']);
    expect(r.err).toContain('PreconditionFailed');
    expect(r.out).toContain(`distribution ${ID} updated (ETag ETAG3)`);
    expect(fake.config).toEqual(load('attached'));
  });

  it('--dry-run reads and writes nothing', async () => {
    const fake = new FakeCloudFront(load('plain'));
    vi.spyOn(cloudFront, 'client').mockReturnValue(fake);
    const r = await cli('attach', '--distribution-id', ID, ...ATTACH, '--dry-run');
    expect(r.code).toBe(0);
    expect(fake.calls).toEqual(['get']);
    expect(r.out).toContain('attach (dry run');
    expect(fake.config).toEqual(load('plain'));
  });

  it('detach --wait waits for the deployment after a change, and makes no call when nothing changes', async () => {
    const fake = new FakeCloudFront(load('attached'));
    vi.spyOn(cloudFront, 'client').mockReturnValue(fake);
    const wait = vi.spyOn(cloudFront, 'waitDeployed').mockResolvedValue(undefined);
    expect(
      (await cli('detach', '--distribution-id', ID, '--response-headers-policy', HEADERS_POLICY, '--wait')).code,
    ).toBe(0);
    expect(wait).toHaveBeenCalledWith(ID, expect.anything());
    expect(fake.config).toEqual(load('plain'));
    const second = await cli('detach', '--distribution-id', ID, '--response-headers-policy', HEADERS_POLICY, '--wait');
    expect(second.out).toContain('nothing to change');
    expect(fake.calls.filter((c) => c === 'update')).toHaveLength(1);
    expect(wait).toHaveBeenCalledTimes(1);
  });
});

describe('docs/deploy.md', () => {
  /** Every `npx tenant-gate attach|detach|doctor …` of the guide, in order, without its trailing comment. */
  const commands = (): string[][] =>
    [
      ...readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8').matchAll(
        /npx tenant-gate ((?:attach|detach|doctor)[^`\n]*)/g,
      ),
    ].map((m) =>
      (m[1] ?? '')
        .replace(/\s+#.*$/, '')
        .trim()
        .split(/\s+/),
    );

  it('runs every attach, detach and doctor command the guide shows, in its order', async () => {
    const shown = commands();
    expect(shown.map((argv) => argv[0])).toEqual([
      'doctor',
      'attach',
      'attach',
      'attach',
      'attach',
      'doctor',
      'doctor',
      'detach',
    ]);
    // The guide's files: its gate config, and `aws cloudfront get-distribution-config --id … > dist.json`.
    const raw = JSON.parse(readFileSync(join(ROOT, 'gatekeeper.config.json'), 'utf8')) as { $schema?: string };
    delete raw.$schema;
    writeFileSync(join(dir, 'gatekeeper.prod.json'), JSON.stringify(raw));
    writeFileSync(
      join(dir, 'dist.json'),
      JSON.stringify({ ETag: 'E2QWRUHAPOMQZL', DistributionConfig: load('plain') }),
    );
    // As a deploy leaves it: /auth/* with the stack's login origin request policy (the guide's id).
    const deployed = load('attached');
    deployed.CacheBehaviors!.Items!.find((b) => b.PathPattern === '/auth/*')!.OriginRequestPolicyId =
      'd7a1f0c3-5e2b-4a9d-8c6f-1b3e5a7c9d02';
    const fake = new FakeCloudFront(deployed);
    vi.spyOn(cloudFront, 'client').mockReturnValue(fake);
    vi.spyOn(cloudFront, 'waitDeployed').mockResolvedValue(undefined);
    vi.spyOn(doctorSource, 'create').mockReturnValue({
      distributionConfig: async () => structuredClone(fake.config),
      cachePolicy: async () => undefined,
      // Read live: the stack's login policy, so the doctor judges it (it forwards CloudFront-Viewer-Address).
      originRequestPolicy: async (id: string) =>
        id === 'd7a1f0c3-5e2b-4a9d-8c6f-1b3e5a7c9d02'
          ? loginOriginRequestPolicyConfig(
              'tenant-gate-prod-login',
              loginOriginRequest({
                cookieName: '__Host-tenant',
                login: { identity: { tokenHeader: 'x-identity-token' } },
              }),
            )
          : undefined,
      responseHeadersPolicy: async () => undefined,
    });
    const codes: number[] = [];
    for (const argv of shown) {
      const r = await cli(...argv);
      expect(r.err, argv.join(' ')).not.toMatch(/see tenant-gate \w+ --help/);
      codes.push(r.code);
    }
    // The live doctor of the guide's first steps sees the distribution attached; the offline doctor looks at dist.json,
    // the distribution before attach: the gate is missing there.
    expect(codes).toEqual([0, 0, 0, 0, 0, 0, 1, 0]);
    const moved = JSON.parse(readFileSync(join(dir, 'moved.json'), 'utf8')) as DistributionConfig;
    const files = moved.CacheBehaviors?.Items?.find((b) => b.PathPattern === '/files/*');
    expect(files?.LambdaFunctionAssociations).toEqual({ Quantity: 0 });
    expect(moved.CacheBehaviors?.Items?.some((b) => b.PathPattern === '/documents/*')).toBe(true);
    expect(fake.config).toEqual(load('plain'));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// deploy/serverless-plugin.cjs with a fake Serverless
// ---------------------------------------------------------------------------------------------------------------

interface PluginInstance {
  hooks: Record<string, () => unknown>;
  testThenPublish: () => Promise<void>;
  runCommand: (name: string, argv: string[], io: CliIO) => Promise<number>;
}
type PluginClass = new (serverless: unknown, options: unknown, utils: unknown) => PluginInstance;
const Plugin = createRequire(import.meta.filename)('../../deploy/serverless-plugin.cjs') as PluginClass;

describe('serverless plugin', () => {
  const artifacts = (): string => join(dir, 'artifacts');
  const manifest = (over: Record<string, unknown> = {}): void => {
    mkdirSync(artifacts(), { recursive: true });
    writeFileSync(join(artifacts(), 'cf.js'), 'function handler(event) { return event.request; }\n');
    writeFileSync(
      join(artifacts(), 'manifest.json'),
      JSON.stringify({
        version: 1,
        stage: 'prod',
        configFile: 'gatekeeper.config.json',
        gatedPathPatterns: ['/files/*'],
        artifacts: { viewerRequest: 'x.zip', login: 'y.zip' },
        cloudFrontFunction: { file: join(artifacts(), 'cf.js'), keyValueStore: false },
        cloudFrontKeys: null,
        requireSignatures: false,
        loginSecrets: { ssmParameters: ['/tenant-gate/prod/signing-key'], secretsManagerSecrets: [], files: [] },
        ...over,
      }),
    );
  };
  const previous = process.env['TENANT_GATE_ARTIFACTS_DIR'];
  beforeAll(() => {
    process.env['TENANT_GATE_ARTIFACTS_DIR'] = artifacts();
  });
  afterAll(() => {
    if (previous === undefined) delete process.env['TENANT_GATE_ARTIFACTS_DIR'];
    else process.env['TENANT_GATE_ARTIFACTS_DIR'] = previous;
  });

  function make(custom: Record<string, unknown>, outputs: Record<string, string> = {}) {
    const template = {
      Resources: { TenantGateViewerFunction: { Type: 'AWS::CloudFront::Function', Properties: { FunctionCode: 'x' } } },
      Outputs: {},
    };
    const logged: string[] = [];
    const serverless = {
      service: { custom: { tenantGate: custom }, provider: { compiledCloudFormationTemplate: template } },
      serviceDir: dir,
      classes: { Error },
      getProvider: () => ({
        getStage: () => 'prod',
        naming: { getStackName: () => 'tenant-gate-prod' },
        request: async (service: string, method: string) => {
          expect([service, method]).toEqual(['CloudFormation', 'describeStacks']);
          return {
            Stacks: [
              { Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) },
            ],
          };
        },
      }),
    };
    const log = {
      notice: (t: string) => logged.push(t),
      warning: (t: string) => logged.push(`warning: ${t}`),
      error: (t: string) => logged.push(`error: ${t}`),
    };
    const plugin = new Plugin(serverless, {}, { log });
    // Test-then-publish has its own tests (test/deploy/publish.test.ts, test/deploy/lifecycle.test.ts).
    plugin.testThenPublish = async () => undefined;
    const calls: { name: string; argv: string[] }[] = [];
    plugin.runCommand = async (name, argv) => {
      calls.push({ name, argv });
      return 0;
    };
    return { plugin, template, calls, logged };
  }
  const settings = {
    distributionId: 'E1A2B3C4D5E6F7',
    gate: 'lambda-edge',
    pathPatterns: ['/files/*'],
    authPathPattern: '/auth/*',
  };
  const outputs = {
    ViewerRequestLambdaFunctionQualifiedArn:
      'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-prod-viewer-request:3',
    TenantGateCloudFrontFunctionArn: 'arn:aws:cloudfront::123456789012:function/tenant-gate-prod-viewer',
    LoginLambdaFunctionUrl: AUTH_URL,
    TenantGateLoginOriginAccessControlId: 'E3OACEXAMPLE1',
    TenantGateLoginOriginRequestPolicyId: 'd7a1f0c3-5e2b-4a9d-8c6f-1b3e5a7c9d02',
    TenantGateKeyGroupId: 'kg-1',
    TenantGateViewerRequestFunctionName: 'tenant-gate-prod-viewer-request',
    TenantGatePrivateFilesHeadersPolicyId: HEADERS_POLICY,
  };

  it('puts the built CloudFront Function into the template at package time (no AWS call)', async () => {
    manifest();
    const { plugin, template } = make(settings);
    await plugin.hooks['before:aws:package:finalize:saveServiceState']!();
    expect(template.Resources.TenantGateViewerFunction.Properties.FunctionCode).toBe(
      'function handler(event) { return event.request; }\n',
    );
  });

  it('refuses to package artifacts built for another stage, and secrets outside the stage prefix', async () => {
    manifest({ stage: 'dev' });
    expect(() => make(settings).plugin.hooks['before:aws:package:finalize:saveServiceState']!()).toThrow(
      /built for stage "dev", this is stage "prod"/,
    );
    manifest({
      loginSecrets: { ssmParameters: ['/tenant-gate/dev/signing-key'], secretsManagerSecrets: [], files: [] },
    });
    expect(() => make(settings).plugin.hooks['before:aws:package:finalize:saveServiceState']!()).toThrow(
      /may not read SSM parameter \/tenant-gate\/dev\/signing-key/,
    );
  });

  it.each([
    [{ ...settings, distributionId: '' }, {}, /distributionId must be the id/],
    [{ ...settings, gate: 'both' }, {}, /gate must be one of/],
    [{ ...settings, authPathPattern: '/login/*' }, {}, /authPathPattern must be \/auth\/\*, where the login serves/],
    [settings, { requireSignatures: true }, /holds no public key/],
    [settings, { loginSecrets: { ssmParameters: [], secretsManagerSecrets: [], files: ['key.pem'] } }, /from files/],
  ])('refuses to deploy with %j / manifest %j', (custom, over, message) => {
    manifest(over);
    expect(() => make(custom).plugin.hooks['before:deploy:deploy']!()).toThrow(message);
  });

  it('attaches after deploy with the stack outputs; the key group only once the login signs', async () => {
    manifest();
    const first = make(settings, outputs);
    await first.plugin.hooks['after:deploy:deploy']!();
    expect(first.calls).toEqual([
      {
        name: 'attach',
        argv: [
          '--distribution-id',
          'E1A2B3C4D5E6F7',
          '--gate',
          'lambda-edge',
          '--arn',
          outputs.ViewerRequestLambdaFunctionQualifiedArn,
          '--auth-origin',
          'k3x7vq2mzl5ubd4hwe6rtyjaoi0pnsfc.lambda-url.us-east-1.on.aws',
          '--auth-path',
          '/auth/*',
          '--path-pattern',
          '/files/*',
          '--auth-oac',
          'E3OACEXAMPLE1',
          // The login's policy: CloudFront-Viewer-Address for IP-bound links, never Host.
          '--auth-origin-request-policy',
          'd7a1f0c3-5e2b-4a9d-8c6f-1b3e5a7c9d02',
          '--response-headers-policy',
          HEADERS_POLICY,
          // What the stack owns (its outputs before and after the deploy): attach removes what is no longer wanted.
          '--owned-key-group',
          'kg-1',
          '--owned-response-headers-policy',
          HEADERS_POLICY,
          '--owned-oac',
          'E3OACEXAMPLE1',
        ],
      },
    ]);
    manifest({ requireSignatures: true, cloudFrontKeys: { keys: [] } });
    const second = make({ ...settings, gate: 'cloudfront-function' }, outputs);
    await second.plugin.hooks['after:deploy:deploy']!();
    expect(second.calls[0]?.argv).toEqual(
      expect.arrayContaining(['--arn', outputs.TenantGateCloudFrontFunctionArn, '--key-group', 'kg-1']),
    );
  });

  it('passes the response headers policy only when the stack outputs one (a stack deployed before it existed)', async () => {
    manifest();
    const { TenantGatePrivateFilesHeadersPolicyId: _policy, ...older } = outputs;
    const attaching = make(settings, older);
    await attaching.plugin.hooks['after:deploy:deploy']!();
    expect(attaching.calls[0]?.argv).not.toContain('--response-headers-policy');
    const detaching = make(settings, older);
    await detaching.plugin.hooks['before:remove:remove']!();
    expect(detaching.calls[0]?.argv).not.toContain('--response-headers-policy');
  });

  it('with folder grants, attach gates /grants/* and remove takes the behavior away with the gate', async () => {
    manifest({ grantsPathPattern: '/grants/*' });
    const attaching = make(settings, outputs);
    await attaching.plugin.hooks['after:deploy:deploy']!();
    const argv = attaching.calls[0]!.argv;
    expect(argv.slice(argv.indexOf('--grants-path-pattern'), argv.indexOf('--grants-path-pattern') + 2)).toEqual([
      '--grants-path-pattern',
      '/grants/*',
    ]);
    const detaching = make(settings, outputs);
    await detaching.plugin.hooks['before:remove:remove']!();
    const removed = detaching.calls[0]!.argv;
    expect(removed.slice(removed.indexOf('--remove-behavior'), removed.indexOf('--remove-behavior') + 2)).toEqual([
      '--remove-behavior',
      '/grants/*',
    ]);
  });

  it('detaches (and waits) before remove, then says how to delete the retained Lambda@Edge function', async () => {
    manifest();
    const { plugin, calls, logged } = make(settings, outputs);
    await plugin.hooks['before:remove:remove']!();
    expect(calls).toEqual([
      {
        name: 'detach',
        argv: [
          '--distribution-id',
          'E1A2B3C4D5E6F7',
          '--auth-path',
          '/auth/*',
          '--wait',
          '--key-group',
          'kg-1',
          '--response-headers-policy',
          HEADERS_POLICY,
        ],
      },
    ]);
    plugin.hooks['after:remove:remove']!();
    expect(logged.join('\n')).toContain('tenant-gate-prod-viewer-request was retained');
    expect(logged.join('\n')).toContain('npx tenant-gate cleanup --stage prod');
  });

  it('fails the removal, leaving the stack, when detach fails', async () => {
    manifest();
    const { plugin } = make(settings, outputs);
    plugin.runCommand = async (_name, _argv, io) => {
      io.err('ERR_UPDATE_CONFLICT: changed by someone else');
      return 1;
    };
    await expect(plugin.hooks['before:remove:remove']!()).rejects.toThrow(
      /detach failed, the stack was left in place: ERR_UPDATE_CONFLICT/,
    );
  });
});
