/**
 * The step before `serverless package`: build every artifact with build/artifacts.ts (the same code as build.mjs,
 * never a second bundler), zip the two Lambda functions, and write a manifest that serverless.yml's variable
 * resolver (deploy/serverless-vars.cjs) and plugin (deploy/serverless-plugin.cjs) read.
 *
 *   tsx deploy/package-artifacts.ts [--stage S (env STAGE, default dev)] [--config FILE (env TENANT_GATE_CONFIG)]
 *                                   [--outdir DIR] [--cloudfront-keys DIR (default cloudfront-keys/<stage>)]
 *
 * Why a separate output folder (default `.serverless-artifacts/`, env TENANT_GATE_ARTIFACTS_DIR) rather than dist/:
 * the test suite reads dist/ while `npm run package` may run in a parallel test file; a rebuild there would race it.
 *
 * Why our own zip writer: Serverless wants a zip per function (`package.artifact`) and nothing in the dependency tree
 * is ours to rely on for it. The zips are byte-for-byte deterministic (fixed timestamp, fixed attributes), so an
 * unchanged build gives an unchanged CodeSha256 and Serverless publishes no new Lambda@Edge version for it: every
 * needless version is one more replica set to wait for when cleaning up.
 */
import { createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { crc32, deflateRawSync } from 'node:zlib';
import { buildArtifacts, loadConfig, usesKeyValueStore } from '../build/artifacts';
import type { GateConfig } from '../config/gate';
import { LOGIN_DEFAULTS } from '../config/login';
import { loginOriginRequest, type LoginOriginRequest } from '../login/origin-request';
import { TenantGateError } from '../lib/errors';
import { CLOUDFRONT_KEY_NAME } from './cloudfront-key-name';

export const DEFAULT_ARTIFACTS_DIR = '.serverless-artifacts';
export const MANIFEST_FILE = 'manifest.json';
/** CloudFront accepts at most 5 public keys in one key group (DG: quotas). */
export const MAX_KEYS_PER_GROUP = 5;

/** What serverless-vars.cjs and serverless-plugin.cjs read. Paths are relative to the service directory. */
export interface PackageManifest {
  readonly version: 1;
  /** The Serverless stage this was built for (STAGE): per-stage config and keys must not cross stages. */
  readonly stage: string;
  readonly configFile: string;
  /** `${pathPrefix}*`, or `*` (the default behavior) when the gate covers the whole distribution. */
  readonly gatedPathPatterns: readonly string[];
  /** The grants behavior attach creates and gates (config `grants`), or null. */
  readonly grantsPathPattern: string | null;
  readonly artifacts: { readonly viewerRequest: string; readonly login: string };
  readonly cloudFrontFunction: { readonly file: string; readonly keyValueStore: boolean };
  /**
   * Revocation is on for either target: the store must exist (even for Lambda@Edge alone), and the login gets its
   * ARN (TENANT_GATE_KVS_ARN) and may read and write it (docs/deploy.md "Revoking access").
   */
  readonly revocation: boolean;
  /**
   * Public keys published as AWS::CloudFront::PublicKey in one key group (from `<cloudfront-keys>/<name>.pem`),
   * or null when there are none.
   */
  readonly cloudFrontKeys: {
    readonly keys: readonly { readonly name: string; readonly publicKeyPem: string }[];
  } | null;
  /**
   * The gate config has `login.cloudfront`: the login signs cookies/URLs, so the gated behaviors must trust the
   * key group. Only then does attach require it: before, CloudFront would refuse every viewer. Deploying with this
   * set and no public key is refused (by the plugin); packaging only warns, so the template can still be checked.
   */
  readonly requireSignatures: boolean;
  /**
   * The distribution-tenant parameter the gate reads (`distributionTenant.parameter`), or null: attach declares it on
   * the multi-tenant distribution, and deploy refuses the Lambda@Edge gate with it (config/distribution-tenant.ts).
   */
  readonly distributionTenantParameter?: string | null;
  /** `distributionTenant.domainParameter`: attach puts it in the login origin's OriginPath. */
  readonly distributionTenantDomainParameter?: string | null;
  /**
   * What the login's origin request policy (`TenantGateLoginOriginRequestPolicy`) forwards: the headers and the
   * cookie the login reads, and CloudFront-Viewer-Address (login/origin-request.ts). Without a login section, the
   * defaults' (the login function is deployed all the same).
   */
  readonly loginOriginRequest: LoginOriginRequest;
  /** Where the login function reads its secrets (login.secrets), to scope and check its IAM permissions. */
  readonly loginSecrets: {
    readonly ssmParameters: readonly string[];
    readonly secretsManagerSecrets: readonly string[];
    readonly files: readonly string[];
  };
}

export class PackageError extends TenantGateError {
  override name = 'PackageError';
  constructor(message: string) {
    super('ERR_PACKAGE_INVALID', message);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// zip (APPNOTE 6.3.x: local header, data, central directory, end record; one file per archive, deflated)
// ---------------------------------------------------------------------------------------------------------------

/** 1980-01-01 00:00, the DOS epoch: no build time leaks into the archive. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** Made by Unix (3) spec 3.0, so the external attributes carry a mode Lambda honours: a regular file, 0644. */
const MADE_BY = (3 << 8) | 30;
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;

/** A zip archive holding the given files, deflated, deterministic. */
export function zipFiles(files: readonly { readonly name: string; readonly content: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const data = deflateRawSync(file.content, { level: 9 });
    const crc = crc32(file.content);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(file.content.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(file.content.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal attributes: 0
    central.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

// ---------------------------------------------------------------------------------------------------------------
// CloudFront public keys (signed cookies)
// ---------------------------------------------------------------------------------------------------------------

/** `<dir>/<name>.pem`, public keys only, RSA 2048 or EC P-256 (what CloudFront accepts for signed URLs/cookies). */
export function readCloudFrontKeys(dir: string): NonNullable<PackageManifest['cloudFrontKeys']> | null {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.pem'))
    .sort();
  if (files.length === 0) return null;
  if (files.length > MAX_KEYS_PER_GROUP)
    throw new PackageError(
      `${dir} holds ${files.length} keys; a CloudFront key group takes at most ${MAX_KEYS_PER_GROUP}: remove retired ones`,
    );
  const keys = files.map((file) => {
    const name = basename(file, '.pem');
    if (!CLOUDFRONT_KEY_NAME.test(name))
      throw new PackageError(`${join(dir, file)}: the key name "${name}" must be 1 to 64 characters of [A-Za-z0-9_-]`);
    const pem = readFileSync(join(dir, file), 'utf8');
    if (pem.includes('PRIVATE KEY'))
      throw new PackageError(
        `${join(dir, file)} holds a PRIVATE key; only the public key belongs here (the private key goes to SSM)`,
      );
    let key;
    try {
      key = createPublicKey(pem);
    } catch (error) {
      throw new PackageError(`${join(dir, file)} is not a PEM public key (${(error as Error).message})`);
    }
    const details = key.asymmetricKeyDetails ?? {};
    const fits =
      (key.asymmetricKeyType === 'rsa' && details.modulusLength === 2048) ||
      (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1');
    if (!fits)
      throw new PackageError(
        `${join(dir, file)} must be an RSA 2048-bit or ECDSA P-256 public key, as CloudFront requires`,
      );
    // CloudFront wants the SubjectPublicKeyInfo PEM; normalise whatever form was given (e.g. PKCS#1 RSA).
    return { name, publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString() };
  });
  return { keys };
}

function loginSecretsOf(config: GateConfig): PackageManifest['loginSecrets'] {
  const sources =
    config.login === undefined ? [] : [config.login.secrets.signingKey, config.login.secrets.cloudfrontPrivateKey];
  const out = { ssmParameters: [] as string[], secretsManagerSecrets: [] as string[], files: [] as string[] };
  for (const source of sources) {
    if (source === null) continue;
    if ('ssmParameter' in source) out.ssmParameters.push(source.ssmParameter);
    else if ('secretsManagerSecret' in source) out.secretsManagerSecrets.push(source.secretsManagerSecret);
    else out.files.push(source.file);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// the step
// ---------------------------------------------------------------------------------------------------------------

export interface PackageOptions {
  /** Service directory (where serverless.yml is). */
  readonly root: string;
  readonly configFile: string;
  /** Relative to root. */
  readonly outdir: string;
  readonly cloudFrontKeysDir: string;
  readonly stage: string;
  readonly warn?: ((message: string) => void) | undefined;
}

export function gatedPathPatterns(config: GateConfig): string[] {
  return [config.pathPrefix === '/' ? '*' : `${config.pathPrefix}*`];
}

/** The grants behavior's path pattern (`/grants/*`), or null without grants (deploy/attach.ts `plan.grants`). */
export function grantsPathPattern(config: GateConfig): string | null {
  return config.grants === null ? null : `${config.grants.pathPrefix}*`;
}

const STAGE = /^[a-zA-Z0-9-]{1,32}$/;

export async function packageArtifacts(options: PackageOptions): Promise<PackageManifest> {
  if (!STAGE.test(options.stage))
    throw new PackageError(`stage "${options.stage}" must be 1 to 32 characters of [a-zA-Z0-9-]`);
  const warn = options.warn ?? ((message: string) => console.warn(`package-artifacts: WARNING ${message}`));
  const config = loadConfig(options.configFile);
  const outdir = resolve(options.root, options.outdir);
  const buildDir = join(outdir, 'build');
  await buildArtifacts({ configPath: options.configFile, outdir: buildDir, root: options.root });

  const rel = (p: string): string => relative(options.root, p).split('\\').join('/');
  const zipped: Record<'viewer-request' | 'login', string> = { 'viewer-request': '', login: '' };
  for (const fn of ['viewer-request', 'login'] as const) {
    const source = join(buildDir, fn, 'index.js');
    if (!existsSync(source)) {
      throw new PackageError(
        `the build wrote no ${rel(source)}: build/artifacts.ts must produce the ${fn} function before it can be deployed`,
      );
    }
    const zip = join(outdir, `${fn}.zip`);
    writeFileSync(zip, zipFiles([{ name: 'index.js', content: readFileSync(source) }]));
    zipped[fn] = rel(zip);
  }
  const cfFunction = join(buildDir, 'cloudfront-function', 'index.js');
  if (!existsSync(cfFunction))
    throw new PackageError(
      `the build wrote no ${rel(cfFunction)}: build/artifacts.ts must produce the CloudFront Function`,
    );

  const cloudFrontKeys = readCloudFrontKeys(resolve(options.root, options.cloudFrontKeysDir));
  const requireSignatures = config.login?.cloudfront != null;
  if (requireSignatures && cloudFrontKeys === null) {
    warn(
      `the gate config has login.cloudfront (CloudFront signatures) but ${options.cloudFrontKeysDir}/ holds no <name>.pem public key: ` +
        'the template has no key group, and deploy will refuse (docs/deploy.md, "Signed cookies")',
    );
  }
  const manifest: PackageManifest = {
    version: 1,
    stage: options.stage,
    configFile: rel(resolve(options.configFile)),
    gatedPathPatterns: gatedPathPatterns(config),
    grantsPathPattern: grantsPathPattern(config),
    artifacts: { viewerRequest: zipped['viewer-request'], login: zipped.login },
    cloudFrontFunction: { file: rel(cfFunction), keyValueStore: usesKeyValueStore(config) },
    revocation: config.cloudfrontFunction.revocation || config.lambdaEdge.revocation,
    cloudFrontKeys,
    requireSignatures,
    distributionTenantParameter: config.distributionTenant?.parameter ?? null,
    distributionTenantDomainParameter: config.distributionTenant?.domainParameter ?? null,
    loginOriginRequest: loginOriginRequest({
      cookieName: config.cookieName,
      login: { identity: { tokenHeader: config.login?.identity.tokenHeader ?? LOGIN_DEFAULTS.tokenHeader } },
    }),
    loginSecrets: loginSecretsOf(config),
  };
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

async function cli(): Promise<void> {
  const env = process.env;
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: env['TENANT_GATE_CONFIG'] ?? 'gatekeeper.config.json' },
      outdir: { type: 'string', default: env['TENANT_GATE_ARTIFACTS_DIR'] ?? DEFAULT_ARTIFACTS_DIR },
      stage: { type: 'string', default: env['STAGE'] || 'dev' },
      'cloudfront-keys': { type: 'string', default: env['TENANT_GATE_CLOUDFRONT_KEYS'] },
    },
  });
  const root = process.cwd();
  const started = Date.now();
  const manifest = await packageArtifacts({
    root,
    configFile: resolve(root, values.config),
    outdir: values.outdir,
    cloudFrontKeysDir: values['cloudfront-keys'] ?? `cloudfront-keys/${values.stage}`,
    stage: values.stage,
  });
  const keys =
    manifest.cloudFrontKeys === null
      ? 'no CloudFront public keys'
      : `${manifest.cloudFrontKeys.keys.length} CloudFront public key(s), ${manifest.requireSignatures ? 'required on the gated behaviors' : 'published, not yet required'}`;
  console.log(
    `package-artifacts (stage ${manifest.stage}): ${manifest.artifacts.viewerRequest}, ${manifest.artifacts.login}, ${manifest.cloudFrontFunction.file}` +
      ` (KeyValueStore ${manifest.cloudFrontFunction.keyValueStore ? 'on' : 'off'}; ${keys}) in ${Date.now() - started} ms`,
  );
}

if (process.argv[1] !== undefined && import.meta.filename === resolve(process.argv[1])) {
  cli().catch((error: unknown) => {
    console.error(`package-artifacts: ${(error as Error).message}`);
    process.exit(1);
  });
}
