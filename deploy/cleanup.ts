/**
 * `tenant-gate cleanup`: delete the Lambda@Edge functions earlier stacks of this stage retained on `remove`
 * (`tenant-gate-<stage>-edge-<suffix>`, and the older fixed name `tenant-gate-<stage>-viewer-request`), except the
 * current stack's. Lambda refuses to delete a function whose replicas CloudFront has not removed yet
 * (InvalidParameterValueException "… because it is a replicated function", docs/platform.md#lambda-edge-deletion);
 * those are listed as waiting, to try again later.
 */
import { DeleteFunctionCommand, ListFunctionsCommand, type LambdaClient } from '@aws-sdk/client-lambda';

export interface CleanupResult {
  readonly deleted: readonly string[];
  readonly waiting: readonly { readonly name: string; readonly reason: string }[];
  readonly kept: readonly string[];
}

export function retainedNamePrefixes(stage: string): string[] {
  return [`tenant-gate-${stage}-edge-`, `tenant-gate-${stage}-viewer-request`];
}

export function isReplicatedFunctionError(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'InvalidParameterValueException' &&
    /because it is a replicated function/.test(error.message)
  );
}

export async function cleanupEdgeFunctions(
  lambda: LambdaClient,
  options: { readonly stage: string; readonly keep: readonly string[]; readonly dryRun?: boolean },
): Promise<CleanupResult> {
  const prefixes = retainedNamePrefixes(options.stage);
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListFunctionsCommand({ Marker: marker }));
    for (const f of page.Functions ?? [])
      if (f.FunctionName !== undefined && prefixes.some((p) => f.FunctionName!.startsWith(p)))
        names.push(f.FunctionName);
    marker = page.NextMarker;
  } while (marker !== undefined);
  const deleted: string[] = [];
  const waiting: { name: string; reason: string }[] = [];
  const kept: string[] = [];
  for (const name of names.sort()) {
    if (options.keep.includes(name)) {
      kept.push(name);
      continue;
    }
    if (options.dryRun === true) {
      waiting.push({ name, reason: 'dry run' });
      continue;
    }
    try {
      await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
      deleted.push(name);
    } catch (error) {
      if (!isReplicatedFunctionError(error)) throw error;
      waiting.push({
        name,
        reason: 'CloudFront has not removed its replicas yet (usually a few hours after the detach)',
      });
    }
  }
  return { deleted, waiting, kept };
}
