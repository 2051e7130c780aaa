/**
 * `tenant-gate doctor`: what in a distribution's configuration breaks tenant isolation or the login (deploy/doctor.ts),
 * from a saved `aws cloudfront get-distribution-config` answer or live. Expectations come from the gate config.
 */
import { resolve } from 'node:path';
import {
  CloudFrontClient,
  GetCachePolicyConfigCommand,
  GetDistributionConfigCommand,
  GetOriginRequestPolicyConfigCommand,
  GetResponseHeadersPolicyConfigCommand,
  type CachePolicyConfig,
  type DistributionConfig,
  type OriginRequestPolicyConfig,
  type ResponseHeadersPolicyConfig,
} from '@aws-sdk/client-cloudfront';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DEFAULT_AUTH_PATH_PATTERN, edgeAssociationsOf } from '../../deploy/attach';
import { listTenants, type TenantRecord } from '../../deploy/distribution-tenants';
import { isMultiTenant } from '../../deploy/multi-tenant';
import {
  MANAGED_CACHE_POLICIES,
  MANAGED_ORIGIN_REQUEST_POLICIES,
  diagnose,
  exitCodeFor,
  RULES,
  formatFindings,
  ipBindingOf,
  loginBindsViewerAddressOf,
  loginRevokesOf,
  type DoctorExpectations,
} from '../../deploy/doctor';
import { UsageError, type CliIO, type Command } from '../command';
import { DISTRIBUTION_ID, gateConfigFrom, parse, pathPatternsFrom, readDistributionConfigFile } from './attach';
import { grantsPathPattern } from '../../deploy/package-artifacts';

/** What live mode reads; tests replace it (no test may reach AWS). */
export interface DistributionSource {
  distributionConfig(id: string): Promise<DistributionConfig>;
  /** undefined when it cannot be read (e.g. no permission): the doctor then reports the policy as not checked. */
  cachePolicy(id: string): Promise<CachePolicyConfig | undefined>;
  originRequestPolicy(id: string): Promise<OriginRequestPolicyConfig | undefined>;
  /** The response headers policies of the gated behaviors (BROWSER_CACHE_NOT_PRIVATE judges only those it has). */
  responseHeadersPolicy(id: string): Promise<ResponseHeadersPolicyConfig | undefined>;
  /** The runtime of a Lambda@Edge version (`nodejs22.x`); undefined when it cannot be read. */
  lambdaRuntime?(versionArn: string): Promise<string | undefined>;
  /** A multi-tenant distribution's distribution tenants, with their parameters; undefined when they cannot be read. */
  distributionTenants?(distributionId: string): Promise<TenantRecord[] | undefined>;
}

export const doctorSource = {
  create(): DistributionSource {
    const client = new CloudFrontClient({ region: 'us-east-1' });
    // Lambda@Edge functions live in us-east-1 (docs/platform.md#lambda-edge).
    const lambda = new LambdaClient({ region: 'us-east-1' });
    const orUndefined = async <T>(read: () => Promise<T | undefined>): Promise<T | undefined> => {
      try {
        return await read();
      } catch {
        return undefined;
      }
    };
    return {
      async distributionConfig(id) {
        const out = await client.send(new GetDistributionConfigCommand({ Id: id }));
        if (out.DistributionConfig === undefined)
          throw new Error(`GetDistributionConfig for ${id} returned no DistributionConfig`);
        return out.DistributionConfig;
      },
      cachePolicy: (id) =>
        orUndefined(async () => (await client.send(new GetCachePolicyConfigCommand({ Id: id }))).CachePolicyConfig),
      originRequestPolicy: (id) =>
        orUndefined(
          async () =>
            (await client.send(new GetOriginRequestPolicyConfigCommand({ Id: id }))).OriginRequestPolicyConfig,
        ),
      responseHeadersPolicy: (id) =>
        orUndefined(
          async () =>
            (await client.send(new GetResponseHeadersPolicyConfigCommand({ Id: id }))).ResponseHeadersPolicyConfig,
        ),
      distributionTenants: (distributionId) => orUndefined(() => listTenants(client, distributionId)),
      lambdaRuntime: (versionArn) =>
        orUndefined(
          async () =>
            (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: versionArn }))).Runtime as
              string | undefined,
        ),
    };
  },
};

function customPolicyIds(config: DistributionConfig): { cache: Set<string>; originRequest: Set<string> } {
  const cache = new Set<string>();
  const originRequest = new Set<string>();
  for (const b of [config.DefaultCacheBehavior, ...(config.CacheBehaviors?.Items ?? [])]) {
    if (b?.CachePolicyId && MANAGED_CACHE_POLICIES[b.CachePolicyId] === undefined) cache.add(b.CachePolicyId);
    if (b?.OriginRequestPolicyId && MANAGED_ORIGIN_REQUEST_POLICIES[b.OriginRequestPolicyId] === undefined)
      originRequest.add(b.OriginRequestPolicyId);
  }
  return { cache, originRequest };
}

/** The response headers policies of the gated behaviors: the only ones a finding depends on. */
function responseHeadersPolicyIds(config: DistributionConfig, gated: readonly string[]): Set<string> {
  const behaviors: [string, string | undefined][] = [
    ['*', config.DefaultCacheBehavior?.ResponseHeadersPolicyId],
    ...(config.CacheBehaviors?.Items ?? []).map((b): [string, string | undefined] => [
      b.PathPattern ?? '',
      b.ResponseHeadersPolicyId,
    ]),
  ];
  const ids = new Set<string>();
  for (const [pattern, id] of behaviors) if (id && gated.includes(pattern)) ids.add(id);
  return ids;
}

/** Every Lambda@Edge version the distribution names, once. */
function lambdaEdgeArns(config: DistributionConfig): Set<string> {
  const arns = new Set<string>();
  for (const b of [config.DefaultCacheBehavior, ...(config.CacheBehaviors?.Items ?? [])]) {
    if (b === undefined) continue;
    for (const a of edgeAssociationsOf(b)) if (a.kind === 'lambda-edge') arns.add(a.arn);
  }
  return arns;
}

const OPTIONS = {
  'distribution-config': { type: 'string' },
  live: { type: 'string' },
  config: { type: 'string' },
  'path-pattern': { type: 'string', multiple: true },
  'auth-path': { type: 'string' },
  'token-lifetime': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const command: Command = {
  name: 'doctor',
  summary: "check a CloudFront distribution's configuration for what breaks tenant isolation or the gate",
  usage: `usage: tenant-gate doctor (--distribution-config FILE | --live ID) [--config FILE] [options]

Each finding has a severity, what is wrong, why it matters and how to fix it. Exit code 1 when any finding is an
error, 0 otherwise (warnings and info included).

  --distribution-config FILE    a saved \`aws cloudfront get-distribution-config --id ID\` answer
  --live ID                     read the distribution (and its custom cache / origin request policies, the
                                response headers policies of the gated behaviors and the runtime of each
                                Lambda@Edge function) from AWS
  --config FILE                 gate config the expectations come from (default ./gatekeeper.config.json):
                                cookieName, maxTokenLifetimeSeconds, \${pathPrefix}* as the gated behavior, login.bindIp
  --path-pattern P              gated behavior instead of \${pathPrefix}* (repeatable)
  --auth-path P                 login behavior (default ${DEFAULT_AUTH_PATH_PATTERN})
  --token-lifetime SECONDS      when there is no gate config
  --json                        print {distribution, findings, summary} as JSON

Checks (finding code, usual severity: what is checked):
${RULES.map((r) => `  ${r.code} (${r.severity}): ${r.summary}`).join('\n')}`,

  async run(argv: string[], io: CliIO): Promise<number> {
    const v = parse(argv, OPTIONS);
    const file = v['distribution-config'];
    const live = v.live;
    if ((file === undefined) === (live === undefined))
      throw new UsageError('give exactly one of --distribution-config FILE and --live ID');
    if (live !== undefined && !DISTRIBUTION_ID.test(live))
      throw new UsageError(`--live: "${live}" is not a CloudFront distribution id`);

    const gate = gateConfigFrom(v.config, io);
    let tokenLifetimeSeconds = gate?.maxTokenLifetimeSeconds;
    if (v['token-lifetime'] !== undefined) {
      tokenLifetimeSeconds = Number(v['token-lifetime']);
      if (!Number.isInteger(tokenLifetimeSeconds) || tokenLifetimeSeconds < 1)
        throw new UsageError('--token-lifetime must be a positive integer (seconds)');
    }
    if (tokenLifetimeSeconds === undefined)
      throw new UsageError('give --config (or --token-lifetime and --path-pattern): no ./gatekeeper.config.json here');

    let config: DistributionConfig;
    const expectations: DoctorExpectations = {
      gatedPathPatterns: pathPatternsFrom(v['path-pattern'], gate),
      cookieName: gate?.cookieName,
      tokenLifetimeSeconds,
      ipBinding: ipBindingOf(gate),
      loginBindsViewerAddress: loginBindsViewerAddressOf(gate),
      loginRevokes: loginRevokesOf(gate),
      authPathPattern: v['auth-path'] ?? DEFAULT_AUTH_PATH_PATTERN,
      distributionTenant: gate?.distributionTenant,
      grantsPathPattern: (gate ? grantsPathPattern(gate) : null) ?? undefined,
    };
    let full: DoctorExpectations = expectations;
    if (file !== undefined) {
      config = readDistributionConfigFile(resolve(io.cwd, file));
    } else {
      const source = doctorSource.create();
      config = await source.distributionConfig(live ?? '');
      const ids = customPolicyIds(config);
      const cachePolicies: Record<string, CachePolicyConfig> = {};
      const originRequestPolicies: Record<string, OriginRequestPolicyConfig> = {};
      for (const id of ids.cache) {
        const p = await source.cachePolicy(id);
        if (p !== undefined) cachePolicies[id] = p;
      }
      for (const id of ids.originRequest) {
        const p = await source.originRequestPolicy(id);
        if (p !== undefined) originRequestPolicies[id] = p;
      }
      const responseHeadersPolicies: Record<string, ResponseHeadersPolicyConfig> = {};
      for (const id of responseHeadersPolicyIds(config, expectations.gatedPathPatterns)) {
        const p = await source.responseHeadersPolicy(id);
        if (p !== undefined) responseHeadersPolicies[id] = p;
      }
      const lambdaRuntimes: Record<string, string> = {};
      for (const arn of lambdaEdgeArns(config)) {
        const runtime = await source.lambdaRuntime?.(arn);
        if (runtime !== undefined) lambdaRuntimes[arn] = runtime;
      }
      // A multi-tenant distribution: its distribution tenants' parameters (DISTRIBUTION_TENANT_WITHOUT_PARAMETER).
      const distributionTenants = isMultiTenant(config) ? await source.distributionTenants?.(live ?? '') : undefined;
      full = {
        ...expectations,
        cachePolicies,
        originRequestPolicies,
        responseHeadersPolicies,
        lambdaRuntimes,
        ...(distributionTenants === undefined ? {} : { distributionTenants }),
      };
    }

    const findings = diagnose(config, full);
    const code = exitCodeFor(findings);
    if (v.json === true) {
      const count = (s: string): number => findings.filter((f) => f.severity === s).length;
      io.out(
        JSON.stringify(
          {
            distribution: live ?? file,
            findings,
            summary: { errors: count('error'), warnings: count('warning'), info: count('info'), exitCode: code },
          },
          null,
          2,
        ),
      );
    } else {
      io.out(
        `tenant-gate doctor: ${live !== undefined ? `distribution ${live}` : file}, gated ${expectations.gatedPathPatterns.join(', ')}\n\n${formatFindings(findings)}`,
      );
    }
    return code;
  },
};
