/**
 * `tenant-gate detach`: undo attach (deploy/attach.ts `detach`): our function associations, the /auth/* behavior and
 * its origin, and the trusted key group and response headers policy we added; nothing else. `serverless remove` runs
 * it first.
 */
import { DEFAULT_AUTH_PATH_PATTERN, DEFAULT_MARKER, detach, type DetachOptions } from '../../deploy/attach';
import type { ConfigTransform } from '../../deploy/distribution-api';
import type { CliIO, Command } from '../command';
import { DEFAULT_AUTH_ORIGIN_ID, applyTransform, parse } from './attach';

const OPTIONS = {
  'distribution-id': { type: 'string' },
  'distribution-config': { type: 'string' },
  'auth-path': { type: 'string' },
  'auth-origin-id': { type: 'string' },
  'key-group': { type: 'string', multiple: true },
  'response-headers-policy': { type: 'string', multiple: true },
  'remove-behavior': { type: 'string', multiple: true },
  'created-behavior': { type: 'string', multiple: true },
  marker: { type: 'string' },
  'dry-run': { type: 'boolean' },
  out: { type: 'string' },
  wait: { type: 'boolean' },
} as const;

export const command: Command = {
  name: 'detach',
  summary: 'remove the gate (and the /auth/* login route) from a CloudFront distribution',
  usage: `usage: tenant-gate detach (--distribution-id ID | --distribution-config FILE) [options]

Removes every tenant-gate function association (recognised by "tenant-gate" in the function name), the /auth/*
behavior routed to the tenant-gate origin and that origin once unused, and the given trusted key group and response
headers policy. Other behaviors, origins and functions stay as they are. Running it twice changes nothing the second
time.

  --distribution-id ID          live: read and update this distribution
  --distribution-config FILE    offline: a saved \`aws cloudfront get-distribution-config\` answer; prints the changes
  --auth-path P                 the login behavior (default ${DEFAULT_AUTH_PATH_PATTERN})
  --auth-origin-id ID           its origin id, when it does not contain "tenant-gate" (default ${DEFAULT_AUTH_ORIGIN_ID})
  --key-group ID                a trusted key group of the stack (stack output TenantGateKeyGroupId); repeatable, to
                                remove those of previous deploys too
  --response-headers-policy ID  a response headers policy of the stack (stack output TenantGatePrivateFilesHeadersPolicyId);
                                repeatable
  --created-behavior P          also remove this behavior (one attach created with --clone-missing-behavior); repeatable
  --remove-behavior P           the same as --created-behavior
  --marker NAME                 what a function name contains to be the stack's (default ${DEFAULT_MARKER})
  --dry-run                     live: print the changes, write nothing
  --out FILE                    offline: write the resulting DistributionConfig
  --wait                        live: wait until CloudFront has deployed the change (needed before deleting the functions)`,

  async run(argv: string[], io: CliIO): Promise<number> {
    const v = parse(argv, OPTIONS);
    const opts: DetachOptions = {
      authPathPattern: v['auth-path'] ?? DEFAULT_AUTH_PATH_PATTERN,
      authOriginId: v['auth-origin-id'] ?? DEFAULT_AUTH_ORIGIN_ID,
      removeBehaviors: [...(v['remove-behavior'] ?? []), ...(v['created-behavior'] ?? [])],
      owned: {
        trustedKeyGroupIds: v['key-group'] ?? [],
        responseHeadersPolicyIds: v['response-headers-policy'] ?? [],
      },
      marker: v.marker,
    };
    const transform: ConfigTransform = (config) => detach(config, opts);
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
      'detach',
    );
  },
};
