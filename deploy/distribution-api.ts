/**
 * Read-modify-write of a distribution's config with optimistic locking.
 *
 * CloudFront has no partial update: UpdateDistribution replaces the whole config and requires the ETag of the
 * version it was derived from (`IfMatch`). When someone else updated in between (another stack, the console), the
 * call fails with PreconditionFailed; re-reading and re-applying the same pure transform is then always correct,
 * whereas writing our stale copy would silently undo their change (docs/platform.md#distribution-updates).
 */
import {
  GetDistributionCommand,
  GetDistributionConfigCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
  type GetDistributionCommandOutput,
  type GetDistributionConfigCommandOutput,
  type UpdateDistributionCommandOutput,
} from '@aws-sdk/client-cloudfront';
import { isDeepStrictEqual } from 'node:util';
import { TenantGateError } from '../lib/errors';
import { diffDistributionConfigs, type FieldChange } from './config-diff';

/**
 * The two calls we make. `CloudFrontClient` satisfies it; tests pass a fake. The Update overload comes first so an
 * UpdateDistributionCommand never resolves to the Get overload (its input is a structural superset of Get's).
 */
export interface DistributionClient {
  send(command: UpdateDistributionCommand): Promise<UpdateDistributionCommandOutput>;
  send(command: GetDistributionConfigCommand): Promise<GetDistributionConfigCommandOutput>;
}

/** Same shape as `attach`/`detach`, so `(c) => attach(c, plan)` can be passed as is. */
export type ConfigTransform = (config: DistributionConfig) => {
  readonly config: DistributionConfig;
  readonly changes: readonly string[];
};

export interface UpdateOptions {
  /** Total tries including the first; default 3. */
  readonly attempts?: number | undefined;
  /** Wait before retry n (1-based); default 500 ms × n, so two racing deployers drift apart. */
  readonly backoffMs?: ((retry: number) => number) | undefined;
  readonly onRetry?: ((retry: number, error: Error) => void) | undefined;
}

export interface UpdateOutcome {
  /** False when the transform changed nothing: no UpdateDistribution call was made (it would start a redeploy). */
  readonly updated: boolean;
  readonly attempts: number;
  readonly changes: readonly string[];
  /** Every field written, behavior by behavior (before → after) of the attempt that was written; empty if none. */
  readonly diff: readonly FieldChange[];
  /** ETag after the update (or of the unchanged config). */
  readonly eTag: string | undefined;
}

export type DistributionUpdateErrorCode =
  'ERR_UPDATE_OPTIONS_INVALID' | 'ERR_UPDATE_NO_CONFIG' | 'ERR_UPDATE_CONFLICT' | 'ERR_UPDATE_WAIT_TIMEOUT';

export class DistributionUpdateError extends TenantGateError {
  declare readonly code: DistributionUpdateErrorCode;
  constructor(code: DistributionUpdateErrorCode, message: string, options?: { cause: unknown }) {
    super(code, message, options);
    this.name = 'DistributionUpdateError';
  }
}

/** By name, not instanceof: a second copy of the SDK in node_modules would have its own PreconditionFailed class. */
function isPreconditionFailed(error: unknown): error is Error {
  return error instanceof Error && error.name === 'PreconditionFailed';
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function updateDistributionWithRetry(
  client: DistributionClient,
  id: string,
  transform: ConfigTransform,
  options: UpdateOptions = {},
): Promise<UpdateOutcome> {
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new DistributionUpdateError(
      'ERR_UPDATE_OPTIONS_INVALID',
      `options.attempts must be a positive integer, got ${attempts}`,
    );
  }
  if (id.length === 0)
    throw new DistributionUpdateError('ERR_UPDATE_OPTIONS_INVALID', 'id (the distribution id) must not be empty');
  const backoff = options.backoffMs ?? ((retry: number) => 500 * retry);

  let lastConflict: Error | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const current = await client.send(new GetDistributionConfigCommand({ Id: id }));
    const config = current.DistributionConfig;
    if (config === undefined || current.ETag === undefined) {
      throw new DistributionUpdateError(
        'ERR_UPDATE_NO_CONFIG',
        `GetDistributionConfig for ${id} returned no DistributionConfig or no ETag`,
      );
    }
    // The transform gets its own copy so a misbehaving (mutating) transform cannot fool the no-op check below.
    const result = transform(structuredClone(config));
    if (isDeepStrictEqual(result.config, config)) {
      return { updated: false, attempts: attempt, changes: result.changes, diff: [], eTag: current.ETag };
    }
    try {
      const updated = await client.send(
        new UpdateDistributionCommand({ Id: id, IfMatch: current.ETag, DistributionConfig: result.config }),
      );
      return {
        updated: true,
        attempts: attempt,
        changes: result.changes,
        diff: diffDistributionConfigs(config, result.config),
        eTag: updated.ETag,
      };
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
      lastConflict = error;
      if (attempt < attempts) {
        options.onRetry?.(attempt, error);
        const wait = backoff(attempt);
        if (wait > 0) await sleep(wait);
      }
    }
  }
  throw new DistributionUpdateError(
    'ERR_UPDATE_CONFLICT',
    `distribution ${id} was changed by someone else during each of ${attempts} attempts (PreconditionFailed); nothing was written`,
    { cause: lastConflict },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Waiting until a change has reached every edge location
// ---------------------------------------------------------------------------------------------------------------

/** GetDistribution, the one call the wait makes. `CloudFrontClient` satisfies it. */
export interface DistributionStatusClient {
  send(command: GetDistributionCommand): Promise<GetDistributionCommandOutput>;
}

/** `Status` is `InProgress` until the change has propagated, then `Deployed` (docs/platform.md#distribution-updates). */
export const DEPLOYED = 'Deployed';

export interface WaitDeployedOptions {
  readonly now: () => number;
  /** Sleeps between two reads; the progress display redraws meanwhile. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Each status read (`InProgress`, `Deployed`), in order. */
  readonly onStatus?: ((status: string) => void) | undefined;
  /** Between two reads; default 15 s, as the SDK's waiter starts. */
  readonly intervalMs?: number | undefined;
  /** Give up after this long; default 30 minutes (propagation usually takes a few). */
  readonly timeoutMs?: number | undefined;
}

/** Reads the distribution's Status until it is Deployed; resolves with the time waited, throws after the timeout. */
export async function waitUntilDeployed(
  client: DistributionStatusClient,
  id: string,
  options: WaitDeployedOptions,
): Promise<{ readonly elapsedMs: number }> {
  const started = options.now();
  const interval = options.intervalMs ?? 15_000;
  const timeout = options.timeoutMs ?? 30 * 60_000;
  for (;;) {
    const answer = await client.send(new GetDistributionCommand({ Id: id }));
    const status = answer.Distribution?.Status ?? 'unknown';
    options.onStatus?.(status);
    const elapsedMs = options.now() - started;
    if (status === DEPLOYED) return { elapsedMs };
    if (elapsedMs + interval > timeout) {
      throw new DistributionUpdateError(
        'ERR_UPDATE_WAIT_TIMEOUT',
        `distribution ${id} is still ${status} after ${Math.round(elapsedMs / 1000)} s; the change is written and keeps deploying: check later with aws cloudfront get-distribution --id ${id} --query Distribution.Status`,
      );
    }
    await options.sleep(interval);
  }
}
