/**
 * What the gated behaviors and the login route put in the cache key and send to their origins: the token cookie,
 * Authorization, cookies to S3, the Host header; and the custom policies the doctor could not read.
 */
import { MANAGED_POLICY_IDS } from '../../attach';
import type { BehaviorEntry, DoctorContext } from '../context';
import { originKind } from '../origins';
import { has } from '../request-shape';
import { defineRule, type Report } from '../rule';

export const policyNotChecked = defineRule({
  code: 'POLICY_NOT_CHECKED',
  severity: 'info',
  summary: 'the custom cache and origin request policies of the gated behaviors and the login route are known',
  why: 'Custom policies decide which cookies and headers reach the cache key and the origin; without the policy the related checks were skipped.',
  fix: 'Pass it in expectations.cachePolicies / originRequestPolicies (the CLI reads them with --live).',
  check(context) {
    const reports: Report[] = [];
    const reported = new Set<string>();
    const unknown = (kind: 'cache' | 'origin request', id: string, label: string): void => {
      if (reported.has(id)) return;
      reported.add(id);
      reports.push({
        what: `${label} uses ${kind} policy ${id}, which the doctor does not know`,
        fix: `Pass it in expectations.${kind === 'cache' ? 'cachePolicies' : 'originRequestPolicies'} (aws cloudfront get-${kind === 'cache' ? 'cache' : 'origin-request'}-policy-config --id ${id}).`,
      });
    };
    const entries: BehaviorEntry[] = [...context.gated, ...(context.auth === undefined ? [] : [context.auth])];
    for (const { label, behavior } of entries) {
      if (context.cacheKeyOf(behavior) === undefined) unknown('cache', behavior.CachePolicyId ?? '', label);
      if (context.originRequestOf(behavior) === undefined)
        unknown('origin request', behavior.OriginRequestPolicyId ?? '', label);
    }
    return reports;
  },
});

function s3OriginsOf(context: DoctorContext, entry: BehaviorEntry) {
  return context.originsOf(entry.behavior).filter((o) => originKind(o) === 's3');
}

function keysTokenCookie(context: DoctorContext, entry: BehaviorEntry): boolean {
  const key = context.cacheKeyOf(entry.behavior);
  return key !== undefined && has(key.cookies, context.cookieName, false);
}

export const cacheKeyTokenCookie = defineRule({
  code: 'CACHE_KEY_TOKEN_COOKIE',
  severity: 'warning',
  summary: 'the token cookie is not in the cache key of a gated behavior',
  why: 'Isolation comes from the gate rewriting the path before the cache key is computed, not from the cookie. Keyed on the token, every viewer and every token renewal gets its own cache entry (the hit ratio collapses) and the bearer token is sent to the origin.',
  fix: `Use a cache policy without cookies (e.g. managed CachingOptimized ${MANAGED_POLICY_IDS.CachingOptimized}).`,
  check(context) {
    return context.gated
      .filter((e) => keysTokenCookie(context, e))
      .map((e) => ({
        what: `${e.label} puts ${context.cacheKeyOf(e.behavior)?.cookies.kind === 'all' ? 'all cookies' : `the ${context.cookieName} cookie`} in the cache key`,
        fix: `Use a cache policy without cookies for ${e.pattern} (e.g. managed CachingOptimized ${MANAGED_POLICY_IDS.CachingOptimized}).`,
      }));
  },
});

export const cacheKeyAuthorization = defineRule({
  code: 'CACHE_KEY_AUTHORIZATION',
  severity: 'warning',
  summary: 'the Authorization header is not in the cache key of a gated behavior',
  why: 'The cache is split per credential and the header is forwarded to the origin; with origin access control a viewer Authorization header can interfere with CloudFront signing the S3 request.',
  fix: 'Remove Authorization from the cache policy (or legacy ForwardedValues.Headers).',
  check(context) {
    return context.gated
      .filter((e) => {
        const key = context.cacheKeyOf(e.behavior);
        return key !== undefined && has(key.headers, 'authorization', true);
      })
      .map((e) => ({
        what: `${e.label} puts the Authorization header in the cache key`,
        fix: `Remove Authorization from the cache policy (or legacy ForwardedValues.Headers) of ${e.pattern}.`,
      }));
  },
});

export const cookiesForwardedToS3 = defineRule({
  code: 'COOKIES_FORWARDED_TO_S3',
  severity: 'warning',
  summary: 'a gated behavior forwards no cookies to its S3 origin',
  why: 'S3 ignores cookies; forwarding them only sends the tenant token further than it needs to go (and, in a cache policy, splits the cache).',
  fix: 'Forward no cookies (legacy ForwardedValues.Cookies.Forward none, or policies without cookies).',
  check(context) {
    const reports: Report[] = [];
    for (const e of context.gated) {
      // Already reported as CACHE_KEY_TOKEN_COOKIE, which says more.
      if (keysTokenCookie(context, e)) continue;
      const key = context.cacheKeyOf(e.behavior);
      const orp = context.originRequestOf(e.behavior);
      const cookiesOut =
        (key !== undefined && key.cookies.kind !== 'none') || (orp !== undefined && orp.cookies.kind !== 'none');
      const toS3 = s3OriginsOf(context, e);
      if (cookiesOut && toS3.length > 0) {
        reports.push({
          what: `${e.label} forwards cookies to the S3 origin ${toS3.map((o) => o.Id).join(', ')}`,
          fix: `Forward no cookies on ${e.pattern} (legacy ForwardedValues.Cookies.Forward none, or policies without cookies).`,
        });
      }
    }
    return reports;
  },
});

function forwardsHost(context: DoctorContext, entry: BehaviorEntry): boolean {
  const key = context.cacheKeyOf(entry.behavior);
  const orp = context.originRequestOf(entry.behavior);
  return (key !== undefined && has(key.headers, 'host', true)) || (orp !== undefined && has(orp.headers, 'host', true));
}

export const hostHeaderForwarded = defineRule({
  code: 'HOST_HEADER_FORWARDED',
  severity: 'error',
  summary: "the viewer's Host header reaches neither the S3 files origin nor the login function URL",
  why: "S3 picks the bucket (and origin access control signs) by Host, and a function URL answers 403 to a Host other than its own: with the distribution's host every such request fails.",
  fix: 'Use an origin request policy without Host.',
  check(context) {
    const reports: Report[] = [];
    for (const e of context.gated) {
      const toS3 = s3OriginsOf(context, e);
      if (toS3.length > 0 && forwardsHost(context, e)) {
        reports.push({
          what: `${e.label} forwards the viewer's Host header to the S3 origin ${toS3.map((o) => o.Id).join(', ')}`,
          why: "S3 picks the bucket (and origin access control signs) by Host; with the distribution's host every file request fails.",
          fix: `Use an origin request policy without Host (e.g. none, or CORS-S3Origin) on ${e.pattern}.`,
        });
      }
    }
    const auth = context.auth;
    if (auth !== undefined && forwardsHost(context, auth)) {
      for (const o of context.originsOf(auth.behavior)) {
        if (originKind(o) !== 'function-url') continue;
        reports.push({
          what: `${auth.label} forwards the viewer's Host header to the function URL ${o.DomainName}`,
          why: 'A Lambda function URL answers 403 to a Host other than its own, so every login fails.',
          fix: `Use the managed AllViewerExceptHostHeader origin request policy (${MANAGED_POLICY_IDS.AllViewerExceptHostHeader}).`,
        });
      }
    }
    return reports;
  },
});
