/**
 * The login route: present, never cached, never gated, HTTPS to its function URL, the viewer address and the
 * login's query parameters forwarded.
 */
import { MANAGED_POLICY_IDS, edgeAssociationsOf, isOurs } from '../../attach';
import { MANAGED_POLICIES } from '../../../lib/distribution/policies';
import { LOGIN_QUERY_PARAMETERS, VIEWER_ADDRESS_HEADER } from '../../../login/origin-request';
import type { DoctorContext } from '../context';
import { originKind } from '../origins';
import type { AnyBehavior } from '../request-shape';
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

/**
 * Whether the behavior's policies make CloudFront add `CloudFront-Viewer-Address`; undefined when a policy is
 * unknown (POLICY_NOT_CHECKED says so). Only a list names a CloudFront header: a whitelist, or the CloudFront part
 * of allViewerAndWhitelistCloudFront; "all viewer headers" are the viewer's only
 * (docs/platform.md#origin-request-and-cache-policies).
 */
function addsViewerAddress(context: DoctorContext, behavior: AnyBehavior): boolean | undefined {
  const listed = (behaviorName: string | undefined, items: readonly string[] | undefined): boolean =>
    (behaviorName === 'whitelist' || behaviorName === 'allViewerAndWhitelistCloudFront') &&
    (items ?? []).some((h) => h.toLowerCase() === VIEWER_ADDRESS_HEADER);
  let inCache: boolean;
  if (behavior.CachePolicyId !== undefined && behavior.CachePolicyId !== '') {
    const cache = { ...MANAGED_POLICIES.cache, ...context.expectations.cachePolicies }[behavior.CachePolicyId];
    if (cache === undefined) return undefined;
    const headers = cache.ParametersInCacheKeyAndForwardedToOrigin?.HeadersConfig;
    inCache = listed(headers?.HeaderBehavior, headers?.Headers?.Items);
  } else {
    inCache = (behavior.ForwardedValues?.Headers?.Items ?? []).some((h) => h.toLowerCase() === VIEWER_ADDRESS_HEADER);
  }
  if (inCache) return true;
  const id = behavior.OriginRequestPolicyId;
  if (id === undefined || id === '') return false;
  const policy = { ...MANAGED_POLICIES.originRequest, ...context.expectations.originRequestPolicies }[id];
  if (policy === undefined) return undefined;
  return listed(policy.HeadersConfig?.HeaderBehavior, policy.HeadersConfig?.Headers?.Items);
}

export const authViewerAddressMissing = defineRule({
  code: 'AUTH_VIEWER_ADDRESS_MISSING',
  severity: 'error',
  summary: 'the login route forwards CloudFront-Viewer-Address when the login binds to it',
  why: 'The login reads the viewer address from CloudFront-Viewer-Address (login.viewerIpSource), which CloudFront adds only when a policy names it; AllViewerExceptHostHeader forwards viewer headers only. Every IP-bound link or session is refused (400 ip_binding_unavailable).',
  fix: "Use the stack's login origin request policy (output TenantGateLoginOriginRequestPolicyId, tenant-gate attach --auth-origin-request-policy), or one that whitelists CloudFront-Viewer-Address and not Host.",
  check(context) {
    const auth = context.auth;
    if (auth === undefined || context.expectations.loginBindsViewerAddress !== true) return [];
    if (addsViewerAddress(context, auth.behavior) !== false) return [];
    const policy = auth.behavior.OriginRequestPolicyId;
    return [
      {
        what: `${auth.label} does not make CloudFront add CloudFront-Viewer-Address (origin request policy ${policy === undefined || policy === '' ? 'none' : policy}), while the login binds to it`,
      },
    ];
  },
});

/**
 * Whether the behavior's policies forward the query parameter `name` to the origin: the cache policy's query strings
 * (also forwarded) or the origin request policy's. Undefined when a policy is not known.
 */
function forwardsQueryParameter(context: DoctorContext, behavior: AnyBehavior, name: string): boolean | undefined {
  const forwards = (config: { QueryStringBehavior?: string; QueryStrings?: { Items?: string[] } } | undefined) => {
    const listed = (config?.QueryStrings?.Items ?? []).includes(name);
    const how = config?.QueryStringBehavior;
    return how === 'all' || (how === 'whitelist' && listed) || (how === 'allExcept' && !listed);
  };
  if (behavior.CachePolicyId !== undefined && behavior.CachePolicyId !== '') {
    const cache = { ...MANAGED_POLICIES.cache, ...context.expectations.cachePolicies }[behavior.CachePolicyId];
    if (cache === undefined) return undefined;
    if (forwards(cache.ParametersInCacheKeyAndForwardedToOrigin?.QueryStringsConfig)) return true;
  } else if (behavior.ForwardedValues?.QueryString === true) {
    return true;
  }
  const id = behavior.OriginRequestPolicyId;
  if (id === undefined || id === '') return false;
  const policy = { ...MANAGED_POLICIES.originRequest, ...context.expectations.originRequestPolicies }[id];
  if (policy === undefined) return undefined;
  return forwards(policy.QueryStringsConfig);
}

export const authQueryDropped = defineRule({
  code: 'AUTH_QUERY_DROPPED',
  severity: 'error',
  summary: "the login route forwards the login's query parameters when the login revokes",
  why: `"Sign out everywhere" is DELETE /auth/session?${LOGIN_QUERY_PARAMETERS.join(', ')}; CloudFront drops a query parameter no policy names, so the login sees a plain sign-out: the cookies are cleared in this browser, and every copy elsewhere keeps working until it expires. A distribution attached before revocation has a login origin request policy without it.`,
  fix: "Redeploy (the stack's login origin request policy names it), or re-attach with --auth-origin-request-policy TenantGateLoginOriginRequestPolicyId, or use a policy that forwards the query string.",
  check(context) {
    const auth = context.auth;
    if (auth === undefined || context.expectations.loginRevokes !== true) return [];
    const dropped = LOGIN_QUERY_PARAMETERS.filter(
      (name) => forwardsQueryParameter(context, auth.behavior, name) === false,
    );
    if (dropped.length === 0) return [];
    return [
      {
        what: `${auth.label} does not forward the query parameter ${dropped.join(', ')} to the login, while the login revokes (sign out everywhere)`,
      },
    ];
  },
});
