/**
 * `npm start` and the tests in one place: read a gate configuration with its `local` section, listen, build
 * the real artifacts (Lambda@Edge bundle, CloudFront Function, login function) and the SPA for that
 * address, attach the gate to the DistributionConfig as a deploy would (attach-locally.ts), and serve that
 * distribution (distribution-config.ts): its behaviors, origins, policies and custom error responses.
 *
 * The build happens after the port is known because the login function's configuration names the
 * development identity provider's JWKS URL, and that URL carries the port: `{origin}` in the configuration
 * becomes `http://127.0.0.1:<port>`. So the login function fetches its keys from the emulator over HTTP,
 * through the real remote-JWKS path, exactly as it would fetch them from Cognito.
 *
 * Every bundle (gate and login) runs in its own vm context whose `Date` reads the emulator's clock, and the
 * development identity provider reads it too: a test that moves the clock moves the whole system.
 */
import { createPublicKey } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Server } from 'node:http';
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import * as esbuild from 'esbuild';
import { buildArtifacts, usesKeyValueStore } from '../build/artifacts';
import { readDistributionConfigFile } from '../cli/commands/attach';
import { distributionTenantTargetProblem } from '../config/distribution-tenant';
import { ConfigError, DEFAULTS, validateConfig, type GateConfig } from '../config/gate';
import type { LocalDistributionTenant } from '../config/local-distribution-tenants';
import { isMultiTenant } from '../deploy/multi-tenant';
import { validateLocalSection, type DemoUser, type LocalSection, type OriginSpec } from '../config/local';
import { MANAGED_POLICIES, mergeCatalogs, parsePolicyFile, type PolicyCatalog } from '../lib/distribution/policies';
import { CLOUDFRONT_SIGNED_COOKIES, CLOUDFRONT_SIGNED_PARAMS } from './access-log';
import { attachLocally, LOCAL_STAND_INS, localStackPolicies, type GateRuntime } from './attach-locally';
import { LocalCache } from './cache';
import { systemClock, type Clock } from './clock';
import { createDevIdentityProvider, type DevIdentityProvider } from './dev-idp';
import { Distribution, type Exchange } from './distribution';
import { localDistributionFrom, type LocalBindings } from './distribution-config';
import { cloudFrontFunction } from './edge-cloudfront-function';
import type { EdgeFunction } from './edge-function';
import { lambdaEdgeFunction, loadLambdaModule } from './edge-lambda';
import type { LoginGateConfig } from '../config/login';
import type { createLoginHandler } from '../functions/login';
import { localEntryStore } from '../deploy/revocation-store';
import { withheldSecrets } from '../login/keys';
import { header, xmlError, type EdgeRequest } from './http-message';
import { keyEntriesOf } from '../deploy/key-value-entries';
import { LocalKeyValueStore } from './key-value-store';
import type { Origin } from './origin';
import { createLocalIam } from './origin-access-control';
import { folderOrigin } from './origin-folder';
import { httpOrigin } from './origin-http';
import { lambdaUrlOrigin, type FunctionUrlHandler } from './origin-lambda-url';
import { s3Origin } from './origin-s3';
import { redactingNote } from './redact-credentials';
import { close, createEdgeServer, listen } from './server';
import type { TrustedKeyGroup } from './signed-requests';

export type { GateRuntime };

export const ROOT = resolve(import.meta.dirname, '..');
export const DEMO_CONFIG = join(ROOT, 'demo', 'local.config.json');
/** The demo as a multi-tenant distribution: distribution tenants acme and globex on their own host names. */
export const MULTI_TENANT_DEMO_CONFIG = join(ROOT, 'demo', 'multi-tenant.config.json');

export interface EmulatorOptions {
  configPath?: string;
  /** Top-level sections replacing the configuration's own (tests: a feature switched on for one run). */
  configOverrides?: Record<string, unknown>;
  /** 0: any free port. */
  port?: number;
  host?: string;
  /** Which built gate attach puts on the gated behaviors. */
  gate?: GateRuntime;
  clock?: Clock;
  /** Where artifacts and the SPA are built; a fresh temporary folder by default. */
  workDir?: string;
  /** Access-log lines; `false`: none, not even formatted (`--quiet-log`). */
  log?: ((line: string) => void) | false;
  /** Developer notes: refusal reasons, function logs, build steps. */
  note?: (message: string) => void;
  /**
   * A saved DistributionConfig to serve (`npm start -- --distribution-config FILE`) instead of the
   * configuration's `local.distributionConfig`; the gate is attached to it the same way.
   */
  distributionConfigPath?: string;
  /** Origin id → local stand-in, over the configuration's `local.origins` (`npm start -- --origins MAP`). */
  origins?: Record<string, OriginSpec>;
  /** Custom cache / origin request / response headers policies by id (`npm start -- --policies FILE`). */
  policiesPath?: string;
  /** Replace origins by origin id (tests). */
  originOverrides?: Record<string, Origin>;
  /** CloudFront's origin response timeout, for every origin (504 past it); 30 s by default. */
  originTimeoutMs?: number;
  /** Request bodies held at once across requests (503 past it); local/server.ts's default otherwise. */
  requestBodyBudgetBytes?: number;
}

export interface Emulator {
  url: string;
  port: number;
  config: GateConfig;
  local: LocalSection;
  /** The DistributionConfig served: the base with the gate attached, as a deploy would write it. */
  distributionConfig: DistributionConfig;
  /** What attach changed in the base config. */
  attachChanges: string[];
  /** The distribution; on a multi-tenant one, the first distribution tenant's first domain. */
  distribution: Distribution;
  /** A multi-tenant distribution: each distribution tenant's domains, served by Host header (`tenantDistributions`). */
  tenantDistributions: ReadonlyMap<string, Distribution>;
  gate: GateRuntime;
  idp: DevIdentityProvider | undefined;
  /**
   * The distribution's KeyValueStore, when the configuration uses one (keys, kill switch, revocation): the
   * CloudFront Function reads it, the login writes revocations to it (`DELETE /auth/session?everywhere=1`).
   */
  store: LocalKeyValueStore | undefined;
  server: Server;
  close(): Promise<void>;
}

type CreateLoginHandler = typeof createLoginHandler;

/** Replaces `{origin}` anywhere in the configuration, and makes file paths absolute (the login reads them from cwd). */
function prepareConfig(raw: Record<string, unknown>, origin: string, baseDir: string): Record<string, unknown> {
  const substituted = JSON.parse(JSON.stringify(raw).replaceAll('{origin}', origin)) as Record<string, unknown>;
  const login = substituted.login as { secrets?: Record<string, { file?: string } | null> } | undefined;
  for (const source of Object.values(login?.secrets ?? {})) {
    if (source && typeof source.file === 'string') source.file = resolve(baseDir, source.file);
  }
  return substituted;
}

async function buildSpa(source: string, outdir: string, demo: unknown): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  for (const name of readdirSync(source)) {
    if (!name.endsWith('.ts')) cpSync(join(source, name), join(outdir, name), { recursive: true });
  }
  await esbuild.build({
    entryPoints: [join(source, 'app.ts')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    sourcemap: 'linked',
    logLevel: 'error',
  });
  writeFileSync(join(outdir, 'demo.json'), JSON.stringify(demo, null, 2));
}

/** For each tenant, a file that only another tenant has: what the SPA offers to try across tenants. */
function crossTenantProbes(bucket: string | undefined, users: DemoUser[]): Record<string, string> {
  const probes: Record<string, string> = {};
  if (bucket === undefined) return probes;
  const filesOf = (tenant: string): string[] => {
    try {
      return readdirSync(join(bucket, 'tenants', tenant, 'files')).filter((f) =>
        statSync(join(bucket, 'tenants', tenant, 'files', f)).isFile(),
      );
    } catch {
      return [];
    }
  };
  const tenants = [...new Set(users.map((u) => u.tenant))];
  for (const tenant of tenants) {
    const own = new Set(filesOf(tenant));
    for (const other of tenants) {
      const only = filesOf(other).find((f) => !own.has(f));
      if (other !== tenant && only !== undefined) {
        probes[tenant] = `/files/${only}`;
        break;
      }
    }
  }
  return probes;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const configPath = resolve(options.configPath ?? DEMO_CONFIG);
  const baseDir = dirname(configPath);
  const clock = options.clock ?? systemClock;
  const rawNote = options.note ?? ((message: string) => console.error(`[local] ${message}`));
  const gateRuntime = options.gate ?? 'lambda-edge';
  const host = options.host ?? '127.0.0.1';
  const raw = {
    ...(JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>),
    ...options.configOverrides,
  };
  let local: LocalSection;
  try {
    local = validateLocalSection(raw.local, baseDir);
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`invalid configuration ${configPath}: ${error.message}`);
    throw error;
  }

  // Listen first: the configuration needs the address. Requests before the build is done get a 503.
  let distribution: Distribution | undefined;
  // A multi-tenant distribution: host name → the distribution as that distribution tenant's domain serves it.
  const byHost = new Map<string, Distribution>();
  const starting: Exchange = {
    response: xmlError(503, 'Starting', 'The local distribution is still building.'),
    resultType: 'Error',
    detailedResultType: 'Error',
    behavior: undefined,
    range: undefined,
    cacheKey: undefined,
  };
  // Until the configuration is validated, redact the defaults; then the configured names.
  let cookieName: string = DEFAULTS.cookieName;
  let linkParam: string = DEFAULTS.linkTokenParam;
  const redaction = {
    get cookies() {
      return [cookieName, ...CLOUDFRONT_SIGNED_COOKIES];
    },
    get queryParams() {
      return [linkParam, ...CLOUDFRONT_SIGNED_PARAMS];
    },
  };
  // Developer notes quote URLs and function logs: never a credential in them.
  const note = redactingNote(rawNote, redaction);
  const server = createEdgeServer({
    distribution: {
      handle: (request: EdgeRequest) => {
        if (!distribution) return Promise.resolve(starting);
        if (byHost.size === 0) return distribution.handle(request);
        // A multi-tenant distribution has no domain of its own: a host no distribution tenant has is not served.
        const host = (header(request.headers, 'host') ?? '').toLowerCase().replace(/:\d+$/, '');
        const tenant = byHost.get(host);
        if (tenant) return tenant.handle(request);
        // The development identity provider stands in for one outside CloudFront (Cognito): reachable on the
        // emulator's own address, so that the login can fetch its keys from `{origin}/dev/idp/…`.
        if (request.uri.startsWith('/dev/idp/')) return distribution.handle(request);
        return Promise.resolve(notATenantDomain(host, [...byHost.keys()]));
      },
    },
    clock,
    note,
    ...(options.log !== undefined ? { log: options.log } : {}),
    ...(options.requestBodyBudgetBytes !== undefined ? { requestBodyBudgetBytes: options.requestBodyBudgetBytes } : {}),
    redaction,
  });
  const port = await listen(server, options.port ?? 8787, host);
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${reachable}:${port}`;

  try {
    const prepared = prepareConfig(raw, origin, baseDir);
    const { local: _local, ...gateRaw } = prepared;
    const config = validateConfig(gateRaw);
    cookieName = config.cookieName;
    linkParam = config.linkTokenParam;
    const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'tenant-gate-local-'));
    const outdir = join(workDir, 'build');
    await buildArtifacts({ config: gateRaw, outdir, root: ROOT });

    // One store for the distribution, as in production: what the login writes, the function reads.
    const revocationOn = config.cloudfrontFunction.revocation || config.lambdaEdge.revocation;
    let store: LocalKeyValueStore | undefined;
    if (usesKeyValueStore(config) || revocationOn) {
      store = new LocalKeyValueStore();
      // The keys the function reads in keyValueStore mode (`key:<kid>`), as `tenant-gate` would upload them.
      store.seed(keyEntriesOf(config.keys));
    }
    const tenants = local.distributionTenants;
    if (tenants.length > 0) {
      const problem = distributionTenantTargetProblem(config, gateRuntime);
      if (problem !== undefined) throw new Error(`${problem}: npm start -- --cloudfront-function`);
    }
    const functions = new Map<string, EdgeFunction>();
    const gateFunction = (runtime: GateRuntime, tenant?: LocalDistributionTenant): EdgeFunction => {
      // One function instance per distribution tenant, each seeing its own `cf.distributionTenant`.
      const key = tenant === undefined ? runtime : `${runtime} ${tenant.name}`;
      let loaded = functions.get(key);
      if (loaded === undefined) {
        if (runtime === 'lambda-edge') {
          loaded = lambdaEdgeFunction(join(outdir, 'viewer-request', 'index.js'), {
            clock,
            log: (line) => note(`lambda@edge: ${line}`),
          });
        } else {
          loaded = cloudFrontFunction(join(outdir, 'cloudfront-function', 'index.js'), {
            clock,
            ...(store && usesKeyValueStore(config) ? { store } : {}),
            ...(tenant ? { distributionTenant: { id: `dt_local_${tenant.name}`, parameters: tenant.parameters } } : {}),
            log: (line) => note(`cloudfront function: ${line}`),
          });
        }
        functions.set(key, loaded);
      }
      return loaded;
    };

    const base = readDistributionConfigFile(options.distributionConfigPath ?? local.distributionConfig);
    if (tenants.length > 0 && !isMultiTenant(base))
      throw new Error(
        'local.distributionTenants needs a multi-tenant DistributionConfig ("ConnectionMode": "tenant-only"); this one is standard',
      );
    const attached = attachLocally(base, config, gateRuntime);
    const distributionConfig = attached.config;
    let policies: PolicyCatalog = mergeCatalogs(MANAGED_POLICIES, localStackPolicies(config));
    if (options.policiesPath !== undefined)
      policies = mergeCatalogs(policies, parsePolicyFile(JSON.parse(readFileSync(options.policiesPath, 'utf8'))));

    const originSpecs: Record<string, OriginSpec> = {
      ...(config.login === undefined ? {} : { [LOCAL_STAND_INS.authOriginId]: { type: 'login' } }),
      ...local.origins,
      ...options.origins,
    };
    let idp: DevIdentityProvider | undefined;
    const spaDemo = {
      users: local.demoUsers,
      crossTenantProbes: crossTenantProbes(
        Object.values(originSpecs).find((o): o is Extract<OriginSpec, { type: 'folder' }> => o.type === 'folder')?.path,
        local.demoUsers,
      ),
      domain: config.domain,
    };
    const iam = createLocalIam();
    let loginHandler: FunctionUrlHandler | undefined;
    const origins = new Map<string, Origin>();
    for (const [id, spec] of Object.entries(originSpecs)) {
      const override = options.originOverrides?.[id];
      if (override !== undefined) {
        origins.set(id, override);
        continue;
      }
      const domainName = distributionConfig.Origins?.Items?.find((o) => o.Id === id)?.DomainName;
      switch (spec.type) {
        case 'folder':
          origins.set(
            id,
            folderOrigin({
              root: spec.path,
              missingKeyStatus: spec.missingKeyStatus,
              ...(spec.cacheControl ? { cacheControl: spec.cacheControl } : {}),
            }),
          );
          break;
        case 's3':
          origins.set(
            id,
            s3Origin({
              bucket: spec.bucket,
              ...(spec.endpoint ? { endpoint: spec.endpoint } : {}),
              ...(spec.region ? { region: spec.region } : {}),
            }),
          );
          break;
        case 'http':
          origins.set(id, httpOrigin(spec.url));
          break;
        case 'login': {
          if (config.login === undefined)
            throw new Error(`local.origins.${id}: a login origin needs the configuration's "login" section`);
          if (loginHandler === undefined) {
            const login = loadLambdaModule(join(outdir, 'login', 'index.js'), {
              clock,
              log: (line) => note(`login: ${line}`),
            });
            // The deployed login finds its store by the stack's variable; this one is handed the local store.
            loginHandler = (store !== undefined && revocationOn
              ? (login.createLoginHandler as CreateLoginHandler)(withheldSecrets(config) as LoginGateConfig, {
                  revocations: localEntryStore(store),
                })
              : login.handler) as unknown as FunctionUrlHandler;
          }
          // The stack's function URL: AuthType AWS_IAM, reached through the origin access control.
          origins.set(
            id,
            lambdaUrlOrigin(loginHandler, {
              clock,
              authType: 'AWS_IAM',
              iam,
              note,
              ...(domainName === undefined ? {} : { domainName }),
            }),
          );
          break;
        }
        case 'dev-idp': {
          const identity = config.login?.identity;
          if (identity === undefined)
            throw new Error(
              `local.origins.${id}: the development identity provider serves the "login.identity" section`,
            );
          idp = await createDevIdentityProvider({
            issuer: identity.issuer,
            audience: identity.audience[0]!,
            tenantClaim: identity.tenantClaim,
            clock,
          });
          origins.set(id, idp);
          break;
        }
        case 'spa': {
          const out = join(workDir, 'spa');
          await buildSpa(spec.source, out, spaDemo);
          origins.set(id, folderOrigin({ root: out, cacheControl: 'no-cache' }));
          break;
        }
      }
    }

    const keyGroup = (keys: Record<string, string>): TrustedKeyGroup => {
      const publicKeys: Record<string, ReturnType<typeof createPublicKey>> = {};
      for (const [id, file] of Object.entries(keys)) publicKeys[id] = createPublicKey(readFileSync(file, 'utf8'));
      return { publicKeys };
    };
    const bindingsFor = (tenant: LocalDistributionTenant | undefined): LocalBindings => ({
      ...bindings,
      parameters: tenant?.parameters,
      edgeFunction: (arn, kind) =>
        kind === 'lambda-edge' && arn === LOCAL_STAND_INS.lambdaEdgeArn
          ? gateFunction('lambda-edge', tenant)
          : kind === 'cloudfront-function' && arn === LOCAL_STAND_INS.cloudFrontFunctionArn
            ? gateFunction('cloudfront-function', tenant)
            : undefined,
    });
    const bindings: LocalBindings = {
      origin: (id) => origins.get(id),
      edgeFunction: () => undefined,
      keyGroup: (id) => {
        if (id === LOCAL_STAND_INS.keyGroupId) {
          if (Object.keys(local.keyGroup).length === 0)
            throw new Error(
              'the login signs for CloudFront (login.cloudfront), so attach requires the stack key group: give its public keys in local.keyGroup',
            );
          return keyGroup(local.keyGroup);
        }
        const keys = local.trustedKeyGroups[id];
        return keys === undefined ? undefined : keyGroup(keys);
      },
      originAccessControl: (id) =>
        id === LOCAL_STAND_INS.originAccessControlId ? { id, signingBehavior: 'always' } : undefined,
      policies,
      note,
    };
    const serving = (domain: string, tenant: LocalDistributionTenant | undefined): Distribution => {
      const model = localDistributionFrom(distributionConfig, bindingsFor(tenant));
      return new Distribution({
        domain,
        behaviors: model.behaviors,
        ...(model.defaultRootObject ? { defaultRootObject: model.defaultRootObject } : {}),
        customErrorResponses: model.customErrorResponses,
        iam,
        ...(options.originTimeoutMs === undefined ? {} : { originTimeoutMs: options.originTimeoutMs }),
        clock,
        // Per domain: a cached answer for one tenant's domain is never served on another's.
        cache: new LocalCache(),
        note,
      });
    };
    for (const tenant of tenants) for (const domain of tenant.domains) byHost.set(domain, serving(domain, tenant));
    distribution = byHost.size > 0 ? byHost.values().next().value! : serving(config.domain, undefined);
    const temporary = options.workDir === undefined;
    return {
      url: origin,
      port,
      config,
      local,
      distributionConfig,
      attachChanges: attached.changes,
      distribution,
      tenantDistributions: byHost,
      gate: gateRuntime,
      idp,
      store,
      server,
      async close() {
        await close(server);
        if (temporary) rmSync(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await close(server);
    throw error;
  }
}

/** A request on a host no distribution tenant has: a multi-tenant distribution has no domain of its own. */
function notATenantDomain(host: string, domains: string[]): Exchange {
  return {
    response: xmlError(
      403,
      'NoSuchDistributionTenant',
      `No distribution tenant serves ${JSON.stringify(host)}; this multi-tenant distribution serves ${domains.join(', ')}.`,
    ),
    resultType: 'Error',
    detailedResultType: 'Error',
    behavior: undefined,
    range: undefined,
    cacheKey: undefined,
  };
}
