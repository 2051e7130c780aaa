/** The files origins: S3 REST endpoints that only CloudFront may read. */
import { originKind } from '../origins';
import { defineRule, type Report } from '../rule';

export const s3WebsiteOrigin = defineRule({
  code: 'S3_WEBSITE_ORIGIN',
  severity: 'error',
  summary: 'no gated behavior targets an S3 website endpoint',
  why: 'Website endpoints are public by construction and cannot use origin access control: every tenant file is readable straight from the bucket, bypassing the gate.',
  fix: 'Use the bucket REST endpoint (<bucket>.s3.<region>.amazonaws.com) with origin access control and block public access.',
  check(context) {
    const reports: Report[] = [];
    for (const { label, behavior } of context.gated) {
      for (const o of context.originsOf(behavior)) {
        if (originKind(o) === 's3-website')
          reports.push({ what: `${label} targets the S3 website endpoint ${o.DomainName}` });
      }
    }
    return reports;
  },
});

export const gatedOriginNotS3 = defineRule({
  code: 'GATED_ORIGIN_NOT_S3',
  severity: 'warning',
  summary: 'the gated behaviors target S3 buckets',
  why: 'The gate confines a tenant by rewriting to /tenants/<tenant>/…, which holds because S3 keys are literal strings. Another origin may resolve the path its own way (dot segments, case folding, its own routes), and may be reachable without CloudFront.',
  fix: 'Serve tenant files from an S3 bucket with origin access control, or make sure this origin treats the path as an opaque key and only accepts CloudFront.',
  check(context) {
    const reports: Report[] = [];
    for (const { label, behavior } of context.gated) {
      for (const o of context.originsOf(behavior)) {
        const kind = originKind(o);
        if (kind !== 's3' && kind !== 's3-website')
          reports.push({ what: `${label} targets ${o.DomainName}, which is not an S3 bucket` });
      }
    }
    return reports;
  },
});

export const s3OriginNoOac = defineRule({
  code: 'S3_ORIGIN_NO_OAC',
  severity: 'error',
  summary: 'every S3 origin is read through origin access control (an error for the files origin, else a warning)',
  why: 'CloudFront can only read this bucket if it is public, and then every tenant file is one S3 URL away, without the gate.',
  fix: 'Create an origin access control (signing: always), set OriginAccessControlId, grant cloudfront.amazonaws.com with an AWS:SourceArn condition on this distribution, and block public access.',
  check(context) {
    const reports: Report[] = [];
    for (const o of context.config.Origins?.Items ?? []) {
      if (originKind(o) !== 's3' || (o.OriginAccessControlId ?? '') !== '') continue;
      if ((o.S3OriginConfig?.OriginAccessIdentity ?? '') !== '') continue;
      const files = context.gatedOrigins.includes(o);
      reports.push({
        what: `origin ${o.Id} (${o.DomainName}) has neither origin access control nor an origin access identity`,
        ...(files ? {} : { severity: 'warning', why: 'CloudFront can only read this bucket if it is public.' }),
      });
    }
    return reports;
  },
});

export const s3OriginLegacyOai = defineRule({
  code: 'S3_ORIGIN_LEGACY_OAI',
  severity: 'warning',
  summary: 'no S3 origin uses a legacy origin access identity',
  why: 'OAI works but is legacy: it does not support SSE-KMS, newer regions, or signed writes, and AWS recommends origin access control.',
  fix: 'Create an origin access control, set OriginAccessControlId, grant it in the bucket policy, then remove the OAI.',
  check(context) {
    return (context.config.Origins?.Items ?? [])
      .filter(
        (o) =>
          originKind(o) === 's3' &&
          (o.OriginAccessControlId ?? '') === '' &&
          (o.S3OriginConfig?.OriginAccessIdentity ?? '') !== '',
      )
      .map((o) => ({ what: `origin ${o.Id} (${o.DomainName}) uses a legacy origin access identity` }));
  },
});
