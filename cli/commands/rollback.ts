/**
 * `tenant-gate rollback`: put the previous gate back on a distribution (deploy/rollback.ts): the previous Lambda@Edge
 * version re-attached, or the previous CloudFront Function code republished. Also run by the Serverless plugin after
 * `serverless rollback -t <timestamp>`. Says what it changed.
 */
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { functionNameOf } from '../../deploy/attach';
import { DistributionUpdateError, updateDistributionWithRetry } from '../../deploy/distribution-api';
import { PublishError, rollbackFunction } from '../../deploy/publish-function';
import { attachedGates, previousVersionArn, replaceLambdaVersions } from '../../deploy/rollback';
import { UsageError, type CliIO, type Command } from '../command';
import { DISTRIBUTION_ID, cloudFront, parse, printChanges } from './attach';

const OPTIONS = {
  'distribution-id': { type: 'string' },
  stage: { type: 'string' },
  'auth-path': { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

export const command: Command = {
  name: 'rollback',
  summary: 'put the previous gate back (previous Lambda@Edge version, or previous CloudFront Function code)',
  usage: `usage: tenant-gate rollback --distribution-id ID [--dry-run]

Finds the tenant-gate viewer-request gate on the distribution's behaviors and puts the previous one back:
  lambda-edge          every association of the attached numbered version names the version before it instead
                       (UpdateDistribution with IfMatch)
  cloudfront-function  the code kept in <function>-previous at the last publish goes to DEVELOPMENT and is
                       published; the code it replaces becomes the previous one (a second rollback undoes the first)

  --distribution-id ID  the distribution the gate is attached to
  --dry-run             say what would change, change nothing
  --stage S, --auth-path P  accepted for the Serverless plugin's call; not needed`,

  async run(argv: string[], io: CliIO): Promise<number> {
    const v = parse(argv, OPTIONS);
    const id = v['distribution-id'];
    if (id === undefined || !DISTRIBUTION_ID.test(id))
      throw new UsageError(`--distribution-id: "${id ?? ''}" is not a CloudFront distribution id`);
    const client = cloudFront.client();
    const { GetDistributionConfigCommand } = await import('@aws-sdk/client-cloudfront');
    const current = await client.send(new GetDistributionConfigCommand({ Id: id }));
    if (current.DistributionConfig === undefined) throw new Error(`GetDistributionConfig for ${id} returned no config`);
    const gates = attachedGates(current.DistributionConfig);
    if (gates.length === 0) {
      io.err(`ERR_ROLLBACK_NO_GATE: no tenant-gate viewer-request gate on distribution ${id}`);
      return 1;
    }
    try {
      const versions: Record<string, string> = {};
      for (const gate of gates) {
        if (gate.kind === 'lambda-edge') {
          const previous = await previousVersionArn(new LambdaClient({ region: 'us-east-1' }), gate.arn);
          if (previous === undefined) {
            io.err(`ERR_ROLLBACK_NO_PREVIOUS: ${gate.arn} is the oldest version left; nothing to roll back to`);
            return 1;
          }
          versions[gate.arn] = previous;
        } else {
          const name = functionNameOf(gate.arn);
          if (v['dry-run'] === true) {
            io.out(`rollback (dry run): would republish the code kept in ${name}-previous on ${name}`);
            continue;
          }
          const { bytes } = await rollbackFunction(cloudFrontFunctions(), name);
          io.out(
            `rollback: ${name} LIVE now runs the previous code (${bytes} bytes, from ${name}-previous); the code it replaced is kept there`,
          );
        }
      }
      if (Object.keys(versions).length > 0) {
        if (v['dry-run'] === true) {
          printChanges(
            io,
            replaceLambdaVersions(current.DistributionConfig, versions).changes,
            `rollback (dry run, ${id})`,
          );
        } else {
          const outcome = await updateDistributionWithRetry(client, id, (c) => replaceLambdaVersions(c, versions));
          printChanges(io, outcome.changes, `rollback (${id})`);
        }
      }
    } catch (error) {
      if (error instanceof PublishError || error instanceof DistributionUpdateError) {
        io.err(`${error.code}: ${error.message}`);
        return 1;
      }
      throw error;
    }
    return 0;
  },
};

function cloudFrontFunctions(): CloudFrontClient {
  return new CloudFrontClient({ region: 'us-east-1' });
}
