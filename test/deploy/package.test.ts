/**
 * `npm run package` offline (no AWS credentials, every HTTP(S) request sent to a dead proxy), and the CloudFormation
 * template it writes checked against every deployment rule of issue #6 item 1. Two runs: the repository's config,
 * and a variant with the KeyValueStore and CloudFront signing keys, in folders of their own.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResponseHeadersPolicyConfig } from '@aws-sdk/client-cloudfront';
import { buildArtifacts } from '../../build/artifacts';
import { keepsBrowserCachePrivate } from '../../deploy/doctor';
import { zipFiles } from '../../deploy/package-artifacts';
import { CLOUDFRONT_FUNCTION_MAX_BYTES } from '../../lib/cloudfront-limits';
import { LOGIN_DEFAULTS } from '../../config/login';
import {
  LOGIN_VIEWER_HEADERS,
  ORIGIN_REQUEST_POLICY_MAX_HEADERS,
  VIEWER_ADDRESS_HEADER,
} from '../../login/origin-request';

const ROOT = join(import.meta.dirname, '..', '..');
const STAGE = 'dev';
/** The variant's identity token header: the login's origin request policy must follow it. */
const VARIANT_TOKEN_HEADER = 'x-variant-identity';
/** The edge function's name: a fixed base and the first 8 hex digits of the stack id (new per stack, kept per update). */
const EDGE_NAME = {
  'Fn::Join': [
    '-',
    [
      `tenant-gate-${STAGE}-edge`,
      {
        'Fn::Select': [
          0,
          { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] },
        ],
      },
    ],
  ],
};
const EDGE_LOG_NAME = `tenant-gate-${STAGE}-edge-*`;

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: unknown;
}
interface Template {
  Parameters?: Record<string, Json>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Value: unknown }>;
}
interface PackageRun {
  template: Template;
  state: {
    service: {
      provider: { region: string; stage: string; environment?: unknown };
      functions: Record<string, { package: { artifact: string } }>;
    };
  };
  artifactsDir: string;
  serverlessDir: string;
  ms: number;
}

/** The environment of a machine with no AWS access at all. */
function offlineEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('AWS_') && !/^(https?|no)_proxy$/i.test(k)) env[k] = v;
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    // Any request (credentials, STS, update checks) goes to a closed port and fails: packaging must not need one.
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    STAGE,
    ...extra,
  };
}

const run = promisify(execFile);

async function npmPackage(
  artifactsDir: string,
  serverlessDir: string,
  extraEnv: Record<string, string> = {},
  args: string[] = [],
): Promise<PackageRun> {
  const started = Date.now();
  try {
    await run('npm', ['run', '--silent', 'package', '--', ...args], {
      cwd: ROOT,
      env: offlineEnv({ TENANT_GATE_ARTIFACTS_DIR: artifactsDir, ...extraEnv }),
      timeout: 110_000,
    });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`npm run package failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
  const ms = Date.now() - started;
  const read = <T>(file: string): T => JSON.parse(readFileSync(join(ROOT, serverlessDir, file), 'utf8')) as T;
  return {
    template: read<Template>('cloudformation-template-update-stack.json'),
    state: read<PackageRun['state']>('serverless-state.json'),
    artifactsDir,
    serverlessDir,
    ms,
  };
}

const ofType = (t: Template, type: string): [string, Resource][] =>
  Object.entries(t.Resources).filter(([, r]) => r.Type === type);
const resource = (t: Template, id: string): Resource => {
  const r = t.Resources[id];
  if (r === undefined) throw new Error(`template has no ${id}`);
  return r;
};
/** Every string in a value (Fn::Sub templates included), to check ARNs whatever intrinsic wraps them. */
const strings = (v: unknown): string[] =>
  typeof v === 'string'
    ? [v]
    : Array.isArray(v)
      ? v.flatMap(strings)
      : typeof v === 'object' && v !== null
        ? Object.values(v).flatMap(strings)
        : [];
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}
const statementsOf = (role: Resource): Statement[] =>
  ((role.Properties['Policies'] as { PolicyDocument: { Statement: Statement[] } }[]) ?? []).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
const actions = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** Reads the one-file zip Serverless will upload: local header, then the deflated data. */
function unzipSingle(zip: Buffer): { name: string; content: Buffer } {
  expect(zip.readUInt32LE(0)).toBe(0x04034b50);
  const method = zip.readUInt16LE(8);
  const size = zip.readUInt32LE(18);
  const nameLength = zip.readUInt16LE(26);
  const extra = zip.readUInt16LE(28);
  const name = zip.subarray(30, 30 + nameLength).toString('utf8');
  const data = zip.subarray(30 + nameLength + extra, 30 + nameLength + extra + size);
  return { name, content: method === 8 ? inflateRawSync(data) : data };
}

describe('npm run package (offline)', () => {
  let base: PackageRun;
  let variant: PackageRun;
  const variantDir = '.serverless-artifacts/test-variant';
  const keysDir = `${variantDir}-keys`;
  let publicKeys: Record<string, string>;

  let withoutBuild: { stdout: string; failed: boolean };

  // Order matters: a run with `--package DIR` empties the default .serverless/, so the default run comes last.
  beforeAll(async () => {
    withoutBuild = await run(
      join(ROOT, 'node_modules', '.bin', 'serverless'),
      ['package', '--stage', STAGE, '--package', '.serverless-artifacts/test-nobuild/sls'],
      {
        cwd: ROOT,
        env: offlineEnv({ TENANT_GATE_ARTIFACTS_DIR: '.serverless-artifacts/test-nobuild' }),
        timeout: 60_000,
      },
    ).then(
      (r) => ({ stdout: r.stdout, failed: false }),
      (error: unknown) => ({ stdout: String((error as { stdout?: string }).stdout), failed: true }),
    );

    // Variant: CloudFront Function keys and kill switch in a KeyValueStore, CloudFront signing on, secrets in SSM.
    rmSync(join(ROOT, variantDir), { recursive: true, force: true });
    rmSync(join(ROOT, keysDir), { recursive: true, force: true });
    mkdirSync(join(ROOT, variantDir), { recursive: true });
    mkdirSync(join(ROOT, keysDir), { recursive: true });
    const raw = JSON.parse(readFileSync(join(ROOT, 'gatekeeper.config.json'), 'utf8')) as Json & { login: Json };
    raw['cloudfrontFunction'] = { keySource: 'keyValueStore', tenantKillSwitch: true };
    raw['lambdaEdge'] = { revocation: true };
    (raw.login['identity'] as Json)['tokenHeader'] = VARIANT_TOKEN_HEADER;
    raw.login['secrets'] = {
      signingKey: { ssmParameter: `/tenant-gate/${STAGE}/signing-key` },
      cloudfrontPrivateKey: { ssmParameter: `/tenant-gate/${STAGE}/cloudfront-keys/cf-2026-11` },
    };
    writeFileSync(join(ROOT, variantDir, 'gatekeeper.config.json'), JSON.stringify(raw));
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    publicKeys = { 'cf-2026-05': rsa, 'cf-2026-11': ec };
    for (const [name, pem] of Object.entries(publicKeys)) writeFileSync(join(ROOT, keysDir, `${name}.pem`), pem);
    variant = await npmPackage(
      variantDir,
      `${variantDir}/sls`,
      { TENANT_GATE_CONFIG: `${variantDir}/gatekeeper.config.json`, TENANT_GATE_CLOUDFRONT_KEYS: keysDir },
      ['--package', `${variantDir}/sls`],
    );
    base = await npmPackage('.serverless-artifacts', '.serverless');
  }, 240_000);

  it('runs without AWS credentials or network, in reasonable time', () => {
    expect(base.template.Resources).toBeDefined();
    // Generous: two cores, a cold npm and Serverless start. Typically 3 to 5 s.
    expect(base.ms).toBeLessThan(90_000);
  });

  it('runs every function on nodejs22.x (nodejs20.x can no longer be created or updated)', () => {
    const runtimes = ofType(base.template, 'AWS::Lambda::Function').map(([id, r]) => [id, r.Properties['Runtime']]);
    expect(runtimes.length).toBeGreaterThanOrEqual(2);
    for (const [id, runtime] of runtimes) expect(runtime, String(id)).toBe('nodejs22.x');
  });

  it('names the edge function per stack, and its log group to match', () => {
    expect(resource(base.template, 'ViewerRequestLogGroup').Properties['LogGroupName']).toEqual({
      'Fn::Join': ['', ['/aws/lambda/', EDGE_NAME]],
    });
    expect(base.template.Outputs['TenantGateViewerRequestFunctionName']?.Value).toEqual({
      Ref: 'ViewerRequestLambdaFunction',
    });
  });

  it('deploys to us-east-1 (Lambda@Edge lives there only), with no provider-wide environment', () => {
    expect(base.state.service.provider.region).toBe('us-east-1');
    expect(base.state.service.provider.stage).toBe(STAGE);
    expect(base.state.service.provider.environment).toBeUndefined();
  });

  describe('the Lambda@Edge viewer-request function', () => {
    const edge = (): Resource => resource(base.template, 'ViewerRequestLambdaFunction');

    it('fits the Lambda@Edge viewer-event limits', () => {
      const p = edge().Properties;
      expect(edge().Type).toBe('AWS::Lambda::Function');
      expect(p['FunctionName']).toEqual(EDGE_NAME);
      expect(p['Runtime']).toBe('nodejs22.x');
      expect(p['MemorySize']).toBeLessThanOrEqual(128);
      expect(p['Timeout']).toBeLessThanOrEqual(5);
      expect(p['Architectures']).toEqual(['x86_64']);
    });

    it('has no environment, VPC, layers, dead-letter queue or active tracing', () => {
      const p = edge().Properties;
      for (const forbidden of [
        'Environment',
        'VpcConfig',
        'Layers',
        'DeadLetterConfig',
        'FileSystemConfigs',
        'ImageConfig',
      ])
        expect(p, forbidden).not.toHaveProperty(forbidden);
      const tracing = p['TracingConfig'] as { Mode?: string } | undefined;
      expect(tracing === undefined || tracing.Mode === 'PassThrough').toBe(true);
    });

    it('publishes a numbered version, output for attach; function and versions are retained', () => {
      const versions = ofType(base.template, 'AWS::Lambda::Version').filter(
        ([, r]) =>
          JSON.stringify(r.Properties['FunctionName']) === JSON.stringify({ Ref: 'ViewerRequestLambdaFunction' }),
      );
      expect(versions).toHaveLength(1);
      const [versionId, version] = versions[0]!;
      expect(version.DeletionPolicy).toBe('Retain');
      expect(base.template.Outputs['ViewerRequestLambdaFunctionQualifiedArn']?.Value).toEqual({ Ref: versionId });
      expect(edge().DeletionPolicy).toBe('Retain');
      expect(edge().UpdateReplacePolicy).toBe('Retain');
    });

    it('runs with a role trusted by lambda and edgelambda, allowed to log in every region its replicas run in', () => {
      expect(edge().Properties['Role']).toEqual({ 'Fn::GetAtt': ['TenantGateEdgeRole', 'Arn'] });
      const role = resource(base.template, 'TenantGateEdgeRole');
      const trust = (
        role.Properties['AssumeRolePolicyDocument'] as {
          Statement: { Principal: { Service: string[] }; Action: string }[];
        }
      ).Statement;
      const principals = trust.filter((s) => s.Action === 'sts:AssumeRole').flatMap((s) => s.Principal.Service);
      expect(principals).toEqual(expect.arrayContaining(['lambda.amazonaws.com', 'edgelambda.amazonaws.com']));
      const logs = statementsOf(role).filter((s) => actions(s).includes('logs:PutLogEvents'));
      const arns = logs.flatMap((s) => strings(s.Resource));
      expect(arns).toContain(
        `arn:\${AWS::Partition}:logs:*:\${AWS::AccountId}:log-group:/aws/lambda/us-east-1.${EDGE_LOG_NAME}:*`,
      );
      expect(arns).toContain(
        `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${EDGE_LOG_NAME}:*`,
      );
      expect(logs.flatMap(actions)).toEqual(
        expect.arrayContaining(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']),
      );
      // Nothing but logs: the gate needs no AWS API.
      expect(
        statementsOf(role)
          .flatMap(actions)
          .every((a) => a.startsWith('logs:')),
      ).toBe(true);
    });

    it('uploads the zip of the built viewer-request bundle, deterministic', () => {
      const key = (resource(base.template, 'ViewerRequestLambdaFunction').Properties['Code'] as { S3Key: string })
        .S3Key;
      expect(key.endsWith('/viewer-request.zip')).toBe(true);
      // `package.artifact` is uploaded as is: the zip package-artifacts wrote.
      const artifact = base.state.service.functions['viewerRequest']?.package.artifact ?? '';
      expect(artifact).toBe(`${base.artifactsDir}/viewer-request.zip`);
      const zip = readFileSync(join(ROOT, artifact));
      const built = readFileSync(join(ROOT, base.artifactsDir, 'build', 'viewer-request', 'index.js'));
      expect(unzipSingle(zip)).toEqual({ name: 'index.js', content: built });
      expect(zip.equals(zipFiles([{ name: 'index.js', content: built }]))).toBe(true);
      expect(zip.length).toBeLessThan(1024 * 1024);
    });
  });

  describe('the CloudFront Function', () => {
    it('is cloudfront-js-2.0, NOT auto-published (the plugin tests, then publishes), with the built script inline, byte for byte', async () => {
      const [[, fn], ...more] = ofType(base.template, 'AWS::CloudFront::Function') as [[string, Resource]];
      expect(more).toHaveLength(0);
      expect(fn.Properties).not.toHaveProperty('AutoPublish');
      expect(base.template.Outputs['TenantGateCloudFrontFunctionName']?.Value).toEqual({
        Ref: 'TenantGateViewerFunction',
      });
      expect((fn.Properties['FunctionConfig'] as Json)['Runtime']).toBe('cloudfront-js-2.0');
      expect(fn.Properties['Name']).toBe(`tenant-gate-${STAGE}-viewer`);
      const code = fn.Properties['FunctionCode'] as string;
      // The same script build.mjs writes for this config (a fresh build, not the packaged file).
      const outdir = join(ROOT, '.serverless-artifacts', 'test-fresh-build');
      await buildArtifacts({ configPath: join(ROOT, 'gatekeeper.config.json'), outdir, root: ROOT });
      expect(code).toBe(readFileSync(join(outdir, 'cloudfront-function', 'index.js'), 'utf8'));
      expect(Buffer.byteLength(code)).toBeLessThanOrEqual(CLOUDFRONT_FUNCTION_MAX_BYTES);
      expect(base.template.Outputs['TenantGateCloudFrontFunctionArn']?.Value).toEqual({
        'Fn::GetAtt': ['TenantGateViewerFunction', 'FunctionARN'],
      });
    });

    it('has no KeyValueStore when the config keeps keys inline without kill switch', () => {
      expect(ofType(base.template, 'AWS::CloudFront::KeyValueStore')).toHaveLength(0);
      expect(resource(base.template, 'TenantGateViewerFunction').Properties['FunctionConfig']).not.toHaveProperty(
        'KeyValueStoreAssociations',
      );
    });

    it('is associated with the KeyValueStore passed as a parameter (the store lives outside the stack: kept on remove)', () => {
      expect(ofType(variant.template, 'AWS::CloudFront::KeyValueStore')).toHaveLength(0);
      expect(variant.template.Parameters?.['TenantGateKeyValueStoreArn']).toMatchObject({ Type: 'String' });
      expect(base.template.Parameters?.['TenantGateKeyValueStoreArn']).toBeUndefined();
      expect(
        (resource(variant.template, 'TenantGateViewerFunction').Properties['FunctionConfig'] as Json)[
          'KeyValueStoreAssociations'
        ],
      ).toEqual([{ KeyValueStoreARN: { Ref: 'TenantGateKeyValueStoreArn' } }]);
      const code = resource(variant.template, 'TenantGateViewerFunction').Properties['FunctionCode'] as string;
      expect(code.startsWith("import cf from 'cloudfront';")).toBe(true);
    });
  });

  describe('the login function', () => {
    it('has a function URL that only CloudFront (this distribution, through origin access control) may call', () => {
      const [[, url], ...more] = ofType(base.template, 'AWS::Lambda::Url') as [[string, Resource]];
      expect(more).toHaveLength(0);
      expect(url.Properties).toMatchObject({
        AuthType: 'AWS_IAM',
        TargetFunctionArn: { 'Fn::GetAtt': ['LoginLambdaFunction', 'Arn'] },
      });
      expect(
        resource(base.template, 'TenantGateLoginOriginAccessControl').Properties['OriginAccessControlConfig'],
      ).toMatchObject({
        OriginAccessControlOriginType: 'lambda',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      });
      const permissions = ofType(base.template, 'AWS::Lambda::Permission').map(([, r]) => r.Properties);
      expect(permissions.map((p) => p['Action']).sort()).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']);
      for (const p of permissions) {
        expect(p['Principal']).toBe('cloudfront.amazonaws.com');
        expect(strings(p['SourceArn'])[0]).toMatch(
          /^arn:\$\{AWS::Partition\}:cloudfront::\$\{AWS::AccountId\}:distribution\//,
        );
      }
      expect(base.template.Outputs['LoginLambdaFunctionUrl']?.Value).toEqual({
        'Fn::GetAtt': ['LoginLambdaFunctionUrl', 'FunctionUrl'],
      });
    });

    it('with revocation, gets the store ARN and may read and write that store only; without, neither', () => {
      const env = (t: typeof base.template) =>
        (resource(t, 'LoginLambdaFunction').Properties['Environment'] as { Variables?: Json } | undefined)?.Variables;
      expect(env(variant.template)).toEqual({ TENANT_GATE_KVS_ARN: { Ref: 'TenantGateKeyValueStoreArn' } });
      const policy = resource(variant.template, 'TenantGateLoginKeyValueStorePolicy').Properties;
      expect(policy['Roles']).toEqual([{ Ref: 'IamRoleLambdaExecution' }]);
      const [statement, ...others] = (policy['PolicyDocument'] as { Statement: Json[] }).Statement;
      expect(others).toEqual([]);
      expect(statement).toMatchObject({ Effect: 'Allow', Resource: { Ref: 'TenantGateKeyValueStoreArn' } });
      expect((statement!['Action'] as string[]).every((a) => a.startsWith('cloudfront-keyvaluestore:'))).toBe(true);
      expect(env(base.template) ?? {}).toEqual({});
      expect(base.template.Resources['TenantGateLoginKeyValueStorePolicy']).toBeUndefined();
    });

    it("may read this stage's SSM parameters (SecureString through SSM only) and nothing wider", () => {
      const login = resource(base.template, 'LoginLambdaFunction');
      expect(login.Properties['Role']).toEqual({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] });
      expect(['nodejs20.x', 'nodejs22.x']).toContain(login.Properties['Runtime']);
      const statements = statementsOf(resource(base.template, 'IamRoleLambdaExecution'));
      const ssm = statements.filter((s) => actions(s).some((a) => a.startsWith('ssm:')));
      expect(ssm.flatMap(actions).sort()).toEqual(['ssm:GetParameter', 'ssm:GetParameters']);
      expect(ssm.flatMap((s) => strings(s.Resource))).toEqual([
        `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/tenant-gate/${STAGE}/*`,
      ]);
      const kms = statements.filter((s) => actions(s).includes('kms:Decrypt'));
      expect(kms).toHaveLength(1);
      expect(strings(kms[0]!.Condition)).toEqual(
        expect.arrayContaining([
          'ssm.${AWS::Region}.amazonaws.com',
          `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/tenant-gate/${STAGE}/*`,
        ]),
      );
      expect(statements.flatMap(actions).some((a) => a === '*' || a === 'ssm:*' || a === 'kms:*')).toBe(false);
    });

    it('uploads the zip of the built login bundle', () => {
      const artifact = base.state.service.functions['login']?.package.artifact ?? '';
      expect(artifact).toBe(`${base.artifactsDir}/login.zip`);
      const zip = readFileSync(join(ROOT, artifact));
      expect(unzipSingle(zip)).toEqual({
        name: 'index.js',
        content: readFileSync(join(ROOT, base.artifactsDir, 'build', 'login', 'index.js')),
      });
    });
  });

  describe('the response headers policy for the gated behaviors', () => {
    it('sets exactly Cache-Control: private, no-cache, overriding the origin, and is output for attach', () => {
      const [[id, policy], ...more] = ofType(base.template, 'AWS::CloudFront::ResponseHeadersPolicy') as [
        [string, Resource],
      ];
      expect(more).toHaveLength(0);
      expect(id).toBe('TenantGatePrivateFilesHeadersPolicy');
      const config = policy.Properties['ResponseHeadersPolicyConfig'] as Json;
      expect(config['Name']).toBe(`tenant-gate-${STAGE}-private-files`);
      expect(typeof config['Comment']).toBe('string');
      expect((config['Comment'] as string).length).toBeLessThanOrEqual(128);
      expect(config['CustomHeadersConfig']).toEqual({
        Items: [{ Header: 'Cache-Control', Value: 'private, no-cache', Override: true }],
      });
      // Nothing else: no CORS, security or removal settings that would change other headers of the files.
      expect(Object.keys(config).sort()).toEqual(['Comment', 'CustomHeadersConfig', 'Name']);
      // What the doctor checks on the gated behaviors (the API adds Quantity to the CloudFormation shape).
      const items = (config['CustomHeadersConfig'] as { Items: unknown[] }).Items;
      expect(
        keepsBrowserCachePrivate({
          ...config,
          CustomHeadersConfig: { Quantity: items.length, Items: items },
        } as ResponseHeadersPolicyConfig),
      ).toBe(true);
      expect(base.template.Outputs['TenantGatePrivateFilesHeadersPolicyId']?.Value).toEqual({
        Ref: 'TenantGatePrivateFilesHeadersPolicy',
      });
    });
  });

  describe("the login route's origin request policy", () => {
    const policyOf = (template: Template): Json => {
      const [[id, policy], ...more] = ofType(template, 'AWS::CloudFront::OriginRequestPolicy') as [[string, Resource]];
      expect(more).toHaveLength(0);
      expect(id).toBe('TenantGateLoginOriginRequestPolicy');
      return policy.Properties['OriginRequestPolicyConfig'] as Json;
    };

    it('forwards exactly what the login reads plus CloudFront-Viewer-Address, never Host, and is output for attach', () => {
      const config = policyOf(base.template);
      expect(config['Name']).toBe(`tenant-gate-${STAGE}-login`);
      expect((config['Comment'] as string).length).toBeLessThanOrEqual(128);
      const headers = (config['HeadersConfig'] as { HeaderBehavior: string; Headers: string[] }).Headers;
      expect(config['HeadersConfig']).toEqual({
        HeaderBehavior: 'whitelist',
        Headers: [...LOGIN_VIEWER_HEADERS, LOGIN_DEFAULTS.tokenHeader, VIEWER_ADDRESS_HEADER],
      });
      expect(headers.map((h) => h.toLowerCase())).not.toContain('host');
      expect(headers.length).toBeLessThanOrEqual(ORIGIN_REQUEST_POLICY_MAX_HEADERS);
      expect(config['CookiesConfig']).toEqual({ CookieBehavior: 'whitelist', Cookies: ['__Host-tenant'] });
      expect(config['QueryStringsConfig']).toEqual({ QueryStringBehavior: 'whitelist', QueryStrings: ['everywhere'] });
      expect(base.template.Outputs['TenantGateLoginOriginRequestPolicyId']?.Value).toEqual({
        Ref: 'TenantGateLoginOriginRequestPolicy',
      });
    });

    it('follows the configured identity token header (login.identity.tokenHeader)', () => {
      const headers = (policyOf(variant.template)['HeadersConfig'] as { Headers: string[] }).Headers;
      expect(headers).toContain(VARIANT_TOKEN_HEADER);
      expect(headers).not.toContain(LOGIN_DEFAULTS.tokenHeader);
      expect(headers).toContain(VIEWER_ADDRESS_HEADER);
    });
  });

  describe('CloudFront signing keys', () => {
    it('are absent without public keys', () => {
      expect(ofType(base.template, 'AWS::CloudFront::PublicKey')).toHaveLength(0);
      expect(ofType(base.template, 'AWS::CloudFront::KeyGroup')).toHaveLength(0);
    });

    it('are published as PublicKey resources in one KeyGroup, whose id is output for attach', () => {
      const keys = ofType(variant.template, 'AWS::CloudFront::PublicKey');
      expect(keys.map(([id]) => id).sort()).toEqual([
        'TenantGateCloudFrontKeyCf202605',
        'TenantGateCloudFrontKeyCf202611',
      ]);
      for (const [id, key] of keys) {
        const name = id === 'TenantGateCloudFrontKeyCf202605' ? 'cf-2026-05' : 'cf-2026-11';
        expect(key.Properties['PublicKeyConfig']).toMatchObject({
          EncodedKey: publicKeys[name],
          CallerReference: `tenant-gate-${STAGE}-${name}`,
        });
      }
      const [[, group]] = ofType(variant.template, 'AWS::CloudFront::KeyGroup') as [[string, Resource]];
      expect((group.Properties['KeyGroupConfig'] as Json)['Items']).toEqual([
        { Ref: 'TenantGateCloudFrontKeyCf202605' },
        { Ref: 'TenantGateCloudFrontKeyCf202611' },
      ]);
      expect(variant.template.Outputs['TenantGateKeyGroupId']?.Value).toEqual({ Ref: 'TenantGateKeyGroup' });
    });
  });

  it('`serverless package` without the build step fails, saying to run `npm run package`', () => {
    expect(withoutBuild.failed).toBe(true);
    expect(withoutBuild.stdout).toMatch(/npm run package/);
  });
});
