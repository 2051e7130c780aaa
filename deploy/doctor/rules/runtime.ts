/**
 * The Lambda@Edge functions' runtimes (read live: a distribution config names versions, not runtimes). Lambda
 * blocks creating functions on a runtime after its block-create date and updating them after its block-update
 * date (docs/platform.md#lambda-runtimes): a gate on such a runtime cannot be redeployed, rolled forward or fixed.
 */
import { edgeAssociationsOf, isOurs } from '../../attach';
import { checkRuntime } from '../../lambda-runtimes';
import { defineRule, type Report } from '../rule';

export const edgeRuntimeRetiring = defineRule({
  code: 'EDGE_RUNTIME_RETIRING',
  severity: 'error',
  summary: 'each Lambda@Edge function runs a runtime Lambda still lets you create and update (doctor --live reads it)',
  why: 'Past its block-create date Lambda refuses to create a function on the runtime (a redeploy after remove fails); past block-update it refuses every update, so the gate cannot be fixed or rotated.',
  fix: 'Redeploy with a supported runtime (npm run deploy uses the one in deploy/lambda-runtimes.ts).',
  check(context) {
    const runtimes = context.expectations.lambdaRuntimes;
    if (runtimes === undefined) return [];
    const now = context.expectations.now ?? Date.now();
    const reports: Report[] = [];
    const seen = new Set<string>();
    for (const { behavior } of context.behaviors) {
      for (const a of edgeAssociationsOf(behavior)) {
        if (a.kind !== 'lambda-edge' || seen.has(a.arn)) continue;
        seen.add(a.arn);
        const runtime = runtimes[a.arn];
        if (runtime === undefined) continue;
        const verdict = checkRuntime(runtime, now);
        if (verdict.level === 'ok') continue;
        const ours = isOurs(a.arn, context.marker);
        reports.push({
          what: `${ours ? 'the gate' : 'Lambda@Edge function'} ${a.arn}: ${verdict.message}`,
          // Someone else's function is worth knowing about, not a failure of this setup.
          severity: verdict.level === 'refuse' && ours ? 'error' : 'warning',
        });
      }
    }
    return reports;
  },
});
