/** What kind of origin a behavior reaches, and which origins (an origin group reaches all its members). */
import type { DistributionConfig, Origin } from '@aws-sdk/client-cloudfront';

const S3_WEBSITE = /\.s3-website[.-][a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
const S3_REST = /\.s3(\.dualstack)?([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/;
const FUNCTION_URL = /\.lambda-url\.[a-z0-9-]+\.on\.aws$/;

export type OriginKind = 's3' | 's3-website' | 'function-url' | 'custom';

export function originKind(o: Origin): OriginKind {
  const d = o.DomainName ?? '';
  if (S3_WEBSITE.test(d)) return 's3-website';
  if (S3_REST.test(d)) return 's3';
  if (FUNCTION_URL.test(d)) return 'function-url';
  return 'custom';
}

/** Origins a behavior can reach: its origin, or every member of its origin group (failover reaches them all). */
export function originsOf(config: DistributionConfig, targetId: string | undefined): Origin[] {
  const origins = config.Origins?.Items ?? [];
  const group = config.OriginGroups?.Items?.find((g) => g.Id === targetId);
  const ids = group === undefined ? [targetId] : (group.Members?.Items ?? []).map((m) => m.OriginId);
  return origins.filter((o) => ids.includes(o.Id));
}
