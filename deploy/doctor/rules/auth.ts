/** The login route: present, never cached, never gated, HTTPS to its function URL. */
import { MANAGED_POLICY_IDS, edgeAssociationsOf, isOurs } from '../../attach';
import { originKind } from '../origins';
import { defineRule, type Report } from '../rule';

export const authBehaviorMissing = defineRule({
  code: 'AUTH_BEHAVIOR_MISSING',
  severity: 'error',
  summary: 'the login route (/auth/*) has a cache behavior',
  why: 'Login requests fall through to the default behavior (usually the SPA bucket): users never get a tenant token, and the SPA fallback may answer them with index.html.',
  fix: 'Add the login behavior → the login function URL, with CachingDisabled and AllViewerExceptHostHeader (tenant-gate attach with an auth route).',
  check(context) {
    if (context.auth !== undefined) return [];
    return [
      {
        what: `no cache behavior with path pattern ${context.authPattern}`,
        fix: `Add ${context.authPattern} → the login function URL, with CachingDisabled and AllViewerExceptHostHeader (tenant-gate attach with an auth route).`,
      },
    ];
  },
});

export const authGated = defineRule({
  code: 'AUTH_GATED',
  severity: 'warning',
  summary: 'the login route does not run the gate',
  why: 'Login requests carry no tenant token yet; the gate refuses them, or rewrites them into /tenants/…, so nobody can log in.',
  fix: 'Remove the gate from the login route (tenant-gate attach does).',
  check(context) {
    const auth = context.auth;
    if (auth === undefined) return [];
    const gated = edgeAssociationsOf(auth.behavior).filter((a) => isOurs(a.arn, context.marker));
    if (gated.length === 0) return [];
    return [
      {
        what: `${auth.label} runs ${gated.map((a) => a.arn).join(', ')}`,
        fix: `Remove the gate from ${context.authPattern}.`,
      },
    ];
  },
});

export const authCachingEnabled = defineRule({
  code: 'AUTH_CACHING_ENABLED',
  severity: 'error',
  summary: 'the login route never caches (max TTL 0)',
  why: "The login answer carries Set-Cookie with a tenant token; a cached answer can be replayed to another visitor, who is then logged into someone else's tenant.",
  fix: `Use the managed CachingDisabled cache policy (${MANAGED_POLICY_IDS.CachingDisabled}) on the login route.`,
  check(context) {
    const auth = context.auth;
    const key = auth === undefined ? undefined : context.cacheKeyOf(auth.behavior);
    if (auth === undefined || key === undefined || (key.maxTtl ?? 0) <= 0) return [];
    return [
      {
        what: `${auth.label} may cache responses (max TTL ${key.maxTtl}s)`,
        fix: `Use the managed CachingDisabled cache policy (${MANAGED_POLICY_IDS.CachingDisabled}) on ${context.authPattern}.`,
      },
    ];
  },
});

export const authOriginNotHttps = defineRule({
  code: 'AUTH_ORIGIN_NOT_HTTPS',
  severity: 'warning',
  summary: "the login route's function URL origin is reached over HTTPS only",
  why: 'Function URLs only serve HTTPS; anything else fails or depends on how the viewer connected, and the answer carries the tenant token.',
  fix: 'Set OriginProtocolPolicy to https-only.',
  check(context) {
    const reports: Report[] = [];
    if (context.auth === undefined) return reports;
    for (const o of context.originsOf(context.auth.behavior)) {
      if (originKind(o) !== 'function-url') continue;
      const protocol = o.CustomOriginConfig?.OriginProtocolPolicy;
      if (protocol !== 'https-only')
        reports.push({ what: `origin ${o.Id} (function URL) uses OriginProtocolPolicy ${protocol ?? 'unset'}` });
    }
    return reports;
  },
});
