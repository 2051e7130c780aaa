/**
 * Lambda's runtime deprecation dates, from docs/platform.md#lambda-runtimes (Lambda DG: Building with Node.js,
 * the current English page). The one table the package/deploy hooks and the doctor read.
 *
 * After "deprecation" a runtime gets no security patches; after "block create" Lambda refuses CreateFunction with
 * it; after "block update" also UpdateFunctionCode/Configuration. A deploy creates functions (a redeploy after
 * `remove` does, see docs/deploy.md "Remove and redeploy"), so a runtime past its block-create date is refused
 * outright, and one within WARN_DAYS of its deprecation is announced.
 *
 * The dev machine's Node (package.json `engines`, >=20.19) is a separate matter: it runs the build, the tests and the
 * CLI, never a deployed function; esbuild targets node22 for the Lambda bundles whatever Node builds them.
 */
export interface RuntimeDates {
  /** ISO dates (UTC midnight). */
  readonly deprecated: string;
  readonly blockCreate: string;
  readonly blockUpdate: string;
}

export const LAMBDA_RUNTIMES: Readonly<Record<string, RuntimeDates>> = {
  'nodejs20.x': { deprecated: '2026-04-30', blockCreate: '2026-08-31', blockUpdate: '2026-09-30' },
  'nodejs22.x': { deprecated: '2027-04-30', blockCreate: '2027-06-01', blockUpdate: '2027-07-01' },
  'nodejs24.x': { deprecated: '2028-04-30', blockCreate: '2028-06-01', blockUpdate: '2028-07-01' },
};

/** The runtime serverless.yml deploys (every function). */
export const DEPLOY_RUNTIME = 'nodejs22.x';

/** Warn this many days before a runtime's deprecation date. */
export const WARN_DAYS = 90;

const DAY_MS = 24 * 60 * 60 * 1000;

export type RuntimeVerdict =
  | { readonly level: 'ok'; readonly runtime: string }
  | { readonly level: 'warn' | 'refuse'; readonly runtime: string; readonly message: string };

/** What a deploy on `nowMs` may do with `runtime`. An unknown runtime is refused: no dates, no promise. */
export function checkRuntime(runtime: string, nowMs: number): RuntimeVerdict {
  const dates = Object.prototype.hasOwnProperty.call(LAMBDA_RUNTIMES, runtime) ? LAMBDA_RUNTIMES[runtime] : undefined;
  if (dates === undefined) {
    return {
      level: 'refuse',
      runtime,
      message: `runtime ${runtime} is not in deploy/lambda-runtimes.ts (known: ${Object.keys(LAMBDA_RUNTIMES).join(', ')})`,
    };
  }
  const at = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
  if (nowMs >= at(dates.blockUpdate))
    return {
      level: 'refuse',
      runtime,
      message: `Lambda blocks creating and updating ${runtime} functions since ${dates.blockUpdate}; use ${DEPLOY_RUNTIME} or later`,
    };
  if (nowMs >= at(dates.blockCreate))
    return {
      level: 'refuse',
      runtime,
      message: `Lambda blocks creating ${runtime} functions since ${dates.blockCreate} (updates until ${dates.blockUpdate}); a redeploy after remove would fail: use a newer runtime`,
    };
  const days = Math.ceil((at(dates.deprecated) - nowMs) / DAY_MS);
  if (days <= 0)
    return {
      level: 'warn',
      runtime,
      message: `${runtime} is deprecated since ${dates.deprecated} (no security patches); Lambda blocks creating it from ${dates.blockCreate}`,
    };
  if (days <= WARN_DAYS)
    return {
      level: 'warn',
      runtime,
      message: `${runtime} is deprecated in ${days} day(s), on ${dates.deprecated}; Lambda blocks creating it from ${dates.blockCreate}`,
    };
  return { level: 'ok', runtime };
}
