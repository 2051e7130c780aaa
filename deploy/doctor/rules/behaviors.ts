/** How the gated behaviors (and the login route) answer viewers: HTTPS only, private in browsers, reads only. */
import type { ResponseHeadersPolicyConfig } from '@aws-sdk/client-cloudfront';
import { defineRule, type Report } from '../rule';

export const viewerHttpAllowed = defineRule({
  code: 'VIEWER_HTTP_ALLOWED',
  severity: 'error',
  summary: 'the gated behaviors and the login route redirect plain HTTP to HTTPS',
  why: 'Plain HTTP carries the tenant token cookie in clear text, and a __Host- cookie (Secure) is not even sent, so the gate refuses the viewer.',
  fix: 'Set ViewerProtocolPolicy to redirect-to-https (or https-only).',
  check(context) {
    return [...context.gated, ...(context.auth === undefined ? [] : [context.auth])]
      .filter((e) => e.behavior.ViewerProtocolPolicy === 'allow-all')
      .map((e) => ({ what: `${e.label} has ViewerProtocolPolicy allow-all` }));
  },
});

/**
 * Whether a response headers policy makes browsers keep gated files private and revalidate them: a
 * `Cache-Control` custom header, overriding the origin's, that says `private` and `no-cache` or `no-store`.
 */
export function keepsBrowserCachePrivate(policy: ResponseHeadersPolicyConfig): boolean {
  const header = (policy.CustomHeadersConfig?.Items ?? []).find((h) => h.Header?.toLowerCase() === 'cache-control');
  if (header === undefined || header.Override !== true) return false;
  const directives = (header.Value ?? '')
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  return directives.includes('private') && (directives.includes('no-cache') || directives.includes('no-store'));
}

export const browserCacheNotPrivate = defineRule({
  code: 'BROWSER_CACHE_NOT_PRIVATE',
  severity: 'warning',
  summary: 'the gated behaviors answer with Cache-Control: private, no-cache (a response headers policy)',
  why: "CloudFront keys on the rewritten uri, so tenants never share its cache; a browser keys on the viewer URL. When another user signs in on the same browser, it may show the previous user's copy of the same /files/ path without asking the edge.",
  fix: 'Attach a response headers policy to the gated behaviors with the custom header Cache-Control: private, no-cache (Override: true): the edge still caches per tenant, the browser revalidates through the gate.',
  check(context) {
    const reports: Report[] = [];
    for (const { label, behavior } of context.gated) {
      // S3 objects rarely carry Cache-Control, and heuristic freshness then applies in the browser.
      const id = behavior.ResponseHeadersPolicyId;
      const policy = id ? context.expectations.responseHeadersPolicies?.[id] : undefined;
      // A policy the doctor was not given is not judged (it may well say private, no-cache).
      if (!id || (policy !== undefined && !keepsBrowserCachePrivate(policy))) {
        reports.push({
          what: `${label} does not make browsers treat its files as private (no response headers policy with Cache-Control: private, no-cache)`,
        });
      }
    }
    return reports;
  },
});

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

export const gatedWriteMethods = defineRule({
  code: 'GATED_WRITE_METHODS',
  severity: 'warning',
  summary: 'the gated behaviors allow reads only (GET, HEAD, OPTIONS)',
  why: 'The gate authorizes reads of a tenant prefix. With origin access control CloudFront signs writes too, so whether a token holder can overwrite or delete files then rests on the bucket policy alone.',
  fix: 'Allow GET, HEAD (and OPTIONS for CORS) only; upload through presigned S3 URLs issued by the application.',
  check(context) {
    const reports: Report[] = [];
    for (const { label, behavior } of context.gated) {
      const writes = (behavior.AllowedMethods?.Items ?? []).filter((m) => WRITE_METHODS.includes(m));
      if (writes.length > 0) reports.push({ what: `${label} allows ${writes.join(', ')}` });
    }
    return reports;
  },
});
