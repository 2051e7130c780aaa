/**
 * The outputs of this stage's stack (`tenant-gate-<stage>`, Serverless's `<service>-<stage>`), as the CLI commands
 * that run outside Serverless (rollback, cleanup) read them. undefined when the stack does not exist.
 */
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

export function stackName(stage: string): string {
  return `tenant-gate-${stage}`;
}

export async function readStackOutputs(
  client: CloudFormationClient,
  stage: string,
): Promise<Record<string, string> | undefined> {
  try {
    const answer = await client.send(new DescribeStacksCommand({ StackName: stackName(stage) }));
    const outputs: Record<string, string> = {};
    for (const o of answer.Stacks?.[0]?.Outputs ?? [])
      if (o.OutputKey !== undefined && o.OutputValue !== undefined) outputs[o.OutputKey] = o.OutputValue;
    return outputs;
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id … does not exist".
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message))
      return undefined;
    throw error;
  }
}
