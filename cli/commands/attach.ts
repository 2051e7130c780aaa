/**
 * `tenant-gate attach`: put the gate on the behaviors of an existing distribution (deploy/attach.ts), live through
 * GetDistributionConfig + UpdateDistribution with IfMatch (deploy/distribution-api.ts), or offline on a saved
 * `aws cloudfront get-distribution-config` answer. Also the home of what detach and doctor share with it: reading a
 * saved config, the CloudFront client, and argument helpers.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CloudFrontClient, GetDistributionConfigCommand, type DistributionConfig } from '@aws-sdk/client-cloudfront';
import { loadConfig } from '../../build/artifacts';
import { gatedPathPatterns, grantsPathPattern } from '../../deploy/package-artifacts';
import {
  AttachError,
  DEFAULT_AUTH_PATH_PATTERN,
  DEFAULT_MARKER,
  attach,
  type AttachPlan,
  type GateRef,
  type Ownership,
} from '../../deploy/attach';
import { diffDistributionConfigs, formatFieldChange, type FieldChange } from '../../deploy/config-diff';
import {
  DEPLOYED,
  DistributionUpdateError,
  updateDistributionWithRetry,
  waitUntilDeployed,
  type ConfigTransform,
  type DistributionClient,
  type DistributionStatusClient,
} from '../../deploy/distribution-api';
import type { GateConfig } from '../../config/gate';
import { UsageError, type CliIO, type Command } from '../command';
import { startProgress, systemClock, type Clock } from '../progress';

// ---------------------------------------------------------------------------------------------------------------
// Shared with detach.ts and doctor.ts
// ---------------------------------------------------------------------------------------------------------------

/** The AWS side, replaceable in tests (no test may reach AWS). */
export const cloudFront = {
  client(): DistributionClient {
    return new CloudFrontClient({ region: 'us-east-1' });
  },
  statusClient(): DistributionStatusClient {
    return new CloudFrontClient({ region: 'us-east-1' });
  },
  clock: systemClock as Clock,
  /**
   * Until the distribution is Deployed, showing its status and the time waited (cli/progress.ts: a spinner line on a
   * terminal, a line per status change elsewhere). Propagation usually takes minutes; gives up after 30.
   */
  async waitDeployed(id: string, io: CliIO): Promise<void> {
    const sink = io.progress ?? { line: (text: string) => io.err(text) };
    const progress = startProgress(`distribution ${id}`, sink, cloudFront.clock);
    try {
      await waitUntilDeployed(cloudFront.statusClient(), id, {
        now: () => cloudFront.clock.now(),
        sleep: (ms) => progress.sleep(ms),
        // Deployed is said once, by done(), with the time it took.
        onStatus: (status) => (status === DEPLOYED ? undefined : progress.state(status)),
      });
    } catch (error) {
      sink.clear?.();
      throw error;
    }
    progress.done('Deployed');
  },
};

export const DISTRIBUTION_ID = /^E[A-Z0-9]{5,20}$/;

export function parse<const T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * A saved config: the answer of `aws cloudfront get-distribution-config` ({ETag, DistributionConfig}), of
 * `get-distribution` ({Distribution: {DistributionConfig}}), or the bare DistributionConfig.
 */
export function readDistributionConfigFile(path: string): DistributionConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--distribution-config: cannot read ${path} as JSON (${(error as Error).message})`);
  }
  const record = (v: unknown): Record<string, unknown> | undefined =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const top = record(raw);
  const candidate =
    record(top?.['DistributionConfig']) ?? record(record(top?.['Distribution'])?.['DistributionConfig']) ?? top;
  if (
    candidate === undefined ||
    record(candidate['DefaultCacheBehavior']) === undefined ||
    record(candidate['Origins']) === undefined
  ) {
    throw new UsageError(
      `--distribution-config: ${path} is not a distribution config (the output of aws cloudfront get-distribution-config)`,
    );
  }
  return candidate as unknown as DistributionConfig;
}

/** The gate config, from --config or ./gatekeeper.config.json when present. */
export function gateConfigFrom(path: string | undefined, io: CliIO): GateConfig | undefined {
  const file = resolve(io.cwd, path ?? 'gatekeeper.config.json');
  if (path === undefined && !existsSync(file)) return undefined;
  return loadConfig(file);
}

export function pathPatternsFrom(given: string[] | undefined, config: GateConfig | undefined): string[] {
  if (given !== undefined && given.length > 0) return given;
  if (config !== undefined) return gatedPathPatterns(config);
  throw new UsageError('give --path-pattern (repeatable) or --config, to know which behaviors are gated');
}

/** Accepts `https://<id>.lambda-url.<region>.on.aws/` as printed by the stack, or the bare host. */
export function hostOf(origin: string): string {
  return /^https?:\/\//.test(origin) ? new URL(origin).host : origin.replace(/\/+$/, '');
}

/** The transform's own account of what it did, then every field it changes (behavior, field, before → after). */
export function printChanges(
  io: CliIO,
  changes: readonly string[],
  heading: string,
  diff: readonly FieldChange[] = [],
): void {
  if (changes.length === 0 && diff.length === 0) {
    io.out(`${heading}: nothing to change`);
    return;
  }
  const lines = [`${heading}:`, ...changes.map((c) => `  ${c}`)];
  if (diff.length > 0) lines.push('fields (before → after):', ...diff.map((c) => `  ${formatFieldChange(c)}`));
  io.out(lines.join('\n'));
}

/** Runs a transform live (with retry) or offline, the same way for attach and detach. Returns the exit code. */
export async function applyTransform(
  transform: ConfigTransform,
  target: {
    readonly distributionId?: string | undefined;
    readonly file?: string | undefined;
    readonly dryRun: boolean;
    readonly out?: string | undefined;
    readonly wait: boolean;
  },
  io: CliIO,
  verb: string,
): Promise<number> {
  if ((target.distributionId === undefined) === (target.file === undefined)) {
    throw new UsageError('give exactly one of --distribution-id (live) and --distribution-config FILE (offline)');
  }
  try {
    if (target.file !== undefined) {
      const input = readDistributionConfigFile(resolve(io.cwd, target.file));
      const edit = transform(input);
      printChanges(io, edit.changes, `${verb} (offline, ${target.file})`, diffDistributionConfigs(input, edit.config));
      if (target.out !== undefined) {
        writeFileSync(resolve(io.cwd, target.out), `${JSON.stringify(edit.config, null, 2)}\n`);
        io.out(
          `wrote ${target.out}: aws cloudfront update-distribution --id <ID> --if-match <ETag> --distribution-config file://${target.out}`,
        );
      }
      return 0;
    }
    const id = target.distributionId ?? '';
    if (!DISTRIBUTION_ID.test(id))
      throw new UsageError(`--distribution-id: "${id}" is not a CloudFront distribution id`);
    const client = cloudFront.client();
    if (target.dryRun) {
      // Same transform, and nothing written: a dry run must not even look like an update.
      const current = await client.send(new GetDistributionConfigCommand({ Id: id }));
      if (current.DistributionConfig === undefined)
        throw new Error(`GetDistributionConfig for ${id} returned no DistributionConfig`);
      const edit = transform(current.DistributionConfig);
      printChanges(
        io,
        edit.changes,
        `${verb} (dry run, ${id})`,
        diffDistributionConfigs(current.DistributionConfig, edit.config),
      );
      return 0;
    }
    const outcome = await updateDistributionWithRetry(client, id, transform, {
      onRetry: (n) => io.err(`distribution ${id} changed while we edited it (PreconditionFailed); retry ${n}`),
    });
    printChanges(io, outcome.changes, `${verb} (${id})`, outcome.diff);
    if (outcome.updated) {
      io.out(
        `distribution ${id} updated (ETag ${outcome.eTag ?? '?'}); CloudFront deploys the change to every edge location within minutes`,
      );
      if (target.wait) {
        io.out(`waiting until distribution ${id} is Deployed (usually a few minutes) …`);
        await cloudFront.waitDeployed(id, io);
        io.out(`distribution ${id}: the ${verb} above is live at every edge location`);
      }
    }
    return 0;
  } catch (error) {
    if (error instanceof AttachError || error instanceof DistributionUpdateError) {
      io.err(`${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// attach
// ---------------------------------------------------------------------------------------------------------------

export const DEFAULT_AUTH_ORIGIN_ID = 'tenant-gate-auth';
const GATES = ['lambda-edge', 'cloudfront-function'] as const;

const OPTIONS = {
  'distribution-id': { type: 'string' },
  'distribution-config': { type: 'string' },
  gate: { type: 'string' },
  arn: { type: 'string' },
  'path-pattern': { type: 'string', multiple: true },
  'grants-path-pattern': { type: 'string' },
  config: { type: 'string' },
  'auth-origin': { type: 'string' },
  'auth-origin-id': { type: 'string' },
  'auth-path': { type: 'string' },
  'auth-oac': { type: 'string' },
  'auth-origin-request-policy': { type: 'string' },
  'key-group': { type: 'string' },
  'response-headers-policy': { type: 'string' },
  'tenant-parameter': { type: 'string' },
  'domain-parameter': { type: 'string' },
  'clone-missing-behavior': { type: 'boolean' },
  'owned-key-group': { type: 'string', multiple: true },
  'owned-response-headers-policy': { type: 'string', multiple: true },
  'owned-oac': { type: 'string', multiple: true },
  'created-behavior': { type: 'string', multiple: true },
  marker: { type: 'string' },
  force: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  out: { type: 'string' },
  wait: { type: 'boolean' },
} as const;

export const command: Command = {
  name: 'attach',
  summary: 'attach the gate (and the /auth/* login route) to an existing CloudFront distribution',
  usage: `usage: tenant-gate attach (--distribution-id ID | --distribution-config FILE) --gate lambda-edge|cloudfront-function --arn ARN [options]

Makes the distribution hold what the stack wants, and only that, of what the stack owns: the gate on the
viewer-request event of the gated behaviors (and off every other behavior), the /auth/* behavior and its function
URL origin, the trusted key group (or none) and the response headers policy. What the stack owns is recognised by
the function name ("tenant-gate" in it), the auth origin id, and the ids given here: the current ones and, with
--owned-*, those of the previous deploy. Nothing else is changed. Idempotent. Lists every change (and every field,
before → after). Live mode reads the config with its ETag and updates with IfMatch, retrying when someone else
changed the distribution meanwhile.

  --distribution-id ID          live: read and update this distribution (AWS credentials for cloudfront:*Distribution*)
  --distribution-config FILE    offline: a saved \`aws cloudfront get-distribution-config\` answer; prints the changes
  --gate KIND                   lambda-edge (--arn is a numbered version ARN) or cloudfront-function (--arn the function ARN)
  --arn ARN                     the gate's ARN (stack outputs ViewerRequestLambdaFunctionQualifiedArn / TenantGateCloudFrontFunctionArn)
  --path-pattern P              a behavior to gate (repeatable); default \${pathPrefix}* from --config
  --grants-path-pattern P       the folder-grants behavior (e.g. /grants/*), created from the first gated one,
                                gated, without trusted key group; default \${grants.pathPrefix}* from --config
  --config FILE                 gate config (default ./gatekeeper.config.json)
  --auth-origin HOST|URL        the login function URL; adds --auth-path → that origin (caching disabled)
  --auth-origin-id ID           origin id for it (default ${DEFAULT_AUTH_ORIGIN_ID})
  --auth-path P                 ${DEFAULT_AUTH_PATH_PATTERN}, the only pattern the login serves (the default)
  --auth-oac ID                 origin access control that signs requests to an AWS_IAM function URL
  --auth-origin-request-policy ID
                                origin request policy of --auth-path (stack output TenantGateLoginOriginRequestPolicyId:
                                what the login reads plus CloudFront-Viewer-Address); default AllViewerExceptHostHeader
  --key-group ID                trusted key group required on the gated behaviors (signed cookies)
  --tenant-parameter NAME       a multi-tenant distribution: the distribution-tenant parameter the gate reads,
                                declared in TenantConfig if missing (default: --config's distributionTenant.parameter)
  --domain-parameter NAME       with --tenant-parameter and --auth-origin: the parameter holding each tenant's sign-in
                                domain; the login origin's OriginPath becomes /{{tenant}}/{{domain}}
                                (default: --config's distributionTenant.domainParameter)
  --response-headers-policy ID  response headers policy for the gated behaviors that keeps files private in browsers
                                (Cache-Control: private, no-cache; stack output TenantGatePrivateFilesHeadersPolicyId);
                                a behavior with a policy of its own keeps it (said in the changes) unless --force
  --clone-missing-behavior      create a missing gated behavior from the default behavior's settings
  --created-behavior P          a behavior a previous attach created (--clone-missing-behavior): removed once P is
                                no longer gated (repeatable; attach prints the list to pass)
  --owned-key-group ID          a key group the stack owns or owned (previous deploy): removed from the behaviors
                                where --key-group does not ask for it, e.g. signed cookies turned off (repeatable)
  --owned-response-headers-policy ID
                                a response headers policy the stack owned: replaced by --response-headers-policy
                                without --force, or removed (repeatable)
  --owned-oac ID                an origin access control the stack owned: cleared from the auth origin (repeatable)
  --marker NAME                 what a function name contains to be the stack's (default ${DEFAULT_MARKER})
  --force                       replace foreign functions standing where the gate goes, and a gated behavior's own
                                response headers policy
  --dry-run                     live: print the changes, write nothing
  --out FILE                    offline: write the resulting DistributionConfig
  --wait                        live: wait until CloudFront has deployed the change`,

  async run(argv: string[], io: CliIO): Promise<number> {
    const v = parse(argv, OPTIONS);
    const gate = v.gate;
    if (gate === undefined || !(GATES as readonly string[]).includes(gate))
      throw new UsageError(`--gate must be one of ${GATES.join(', ')}`);
    if (v.arn === undefined) throw new UsageError('--arn is required');
    const ref: GateRef =
      gate === 'lambda-edge' ? { kind: 'lambda-edge', arn: v.arn } : { kind: 'cloudfront-function', arn: v.arn };
    if (
      v['auth-origin'] === undefined &&
      (v['auth-oac'] !== undefined ||
        v['auth-origin-id'] !== undefined ||
        v['auth-origin-request-policy'] !== undefined)
    ) {
      throw new UsageError('--auth-oac, --auth-origin-id and --auth-origin-request-policy need --auth-origin');
    }
    const originId = v['auth-origin-id'] ?? DEFAULT_AUTH_ORIGIN_ID;
    const owned: Partial<Ownership> = {
      trustedKeyGroupIds: v['owned-key-group'] ?? [],
      responseHeadersPolicyIds: v['owned-response-headers-policy'] ?? [],
      originAccessControlIds: v['owned-oac'] ?? [],
      createdBehaviors: v['created-behavior'] ?? [],
    };
    const gateConfig =
      v['path-pattern'] === undefined || v.config !== undefined ? gateConfigFrom(v.config, io) : undefined;
    const pathPatterns = pathPatternsFrom(v['path-pattern'], v['path-pattern'] === undefined ? gateConfig : undefined);
    const grantsPattern = v['grants-path-pattern'] ?? (gateConfig ? grantsPathPattern(gateConfig) : null);
    const plan: AttachPlan = {
      pathPatterns,
      // A multi-tenant distribution (config distributionTenant): the parameter the gate reads, declared if missing.
      tenantParameter: v['tenant-parameter'] ?? gateConfig?.distributionTenant?.parameter,
      grants: grantsPattern === null ? undefined : { pathPattern: grantsPattern, from: pathPatterns[0]! },
      domainParameter: v['domain-parameter'] ?? gateConfig?.distributionTenant?.domainParameter,
      gate: ref,
      auth:
        v['auth-origin'] === undefined
          ? undefined
          : {
              pathPattern: v['auth-path'] ?? DEFAULT_AUTH_PATH_PATTERN,
              originDomainName: hostOf(v['auth-origin']),
              originId,
              originAccessControlId: v['auth-oac'],
              originRequestPolicyId: v['auth-origin-request-policy'],
            },
      trustedKeyGroupId: v['key-group'],
      responseHeadersPolicyId: v['response-headers-policy'],
      force: v.force ?? false,
      missingBehavior: v['clone-missing-behavior'] === true ? 'clone-default' : 'refuse',
      owned,
      marker: v.marker,
    };
    let after: Ownership | undefined;
    const transform: ConfigTransform = (config) => {
      const edit = attach(config, plan);
      after = edit.owned;
      return edit;
    };
    const code = await applyTransform(
      transform,
      {
        distributionId: v['distribution-id'],
        file: v['distribution-config'],
        dryRun: v['dry-run'] ?? false,
        out: v.out,
        wait: v.wait ?? false,
      },
      io,
      'attach',
    );
    // Created behaviors cannot be recognised from the distribution alone: say what to pass next time.
    if (code === 0 && after !== undefined && after.createdBehaviors.length > 0) {
      io.out(
        `behaviors created by attach (pass to the next attach and to detach): ${after.createdBehaviors.map((p) => `--created-behavior ${p}`).join(' ')}`,
      );
    }
    return code;
  },
};
