/**
 * `tenant-gate doctor`: read a distribution's config and say what breaks tenant isolation (or the login), why, and
 * how to fix it. Pure: the CLI fetches the config (and, optionally, the custom cache / origin request policies the
 * behaviors reference) and passes them in.
 *
 * Severity: `error` = isolation can break, or the gate/login cannot work; the CLI exits non-zero.
 * `warning` = weakens the setup or costs a lot (cache hit ratio), worth fixing. `info` = could not check.
 */
import type {
  CacheBehavior,
  CachePolicyConfig,
  DefaultCacheBehavior,
  DistributionConfig,
  Origin,
  OriginRequestPolicyConfig,
  ResponseHeadersPolicyConfig,
} from '@aws-sdk/client-cloudfront';
import {
  DEFAULT_AUTH_PATH_PATTERN,
  DEFAULT_MARKER,
  MANAGED_POLICY_IDS,
  edgeAssociationsOf,
  isOurs,
  isViewerEvent,
  patternsOverlap,
  type EdgeAssociation,
} from './attach';

export type Severity = 'error' | 'warning' | 'info';

export const FINDING_CODES = [
  'GATED_BEHAVIOR_MISSING',
  'GATE_MISSING',
  'GATE_WRONG_EVENT',
  'GATE_SHADOWED',
  'VIEWER_FUNCTIONS_MIXED',
  'UNGATED_ROUTE_TO_FILES_ORIGIN',
  'CACHE_KEY_TOKEN_COOKIE',
  'CACHE_KEY_AUTHORIZATION',
  'COOKIES_FORWARDED_TO_S3',
  'HOST_HEADER_FORWARDED',
  'POLICY_NOT_CHECKED',
  'S3_ORIGIN_NO_OAC',
  'S3_ORIGIN_LEGACY_OAI',
  'S3_WEBSITE_ORIGIN',
  'GATED_ORIGIN_NOT_S3',
  'GATED_WRITE_METHODS',
  'VIEWER_HTTP_ALLOWED',
  'IPV6_WITH_IP_BINDING',
  'AUTH_BEHAVIOR_MISSING',
  'AUTH_CACHING_ENABLED',
  'AUTH_GATED',
  'AUTH_ORIGIN_NOT_HTTPS',
  'ERROR_CACHING_TOO_LONG',
  'ERROR_PAGE_MASKS_REFUSAL',
  'BROWSER_CACHE_NOT_PRIVATE',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export interface Finding {
  readonly severity: Severity;
  readonly code: FindingCode;
  readonly what: string;
  readonly why: string;
  readonly fix: string;
}

export interface DoctorExpectations {
  readonly gatedPathPatterns: readonly string[];
  /** Default `__Host-tenant`. */
  readonly cookieName?: string | undefined;
  readonly tokenLifetimeSeconds: number;
  /** Tokens / signed policies bound to the viewer's IP. */
  readonly ipBinding: boolean;
  /** Default `/auth/*`. */
  readonly authPathPattern?: string | undefined;
  /** Default `tenant-gate`. */
  readonly marker?: string | undefined;
  /** Custom cache policies by id (`aws cloudfront get-cache-policy-config`); managed ones are built in. */
  readonly cachePolicies?: Readonly<Record<string, CachePolicyConfig>> | undefined;
  /** Custom origin request policies by id; managed ones are built in. */
  readonly originRequestPolicies?: Readonly<Record<string, OriginRequestPolicyConfig>> | undefined;
  /** Custom response headers policies by id (`aws cloudfront get-response-headers-policy-config`). */
  readonly responseHeadersPolicies?: Readonly<Record<string, ResponseHeadersPolicyConfig>> | undefined;
}

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

// ---------------------------------------------------------------------------------------------------------------
// Managed policies (DG using-managed-cache-policies.html, using-managed-origin-request-policies.html)
// ---------------------------------------------------------------------------------------------------------------

const NONE_QS = { QueryStringBehavior: 'none' } as const;

export const MANAGED_CACHE_POLICIES: Readonly<Record<string, CachePolicyConfig>> = {
  [MANAGED_POLICY_IDS.CachingOptimized]: {
    Name: 'Managed-CachingOptimized',
    MinTTL: 1,
    DefaultTTL: 86400,
    MaxTTL: 31536000,
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
      HeadersConfig: { HeaderBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
      QueryStringsConfig: NONE_QS,
    },
  },
  [MANAGED_POLICY_IDS.CachingDisabled]: {
    Name: 'Managed-CachingDisabled',
    MinTTL: 0,
    DefaultTTL: 0,
    MaxTTL: 0,
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: false,
      EnableAcceptEncodingBrotli: false,
      HeadersConfig: { HeaderBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
      QueryStringsConfig: NONE_QS,
    },
  },
  // Amplify: a trap for file behaviors, it keys on Authorization and Host and on all cookies.
  '2e54312d-136d-493c-8eb9-b001f22f67d2': {
    Name: 'Managed-Amplify',
    MinTTL: 2,
    DefaultTTL: 2,
    MaxTTL: 600,
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
      HeadersConfig: {
        HeaderBehavior: 'whitelist',
        Headers: { Quantity: 3, Items: ['Authorization', 'CloudFront-Viewer-Country', 'Host'] },
      },
      CookiesConfig: { CookieBehavior: 'all' },
      QueryStringsConfig: { QueryStringBehavior: 'all' },
    },
  },
};

export const MANAGED_ORIGIN_REQUEST_POLICIES: Readonly<Record<string, OriginRequestPolicyConfig>> = {
  [MANAGED_POLICY_IDS.AllViewer]: {
    Name: 'Managed-AllViewer',
    HeadersConfig: { HeaderBehavior: 'allViewer' },
    CookiesConfig: { CookieBehavior: 'all' },
    QueryStringsConfig: { QueryStringBehavior: 'all' },
  },
  [MANAGED_POLICY_IDS.AllViewerExceptHostHeader]: {
    Name: 'Managed-AllViewerExceptHostHeader',
    HeadersConfig: { HeaderBehavior: 'allExcept', Headers: { Quantity: 1, Items: ['Host'] } },
    CookiesConfig: { CookieBehavior: 'all' },
    QueryStringsConfig: { QueryStringBehavior: 'all' },
  },
  '33f36d7e-f396-46d9-90e0-52428a34d9dc': {
    Name: 'Managed-AllViewerAndCloudFrontHeaders-2022-06',
    HeadersConfig: { HeaderBehavior: 'allViewerAndWhitelistCloudFront' },
    CookiesConfig: { CookieBehavior: 'all' },
    QueryStringsConfig: { QueryStringBehavior: 'all' },
  },
  '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf': {
    Name: 'Managed-CORS-S3Origin',
    HeadersConfig: {
      HeaderBehavior: 'whitelist',
      Headers: { Quantity: 3, Items: ['origin', 'access-control-request-headers', 'access-control-request-method'] },
    },
    CookiesConfig: { CookieBehavior: 'none' },
    QueryStringsConfig: { QueryStringBehavior: 'none' },
  },
};

// ---------------------------------------------------------------------------------------------------------------
// What a behavior puts in the cache key and sends to the origin
// ---------------------------------------------------------------------------------------------------------------

/** A set of names as the policies express it. Header names compare case-insensitively, cookie names exactly. */
type NameSet =
  | { readonly kind: 'none' }
  | { readonly kind: 'all' }
  | { readonly kind: 'only' | 'allExcept'; readonly names: readonly string[] };

const NONE: NameSet = { kind: 'none' };

function nameSet(behavior: string | undefined, names: readonly string[] | undefined): NameSet {
  switch (behavior) {
    case 'all':
    case 'allViewer':
    case 'allViewerAndWhitelistCloudFront':
      return { kind: 'all' };
    case 'whitelist':
      return { kind: 'only', names: names ?? [] };
    case 'allExcept':
      return { kind: 'allExcept', names: names ?? [] };
    default:
      return NONE;
  }
}

function has(set: NameSet, name: string, caseInsensitive: boolean): boolean {
  const eq = (n: string): boolean => (caseInsensitive ? n.toLowerCase() === name.toLowerCase() : n === name);
  switch (set.kind) {
    case 'none':
      return false;
    case 'all':
      return true;
    case 'only':
      return set.names.some(eq);
    case 'allExcept':
      return !set.names.some(eq);
  }
}

interface RequestShape {
  readonly cookies: NameSet;
  readonly headers: NameSet;
}

interface Policies {
  readonly cache: Readonly<Record<string, CachePolicyConfig>>;
  readonly originRequest: Readonly<Record<string, OriginRequestPolicyConfig>>;
}

type AnyBehavior = CacheBehavior | DefaultCacheBehavior;

/** Cache key (legacy ForwardedValues: what is forwarded is also keyed). `undefined` when the policy is unknown. */
function cacheKeyOf(
  b: AnyBehavior,
  policies: Policies,
): (RequestShape & { readonly maxTtl: number | undefined }) | undefined {
  if (b.CachePolicyId !== undefined && b.CachePolicyId !== '') {
    const p = policies.cache[b.CachePolicyId];
    if (p === undefined) return undefined;
    const params = p.ParametersInCacheKeyAndForwardedToOrigin;
    return {
      cookies: nameSet(params?.CookiesConfig?.CookieBehavior, params?.CookiesConfig?.Cookies?.Items),
      headers: nameSet(params?.HeadersConfig?.HeaderBehavior, params?.HeadersConfig?.Headers?.Items),
      maxTtl: p.MaxTTL,
    };
  }
  const fv = b.ForwardedValues;
  const headerItems = fv?.Headers?.Items ?? [];
  return {
    cookies: nameSet(fv?.Cookies?.Forward, fv?.Cookies?.WhitelistedNames?.Items),
    headers: headerItems.includes('*') ? { kind: 'all' } : { kind: 'only', names: headerItems },
    maxTtl: b.MaxTTL,
  };
}

/** Origin request policy part (empty without one). `undefined` when the policy is unknown. */
function originRequestOf(b: AnyBehavior, policies: Policies): RequestShape | undefined {
  if (b.OriginRequestPolicyId === undefined || b.OriginRequestPolicyId === '') return { cookies: NONE, headers: NONE };
  const p = policies.originRequest[b.OriginRequestPolicyId];
  if (p === undefined) return undefined;
  return {
    cookies: nameSet(p.CookiesConfig?.CookieBehavior, p.CookiesConfig?.Cookies?.Items),
    headers: nameSet(p.HeadersConfig?.HeaderBehavior, p.HeadersConfig?.Headers?.Items),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Origins
// ---------------------------------------------------------------------------------------------------------------

const S3_WEBSITE = /\.s3-website[.-][a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
const S3_REST = /\.s3(\.dualstack)?([.-][a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/;
const FUNCTION_URL = /\.lambda-url\.[a-z0-9-]+\.on\.aws$/;

type OriginKind = 's3' | 's3-website' | 'function-url' | 'custom';

function originKind(o: Origin): OriginKind {
  const d = o.DomainName ?? '';
  if (S3_WEBSITE.test(d)) return 's3-website';
  if (S3_REST.test(d)) return 's3';
  if (FUNCTION_URL.test(d)) return 'function-url';
  return 'custom';
}

/** Origins a behavior can reach: its origin, or every member of its origin group (failover reaches them all). */
function originsOf(config: DistributionConfig, targetId: string | undefined): Origin[] {
  const origins = config.Origins?.Items ?? [];
  const group = config.OriginGroups?.Items?.find((g) => g.Id === targetId);
  const ids = group === undefined ? [targetId] : (group.Members?.Items ?? []).map((m) => m.OriginId);
  return origins.filter((o) => ids.includes(o.Id));
}

// ---------------------------------------------------------------------------------------------------------------
// diagnose
// ---------------------------------------------------------------------------------------------------------------

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

function labelOf(pattern: string): string {
  return pattern === '*' ? 'default behavior' : `behavior ${pattern}`;
}

function gateOn(b: AnyBehavior, marker: string): boolean {
  return edgeAssociationsOf(b).some((a) => a.eventType === 'viewer-request' && isOurs(a.arn, marker));
}

export function diagnose(config: DistributionConfig, expectations: DoctorExpectations): Finding[] {
  const cookieName = expectations.cookieName ?? '__Host-tenant';
  const marker = expectations.marker ?? DEFAULT_MARKER;
  const authPattern = expectations.authPathPattern ?? DEFAULT_AUTH_PATH_PATTERN;
  const policies: Policies = {
    cache: { ...MANAGED_CACHE_POLICIES, ...expectations.cachePolicies },
    originRequest: { ...MANAGED_ORIGIN_REQUEST_POLICIES, ...expectations.originRequestPolicies },
  };
  const findings: Finding[] = [];
  const add = (severity: Severity, code: FindingCode, what: string, why: string, fix: string): void => {
    findings.push({ severity, code, what, why, fix });
  };
  const reportedPolicies = new Set<string>();
  const unknownPolicy = (kind: 'cache' | 'origin request', id: string, label: string): void => {
    if (reportedPolicies.has(id)) return;
    reportedPolicies.add(id);
    add(
      'info',
      'POLICY_NOT_CHECKED',
      `${label} uses ${kind} policy ${id}, which the doctor does not know`,
      'Custom policies decide which cookies and headers reach the cache key and the origin; without the policy the related checks were skipped.',
      `Pass it in expectations.${kind === 'cache' ? 'cachePolicies' : 'originRequestPolicies'} (aws cloudfront get-${kind === 'cache' ? 'cache' : 'origin-request'}-policy-config --id ${id}).`,
    );
  };

  const def = config.DefaultCacheBehavior;
  const items = config.CacheBehaviors?.Items ?? [];
  const all: { pattern: string; behavior: AnyBehavior; index: number }[] = [
    ...items.map((b, index) => ({ pattern: b.PathPattern ?? '', behavior: b as AnyBehavior, index })),
    ...(def === undefined ? [] : [{ pattern: '*', behavior: def as AnyBehavior, index: items.length }]),
  ];
  const find = (pattern: string): { behavior: AnyBehavior; index: number } | undefined =>
    all.find((e) => e.pattern === pattern);

  // --- every behavior: CloudFront forbids mixing the two function kinds on viewer events ----------------------
  for (const { pattern, behavior } of all) {
    const viewer = edgeAssociationsOf(behavior).filter((a) => isViewerEvent(a.eventType));
    if (viewer.some((a) => a.kind === 'lambda-edge') && viewer.some((a) => a.kind === 'cloudfront-function')) {
      add(
        'error',
        'VIEWER_FUNCTIONS_MIXED',
        `${labelOf(pattern)} has both a CloudFront Function and a Lambda@Edge function on viewer events (${viewer.map((a) => `${a.eventType}: ${a.arn}`).join('; ')})`,
        'CloudFront does not allow combining the two kinds on viewer-request/viewer-response of one behavior; the next update of this distribution is rejected, and whichever tool wrote it may have dropped the gate to get through.',
        'Keep one kind on the viewer events: move the other function to origin-request/origin-response, or port it to the same kind as the gate.',
      );
    }
  }

  // --- gated behaviors ----------------------------------------------------------------------------------------
  const gatedOrigins: Origin[] = [];
  for (const pattern of expectations.gatedPathPatterns) {
    const label = labelOf(pattern);
    const found = find(pattern);
    if (found === undefined) {
      add(
        'error',
        'GATED_BEHAVIOR_MISSING',
        `no cache behavior with path pattern ${pattern}`,
        `Requests for ${pattern} fall through to another behavior (in the end the default one) which does not run the gate: files are served without checking the tenant token, or from the wrong origin.`,
        `Create a ${pattern} behavior for the files origin and attach the gate (tenant-gate attach).`,
      );
      continue;
    }
    const { behavior: b, index } = found;
    const assocs = edgeAssociationsOf(b);
    const ours = assocs.filter((a) => isOurs(a.arn, marker));
    const misplaced = ours.filter((a) => a.eventType !== 'viewer-request');
    for (const a of misplaced)
      add(
        'error',
        'GATE_WRONG_EVENT',
        `${label}: ${a.arn} is attached at ${a.eventType}`,
        wrongEventWhy(a),
        'Attach the gate at viewer-request and remove it from other events (tenant-gate attach does both).',
      );
    if (ours.length === 0) {
      const vr = assocs.find((a) => a.eventType === 'viewer-request');
      add(
        'error',
        'GATE_MISSING',
        `${label} has no tenant gate association${vr === undefined ? '' : ` (viewer-request runs ${vr.arn} instead)`}`,
        'Without the gate every file of every tenant is served to anyone. Associations disappear silently: another stack deploying the distribution, or a console edit, writes the behavior back without them.',
        'Re-attach (tenant-gate attach), and make the stack that owns the distribution declare the association, or run the doctor after each deploy.',
      );
    }

    // Earlier behaviors win: an ungated one that overlaps takes some of these paths away from the gate.
    if (pattern !== '*') {
      for (const earlier of items.slice(0, index)) {
        const p = earlier.PathPattern ?? '';
        if (patternsOverlap(p, pattern) && !gateOn(earlier, marker)) {
          add(
            'error',
            'GATE_SHADOWED',
            `behavior ${p} comes before ${pattern} and matches some of the same paths, without the gate`,
            'CloudFront uses the first behavior whose pattern matches: those requests skip the gate.',
            `Move ${pattern} above ${p}, narrow ${p}, or gate ${p} too.`,
          );
        }
      }
    }

    if (b.ViewerProtocolPolicy === 'allow-all')
      add('error', 'VIEWER_HTTP_ALLOWED', `${label} has ViewerProtocolPolicy allow-all`, httpWhy, httpFix);

    // The edge keys its cache on the rewritten uri, but a browser keys on the viewer URL: without
    // `private, no-cache` it may reuse one user's copy of /files/x for the next user of the same browser
    // (S3 objects rarely carry Cache-Control, and heuristic freshness then applies).
    const headersPolicyId = b.ResponseHeadersPolicyId;
    const headersPolicy = headersPolicyId ? expectations.responseHeadersPolicies?.[headersPolicyId] : undefined;
    if (!headersPolicyId || (headersPolicy !== undefined && !keepsBrowserCachePrivate(headersPolicy))) {
      add(
        'warning',
        'BROWSER_CACHE_NOT_PRIVATE',
        `${label} does not make browsers treat its files as private (no response headers policy with Cache-Control: private, no-cache)`,
        "CloudFront keys on the rewritten uri, so tenants never share its cache; a browser keys on the viewer URL. When another user signs in on the same browser, it may show the previous user's copy of the same /files/ path without asking the edge.",
        'Attach a response headers policy to the gated behaviors with the custom header Cache-Control: private, no-cache (Override: true): the edge still caches per tenant, the browser revalidates through the gate.',
      );
    }

    checkRequestShape(b, label, pattern, originsOf(config, b.TargetOriginId));

    const methods = b.AllowedMethods?.Items ?? [];
    const writes = methods.filter((m) => WRITE_METHODS.includes(m));
    if (writes.length > 0) {
      add(
        'warning',
        'GATED_WRITE_METHODS',
        `${label} allows ${writes.join(', ')}`,
        'The gate authorizes reads of a tenant prefix. With origin access control CloudFront signs writes too, so whether a token holder can overwrite or delete files then rests on the bucket policy alone.',
        'Allow GET, HEAD (and OPTIONS for CORS) only; upload through presigned S3 URLs issued by the application.',
      );
    }

    for (const o of originsOf(config, b.TargetOriginId)) {
      gatedOrigins.push(o);
      const kind = originKind(o);
      if (kind === 's3-website') {
        add(
          'error',
          'S3_WEBSITE_ORIGIN',
          `${label} targets the S3 website endpoint ${o.DomainName}`,
          'Website endpoints are public by construction and cannot use origin access control: every tenant file is readable straight from the bucket, bypassing the gate.',
          'Use the bucket REST endpoint (<bucket>.s3.<region>.amazonaws.com) with origin access control and block public access.',
        );
      } else if (kind !== 's3') {
        add(
          'warning',
          'GATED_ORIGIN_NOT_S3',
          `${label} targets ${o.DomainName}, which is not an S3 bucket`,
          'The gate confines a tenant by rewriting to /tenants/<tenant>/…, which holds because S3 keys are literal strings. Another origin may resolve the path its own way (dot segments, case folding, its own routes), and may be reachable without CloudFront.',
          'Serve tenant files from an S3 bucket with origin access control, or make sure this origin treats the path as an opaque key and only accepts CloudFront.',
        );
      }
    }
  }

  // --- any S3 origin: only CloudFront may read it ---------------------------------------------------------------
  for (const o of config.Origins?.Items ?? []) {
    if (originKind(o) !== 's3') continue;
    const files = gatedOrigins.includes(o);
    const oai = o.S3OriginConfig?.OriginAccessIdentity ?? '';
    if ((o.OriginAccessControlId ?? '') !== '') continue;
    if (oai !== '') {
      add(
        'warning',
        'S3_ORIGIN_LEGACY_OAI',
        `origin ${o.Id} (${o.DomainName}) uses a legacy origin access identity`,
        'OAI works but is legacy: it does not support SSE-KMS, newer regions, or signed writes, and AWS recommends origin access control.',
        'Create an origin access control, set OriginAccessControlId, grant it in the bucket policy, then remove the OAI.',
      );
    } else {
      add(
        files ? 'error' : 'warning',
        'S3_ORIGIN_NO_OAC',
        `origin ${o.Id} (${o.DomainName}) has neither origin access control nor an origin access identity`,
        files
          ? 'CloudFront can only read this bucket if it is public, and then every tenant file is one S3 URL away, without the gate.'
          : 'CloudFront can only read this bucket if it is public.',
        'Create an origin access control (signing: always), set OriginAccessControlId, grant cloudfront.amazonaws.com with an AWS:SourceArn condition on this distribution, and block public access.',
      );
    }
  }

  // --- ungated routes into the files origin -------------------------------------------------------------------
  const gatedPatterns = new Set(expectations.gatedPathPatterns);
  for (const { pattern, behavior } of all) {
    if (gatedPatterns.has(pattern) || gateOn(behavior, marker)) continue;
    for (const o of originsOf(config, behavior.TargetOriginId)) {
      const exposes = gatedOrigins.find(
        (g) => g.DomainName === o.DomainName && (g.OriginPath ?? '').startsWith(o.OriginPath ?? ''),
      );
      if (exposes !== undefined) {
        add(
          'error',
          'UNGATED_ROUTE_TO_FILES_ORIGIN',
          `${labelOf(pattern)} reaches the files origin ${o.DomainName}${o.OriginPath ? o.OriginPath : ''} without the gate`,
          `Tenant files live under /tenants/<tenant>/… in that origin; a request such as /tenants/<other-tenant>/files/x through ${labelOf(pattern)} is served without checking any token.`,
          `Point ${labelOf(pattern)} at another origin (or an OriginPath outside /tenants), or gate it.`,
        );
        break;
      }
    }
  }

  // --- the login route -----------------------------------------------------------------------------------------
  const auth = find(authPattern);
  if (auth === undefined) {
    add(
      'error',
      'AUTH_BEHAVIOR_MISSING',
      `no cache behavior with path pattern ${authPattern}`,
      'Login requests fall through to the default behavior (usually the SPA bucket): users never get a tenant token, and the SPA fallback may answer them with index.html.',
      `Add ${authPattern} → the login function URL, with CachingDisabled and AllViewerExceptHostHeader (tenant-gate attach with an auth route).`,
    );
  } else {
    const label = labelOf(authPattern);
    const b = auth.behavior;
    if (b.ViewerProtocolPolicy === 'allow-all')
      add('error', 'VIEWER_HTTP_ALLOWED', `${label} has ViewerProtocolPolicy allow-all`, httpWhy, httpFix);
    const gated = edgeAssociationsOf(b).filter((a) => isOurs(a.arn, marker));
    if (gated.length > 0) {
      add(
        'warning',
        'AUTH_GATED',
        `${label} runs ${gated.map((a) => a.arn).join(', ')}`,
        'Login requests carry no tenant token yet; the gate refuses them, or rewrites them into /tenants/…, so nobody can log in.',
        `Remove the gate from ${authPattern}.`,
      );
    }
    const key = cacheKeyOf(b, policies);
    if (key === undefined) unknownPolicy('cache', b.CachePolicyId ?? '', label);
    else if ((key.maxTtl ?? 0) > 0) {
      add(
        'error',
        'AUTH_CACHING_ENABLED',
        `${label} may cache responses (max TTL ${key.maxTtl}s)`,
        "The login answer carries Set-Cookie with a tenant token; a cached answer can be replayed to another visitor, who is then logged into someone else's tenant.",
        `Use the managed CachingDisabled cache policy (${MANAGED_POLICY_IDS.CachingDisabled}) on ${authPattern}.`,
      );
    }
    const authOrigins = originsOf(config, b.TargetOriginId);
    const orp = originRequestOf(b, policies);
    if (orp === undefined) unknownPolicy('origin request', b.OriginRequestPolicyId ?? '', label);
    const hostForwarded =
      (key !== undefined && has(key.headers, 'host', true)) || (orp !== undefined && has(orp.headers, 'host', true));
    for (const o of authOrigins) {
      if (originKind(o) !== 'function-url') continue;
      if (hostForwarded) {
        add(
          'error',
          'HOST_HEADER_FORWARDED',
          `${label} forwards the viewer's Host header to the function URL ${o.DomainName}`,
          'A Lambda function URL answers 403 to a Host other than its own, so every login fails.',
          `Use the managed AllViewerExceptHostHeader origin request policy (${MANAGED_POLICY_IDS.AllViewerExceptHostHeader}).`,
        );
      }
      const protocol = o.CustomOriginConfig?.OriginProtocolPolicy;
      if (protocol !== 'https-only') {
        add(
          'warning',
          'AUTH_ORIGIN_NOT_HTTPS',
          `origin ${o.Id} (function URL) uses OriginProtocolPolicy ${protocol ?? 'unset'}`,
          'Function URLs only serve HTTPS; anything else fails or depends on how the viewer connected, and the answer carries the tenant token.',
          'Set OriginProtocolPolicy to https-only.',
        );
      }
    }
  }

  // --- distribution-wide ----------------------------------------------------------------------------------------
  if (expectations.ipBinding && config.IsIPV6Enabled === true) {
    add(
      'error',
      'IPV6_WITH_IP_BINDING',
      'IsIPV6Enabled is true while tokens are bound to the viewer IP',
      'CloudFront policy IpAddress conditions are IPv4 only (AWS advises not to enable IPv6 with IP-bound policies), and a dual-stack viewer can switch address family between login and download: IPv6 viewers are refused.',
      'Set IsIPV6Enabled to false, or turn IP binding off.',
    );
  }
  for (const r of config.CustomErrorResponses?.Items ?? []) {
    if (r.ErrorCode !== 401 && r.ErrorCode !== 403) continue;
    if ((r.ErrorCachingMinTTL ?? 10) > expectations.tokenLifetimeSeconds) {
      add(
        'warning',
        'ERROR_CACHING_TOO_LONG',
        `custom error response ${r.ErrorCode} caches for ${r.ErrorCachingMinTTL}s, longer than a token lives (${expectations.tokenLifetimeSeconds}s)`,
        'A refusal from the origin stays cached for the whole distribution well after the cause is gone (the file is uploaded, access is granted): users keep getting it with fresh tokens.',
        `Lower ErrorCachingMinTTL for ${r.ErrorCode} to a few seconds (at most the token lifetime).`,
      );
    }
    if (r.ResponseCode !== undefined && r.ResponseCode !== '' && !r.ResponseCode.startsWith('4')) {
      add(
        'warning',
        'ERROR_PAGE_MASKS_REFUSAL',
        `custom error response turns ${r.ErrorCode} into ${r.ResponseCode} ${r.ResponsePagePath ?? ''}`.trimEnd(),
        `Custom error responses apply to every behavior: a refused or missing tenant file (S3 answers 403 for a missing key when CloudFront may not list the bucket) becomes a ${r.ResponseCode} page, so clients, scripts and monitoring cannot see refusals and a download saves HTML.`,
        'Serve the SPA fallback from the SPA origin itself (a CloudFront Function on the default behavior that rewrites extension-less paths to /index.html), and drop the 403→200 rule.',
      );
    }
  }

  return findings;

  function checkRequestShape(b: AnyBehavior, label: string, pattern: string, origins: Origin[]): void {
    const key = cacheKeyOf(b, policies);
    const orp = originRequestOf(b, policies);
    if (key === undefined) unknownPolicy('cache', b.CachePolicyId ?? '', label);
    if (orp === undefined) unknownPolicy('origin request', b.OriginRequestPolicyId ?? '', label);
    const toS3 = origins.filter((o) => originKind(o) === 's3');
    let tokenKeyed = false;
    if (key !== undefined && has(key.cookies, cookieName, false)) {
      tokenKeyed = true;
      add(
        'warning',
        'CACHE_KEY_TOKEN_COOKIE',
        `${label} puts ${key.cookies.kind === 'all' ? 'all cookies' : `the ${cookieName} cookie`} in the cache key`,
        'Isolation comes from the gate rewriting the path before the cache key is computed, not from the cookie. Keyed on the token, every viewer and every token renewal gets its own cache entry (the hit ratio collapses) and the bearer token is sent to the origin.',
        `Use a cache policy without cookies for ${pattern} (e.g. managed CachingOptimized ${MANAGED_POLICY_IDS.CachingOptimized}).`,
      );
    }
    if (key !== undefined && has(key.headers, 'authorization', true)) {
      add(
        'warning',
        'CACHE_KEY_AUTHORIZATION',
        `${label} puts the Authorization header in the cache key`,
        'The cache is split per credential and the header is forwarded to the origin; with origin access control a viewer Authorization header can interfere with CloudFront signing the S3 request.',
        `Remove Authorization from the cache policy (or legacy ForwardedValues.Headers) of ${pattern}.`,
      );
    }
    const cookiesOut =
      (key !== undefined && key.cookies.kind !== 'none') || (orp !== undefined && orp.cookies.kind !== 'none');
    if (!tokenKeyed && cookiesOut && toS3.length > 0) {
      add(
        'warning',
        'COOKIES_FORWARDED_TO_S3',
        `${label} forwards cookies to the S3 origin ${toS3.map((o) => o.Id).join(', ')}`,
        'S3 ignores cookies; forwarding them only sends the tenant token further than it needs to go (and, in a cache policy, splits the cache).',
        `Forward no cookies on ${pattern} (legacy ForwardedValues.Cookies.Forward none, or policies without cookies).`,
      );
    }
    const hostOut =
      (key !== undefined && has(key.headers, 'host', true)) || (orp !== undefined && has(orp.headers, 'host', true));
    if (hostOut && toS3.length > 0) {
      add(
        'error',
        'HOST_HEADER_FORWARDED',
        `${label} forwards the viewer's Host header to the S3 origin ${toS3.map((o) => o.Id).join(', ')}`,
        "S3 picks the bucket (and origin access control signs) by Host; with the distribution's host every file request fails.",
        `Use an origin request policy without Host (e.g. none, or CORS-S3Origin) on ${pattern}.`,
      );
    }
  }
}

const httpWhy =
  'Plain HTTP carries the tenant token cookie in clear text, and a __Host- cookie (Secure) is not even sent, so the gate refuses the viewer.';
const httpFix = 'Set ViewerProtocolPolicy to redirect-to-https (or https-only).';

function wrongEventWhy(a: EdgeAssociation): string {
  if (a.eventType === 'origin-request') {
    return 'Origin-request does not run on a cache hit, and the cache key is computed after viewer-request: a file cached for one tenant is served to any other viewer asking for the same URL (cross-tenant leak), and the rewrite to /tenants/<tenant>/ no longer separates the cache entries.';
  }
  return `${a.eventType} runs after the object was fetched or taken from the cache: it cannot stop a request or choose the tenant prefix, so files are served without authorization.`;
}

// ---------------------------------------------------------------------------------------------------------------
// CLI helpers
// ---------------------------------------------------------------------------------------------------------------

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function formatFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No findings: the distribution matches what the tenant gate needs.\n';
  const sorted = [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  const lines: string[] = [];
  for (const f of sorted) {
    lines.push(`${f.severity.toUpperCase().padEnd(7)} ${f.code}: ${f.what}`);
    lines.push(`        why: ${f.why}`);
    lines.push(`        fix: ${f.fix}`);
    lines.push('');
  }
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(`${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info`);
  return `${lines.join('\n')}\n`;
}

/** Process exit code for `tenant-gate doctor`: 1 when any finding is an error. */
export function exitCodeFor(findings: readonly Finding[]): 0 | 1 {
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}
