/**
 * `tenant-gate rollback`: put the previous gate back on a distribution.
 *
 * - Lambda@Edge: the viewer-request association names a numbered version (docs/platform.md#lambda-edge). The previous
 *   gate is the highest numbered version of the same function below the attached one; every association of ours
 *   that names the attached version is switched to it (a pure transform, written with IfMatch).
 * - CloudFront Function: the association names the function, not a version; CloudFront keeps no code history, so the
 *   previous LIVE code is kept at publish time in `<name>-previous` (deploy/publish-function.ts) and republished.
 */
import { ListVersionsByFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import { DEFAULT_MARKER, edgeAssociationsOf, functionNameOf, isOurs, type BehaviorLike, type GateKind } from './attach';

export interface AttachedGate {
  readonly kind: GateKind;
  readonly arn: string;
  /** Path patterns (`*` for the default behavior) whose viewer-request runs it. */
  readonly pathPatterns: readonly string[];
}

function behaviorsOf(config: DistributionConfig): { pattern: string; behavior: BehaviorLike }[] {
  const out: { pattern: string; behavior: BehaviorLike }[] = [];
  for (const b of config.CacheBehaviors?.Items ?? []) out.push({ pattern: b.PathPattern ?? '?', behavior: b });
  if (config.DefaultCacheBehavior !== undefined) out.push({ pattern: '*', behavior: config.DefaultCacheBehavior });
  return out;
}

/** Our viewer-request gates on the distribution, one entry per distinct ARN. */
export function attachedGates(config: DistributionConfig, marker: string = DEFAULT_MARKER): AttachedGate[] {
  const byArn = new Map<string, { kind: GateKind; patterns: string[] }>();
  for (const { pattern, behavior } of behaviorsOf(config)) {
    for (const a of edgeAssociationsOf(behavior)) {
      if (a.eventType !== 'viewer-request' || !isOurs(a.arn, marker)) continue;
      const entry = byArn.get(a.arn) ?? { kind: a.kind, patterns: [] };
      entry.patterns.push(pattern);
      byArn.set(a.arn, entry);
    }
  }
  return [...byArn.entries()].map(([arn, e]) => ({ kind: e.kind, arn, pathPatterns: e.patterns }));
}

/**
 * Every Lambda@Edge association naming a key of `versions` names its value instead, all at once (so `7 → 6` and
 * `6 → 5` on two behaviors never cascade into `7 → 5`).
 */
export function replaceLambdaVersions(
  config: DistributionConfig,
  versions: Readonly<Record<string, string>>,
): { config: DistributionConfig; changes: string[] } {
  const copy = structuredClone(config);
  const changes: string[] = [];
  for (const { pattern, behavior } of behaviorsOf(copy)) {
    for (const a of behavior.LambdaFunctionAssociations?.Items ?? []) {
      const from = a.LambdaFunctionARN;
      if (from === undefined || !Object.prototype.hasOwnProperty.call(versions, from)) continue;
      a.LambdaFunctionARN = versions[from];
      changes.push(`${pattern}: ${a.EventType} ${from} → ${versions[from]}`);
    }
  }
  return { config: copy, changes };
}

const VERSION_ARN = /^(arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+):(\d+)$/;

/** The numbered version before the one `arn` names, or undefined when it is the first one left. */
export async function previousVersionArn(lambda: LambdaClient, arn: string): Promise<string | undefined> {
  const m = VERSION_ARN.exec(arn);
  if (m === null) throw new Error(`${arn} is not a numbered Lambda version ARN`);
  const current = Number(m[2]);
  const versions: number[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: functionNameOf(arn), Marker: marker }),
    );
    for (const v of page.Versions ?? [])
      if (v.Version !== undefined && /^\d+$/.test(v.Version)) versions.push(Number(v.Version));
    marker = page.NextMarker;
  } while (marker !== undefined);
  const below = versions.filter((v) => v < current).sort((a, b) => b - a);
  return below[0] === undefined ? undefined : `${m[1]}:${below[0]}`;
}
