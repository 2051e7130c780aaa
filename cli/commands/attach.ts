/**
 * `tenant-gate attach`: put the gate on the behaviors of an existing distribution (deploy/attach.ts), live through
 * GetDistributionConfig + UpdateDistribution with IfMatch (deploy/distribution-api.ts), or offline on a saved
 * `aws cloudfront get-distribution-config` answer. Also the home of what detach and doctor share with it: reading a
 * saved config, the CloudFront client, and argument helpers.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  CloudFrontClient,
  GetDistributionConfigCommand,
  waitUntilDistributionDeployed,
  type DistributionConfig,
} from '@aws-sdk/client-cloudfront';
import { loadConfig } from '../../build/artifacts';
import { gatedPathPatterns } from '../../deploy/package-artifacts';
import {
  AttachError,
  DEFAULT_AUTH_PATH_PATTERN,
  attach,
  type AttachPlan,
  type ConfigEdit,
  type GateRef,
} from '../../deploy/attach';
import {
  DistributionUpdateError,
  updateDistributionWithRetry,
  type ConfigTransform,
  type DistributionClient,
} from '../../deploy/distribution-api';
import type { GateConfig } from '../../config/gate';
import { UsageError, type CliIO, type Command } from '../command';

// ---------------------------------------------------------------------------------------------------------------
// Shared with detach.ts and doctor.ts
// ---------------------------------------------------------------------------------------------------------------

/** The AWS side, replaceable in tests (no test may reach AWS). */
export const cloudFront = {
  client(): DistributionClient {
    return new CloudFrontClient({ region: 'us-east-1' });
  },
  async waitDeployed(id: string): Promise<void> {
    // Propagation usually takes minutes; give up after 30 and let the caller say what to check.
    await waitUntilDistributionDeployed(
      { client: new CloudFrontClient({ region: 'us-east-1' }), maxWaitTime: 1800, minDelay: 15, maxDelay: 60 },
      { Id: id },
    );
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

export function printChanges(io: CliIO, changes: readonly string[], heading: string): void {
  if (changes.length === 0) {
    io.out(`${heading}: nothing to change`);
    return;
  }
  io.out([`${heading}:`, ...changes.map((c) => `  ${c}`)].join('\n'));
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
      const edit = transform(readDistributionConfigFile(resolve(io.cwd, target.file)));
      printChanges(io, edit.changes, `${verb} (offline, ${target.file})`);
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
      printChanges(io, transform(current.DistributionConfig).changes, `${verb} (dry run, ${id})`);
      return 0;
    }
    const outcome = await updateDistributionWithRetry(client, id, transform, {
      onRetry: (n) => io.err(`distribution ${id} changed while we edited it (PreconditionFailed); retry ${n}`),
    });
    printChanges(io, outcome.changes, `${verb} (${id})`);
    if (outcome.updated) {
      io.out(
        `distribution ${id} updated (ETag ${outcome.eTag ?? '?'}); CloudFront deploys the change to every edge location within minutes`,
      );
      if (target.wait) {
        io.out(`waiting until distribution ${id} is Deployed …`);
        await cloudFront.waitDeployed(id);
        io.out(`distribution ${id} is Deployed`);
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

/**
 * attach() leaves a new auth origin without origin access control; with an AWS_IAM function URL CloudFront must
 * sign its requests, so the origin gets the stack's OAC. Idempotent like attach itself.
 */
export function withAuthOriginAccessControl(edit: ConfigEdit, originId: string, oacId: string): ConfigEdit {
  const origin = edit.config.Origins?.Items?.find((o) => o.Id === originId);
  if (origin === undefined || origin.OriginAccessControlId === oacId) return edit;
  origin.OriginAccessControlId = oacId;
  return {
    config: edit.config,
    changes: [...edit.changes, `origins: ${originId} signed with origin access control ${oacId}`],
  };
}

const OPTIONS = {
  'distribution-id': { type: 'string' },
  'distribution-config': { type: 'string' },
  gate: { type: 'string' },
  arn: { type: 'string' },
  'path-pattern': { type: 'string', multiple: true },
  config: { type: 'string' },
  'auth-origin': { type: 'string' },
  'auth-origin-id': { type: 'string' },
  'auth-path': { type: 'string' },
  'auth-oac': { type: 'string' },
  'key-group': { type: 'string' },
  'response-headers-policy': { type: 'string' },
  'clone-missing-behavior': { type: 'boolean' },
  force: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  out: { type: 'string' },
  wait: { type: 'boolean' },
} as const;

export const command: Command = {
  name: 'attach',
  summary: 'attach the gate (and the /auth/* login route) to an existing CloudFront distribution',
  usage: `usage: tenant-gate attach (--distribution-id ID | --distribution-config FILE) --gate lambda-edge|cloudfront-function --arn ARN [options]

Puts the gate on the viewer-request event of the gated behaviors, adds the /auth/* behavior and its function URL
origin, requires the trusted key group and sets the response headers policy, changing nothing else. Idempotent. Live mode reads the config with its
ETag and updates with IfMatch, retrying when someone else changed the distribution meanwhile.

  --distribution-id ID          live: read and update this distribution (AWS credentials for cloudfront:*Distribution*)
  --distribution-config FILE    offline: a saved \`aws cloudfront get-distribution-config\` answer; prints the changes
  --gate KIND                   lambda-edge (--arn is a numbered version ARN) or cloudfront-function (--arn the function ARN)
  --arn ARN                     the gate's ARN (stack outputs ViewerRequestLambdaFunctionQualifiedArn / TenantGateCloudFrontFunctionArn)
  --path-pattern P              a behavior to gate (repeatable); default \${pathPrefix}* from --config
  --config FILE                 gate config (default ./gatekeeper.config.json)
  --auth-origin HOST|URL        the login function URL; adds --auth-path → that origin (caching disabled)
  --auth-origin-id ID           origin id for it (default ${DEFAULT_AUTH_ORIGIN_ID})
  --auth-path P                 default ${DEFAULT_AUTH_PATH_PATTERN}
  --auth-oac ID                 origin access control that signs requests to an AWS_IAM function URL
  --key-group ID                trusted key group required on the gated behaviors (signed cookies)
  --response-headers-policy ID  response headers policy for the gated behaviors that keeps files private in browsers
                                (Cache-Control: private, no-cache; stack output TenantGatePrivateFilesHeadersPolicyId);
                                a behavior with a policy of its own keeps it (said in the changes) unless --force
  --clone-missing-behavior      create a missing gated behavior from the default behavior's settings
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
    if (v['auth-origin'] === undefined && (v['auth-oac'] !== undefined || v['auth-origin-id'] !== undefined)) {
      throw new UsageError('--auth-oac and --auth-origin-id need --auth-origin');
    }
    const originId = v['auth-origin-id'] ?? DEFAULT_AUTH_ORIGIN_ID;
    const plan: AttachPlan = {
      pathPatterns: pathPatternsFrom(
        v['path-pattern'],
        v['path-pattern'] === undefined ? gateConfigFrom(v.config, io) : undefined,
      ),
      gate: ref,
      auth:
        v['auth-origin'] === undefined
          ? undefined
          : {
              pathPattern: v['auth-path'] ?? DEFAULT_AUTH_PATH_PATTERN,
              originDomainName: hostOf(v['auth-origin']),
              originId,
            },
      trustedKeyGroupId: v['key-group'],
      responseHeadersPolicyId: v['response-headers-policy'],
      force: v.force ?? false,
      missingBehavior: v['clone-missing-behavior'] === true ? 'clone-default' : 'refuse',
    };
    const oac = v['auth-oac'];
    const transform: ConfigTransform = (config) => {
      const edit = attach(config, plan);
      return oac === undefined ? edit : withAuthOriginAccessControl(edit, originId, oac);
    };
    return applyTransform(
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
  },
};
