/**
 * `tenant-gate cleanup`: delete the Lambda@Edge functions of a stage that `remove` retained, once CloudFront has
 * removed their replicas (deploy/cleanup.ts); list the ones that must wait. The current stack's function is kept.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { cleanupEdgeFunctions } from '../../deploy/cleanup';
import { readStackOutputs, stackName } from '../../deploy/stack-outputs';
import { UsageError, type CliIO, type Command } from '../command';
import { parse } from './attach';

const OPTIONS = { stage: { type: 'string' }, 'dry-run': { type: 'boolean' } } as const;
const STAGE = /^[a-zA-Z0-9-]{1,32}$/;

export const command: Command = {
  name: 'cleanup',
  summary: "delete this stage's retained Lambda@Edge functions whose replicas are gone",
  usage: `usage: tenant-gate cleanup --stage S [--dry-run]

Deletes tenant-gate-<S>-edge-* (and the older tenant-gate-<S>-viewer-request) functions, except the one the
current stack tenant-gate-<S> uses. Lambda refuses while CloudFront still has replicas (hours after the detach):
those are listed as waiting; run the command again later. Exit code 0 when nothing waits, 1 otherwise.

  --stage S    the Serverless stage
  --dry-run    list, delete nothing`,

  async run(argv: string[], io: CliIO): Promise<number> {
    const v = parse(argv, OPTIONS);
    const stage = v.stage;
    if (stage === undefined || !STAGE.test(stage))
      throw new UsageError('--stage must be 1 to 32 characters of [a-zA-Z0-9-]');
    const outputs = await readStackOutputs(new CloudFormationClient({ region: 'us-east-1' }), stage);
    const current = outputs?.['TenantGateViewerRequestFunctionName'];
    const result = await cleanupEdgeFunctions(new LambdaClient({ region: 'us-east-1' }), {
      stage,
      keep: current === undefined ? [] : [current],
      dryRun: v['dry-run'] ?? false,
    });
    io.out(
      outputs === undefined
        ? `cleanup (stage ${stage}): the stack ${stackName(stage)} does not exist`
        : `cleanup (stage ${stage}): kept ${current ?? 'nothing'} (the current stack's)`,
    );
    for (const name of result.deleted) io.out(`  deleted ${name}`);
    for (const w of result.waiting) io.out(`  waiting ${w.name}: ${w.reason}`);
    if (result.deleted.length === 0 && result.waiting.length === 0) io.out('  nothing to delete');
    return result.waiting.length === 0 ? 0 : 1;
  },
};
