/**
 * What every doctor rule looks at: the distribution config, the expectations (from the gate config), and the
 * facts several rules derive from them (the gated behaviors that exist, the origins they reach, the login route),
 * computed once.
 */
import type {
  CachePolicyConfig,
  DistributionConfig,
  Origin,
  OriginRequestPolicyConfig,
  ResponseHeadersPolicyConfig,
} from '@aws-sdk/client-cloudfront';
import { DEFAULTS } from '../../config/gate';
import { DEFAULT_AUTH_PATH_PATTERN, DEFAULT_MARKER, edgeAssociationsOf, isOurs } from '../attach';
import { behaviorsInMatchOrder } from '../../lib/distribution/path-pattern';
import { MANAGED_CACHE_POLICIES, MANAGED_ORIGIN_REQUEST_POLICIES } from '../../lib/distribution/managed-policies';
import { originsOf } from './origins';
import { cacheKeyOf, originRequestOf, type AnyBehavior, type Policies, type RequestShape } from './request-shape';

/**
 * Viewer-IP binding that rests on CloudFront's signed-policy `IpAddress` condition ALONE, which holds IPv4 only
 * (docs/platform.md#signed-urls-and-cookies): sessions bound through the signed cookies (the tenant token carries
 * no address). `false` when there is none: no binding, or only bindings the gate checks itself (the `cip` claim of
 * link tokens). `optional`: for viewers who ask; `always`: every session. See `ipBindingOf` (cli/commands/doctor.ts).
 */
export type CloudFrontOnlyIpBinding = false | 'optional' | 'always';

export interface DoctorExpectations {
  readonly gatedPathPatterns: readonly string[];
  /** Default `__Host-tenant`. */
  readonly cookieName?: string | undefined;
  readonly tokenLifetimeSeconds: number;
  readonly ipBinding: CloudFrontOnlyIpBinding;
  /**
   * The login binds links or sessions to the viewer address it reads from `CloudFront-Viewer-Address`
   * (`login.bindIp` not never, `login.viewerIpSource` cloudfront-viewer-address): the login route's policies must
   * make CloudFront add that header. See `loginBindsViewerAddressOf` (deploy/doctor.ts). Default false.
   */
  readonly loginBindsViewerAddress?: boolean | undefined;
  /**
   * The login revokes (`DELETE /auth/session?everywhere=1`, revocation on either target): the login route's policies
   * must forward its query parameters (login/origin-request.ts). See `loginRevokesOf` (deploy/doctor.ts). Default false.
   */
  readonly loginRevokes?: boolean | undefined;
  /** Default `/auth/*`. */
  readonly authPathPattern?: string | undefined;
  /** The folder-grants behavior (`/grants/*`) when the gate config has `grants`; absent: no grants. */
  readonly grantsPathPattern?: string | undefined;
  /** Default `tenant-gate`. */
  readonly marker?: string | undefined;
  /** Custom cache policies by id (`aws cloudfront get-cache-policy-config`); managed ones are built in. */
  readonly cachePolicies?: Readonly<Record<string, CachePolicyConfig>> | undefined;
  /** Custom origin request policies by id; managed ones are built in. */
  readonly originRequestPolicies?: Readonly<Record<string, OriginRequestPolicyConfig>> | undefined;
  /** Custom response headers policies by id (`aws cloudfront get-response-headers-policy-config`). */
  readonly responseHeadersPolicies?: Readonly<Record<string, ResponseHeadersPolicyConfig>> | undefined;
  /** Runtime of each Lambda@Edge version ARN the distribution names (read live; unknown ones are not judged). */
  readonly lambdaRuntimes?: Readonly<Record<string, string>> | undefined;
  /** The time runtime dates are judged at (ms since the epoch); default now. */
  readonly now?: number | undefined;
  /** The gate config's `distributionTenant` (config/distribution-tenant.ts); absent: the mode is off. */
  readonly distributionTenant?:
    | {
        readonly parameter: string;
        readonly originPath: 'rewrite' | 'parameter';
        /** Default `DEFAULT_DOMAIN_PARAMETER` (config/distribution-tenant.ts). */
        readonly domainParameter?: string | undefined;
      }
    | undefined;
  /** The distribution tenants of a multi-tenant distribution (read live: deploy/distribution-tenants.ts). */
  readonly distributionTenants?:
    | readonly {
        readonly name: string;
        readonly domains: readonly string[];
        readonly parameters: Readonly<Record<string, string>>;
      }[]
    | undefined;
}

export interface BehaviorEntry {
  /** `*` for the default behavior. */
  readonly pattern: string;
  /** `default behavior` or `behavior <pattern>`, as findings name it. */
  readonly label: string;
  readonly behavior: AnyBehavior;
  /** Position among the cache behaviors (the default behavior comes last: CloudFront tries it last). */
  readonly index: number;
}

export interface DoctorContext {
  readonly config: DistributionConfig;
  readonly expectations: DoctorExpectations;
  readonly cookieName: string;
  readonly marker: string;
  readonly authPattern: string;
  /** Every behavior in the order CloudFront tries them. */
  readonly behaviors: readonly BehaviorEntry[];
  /** The gated path patterns that have a behavior, in the expectations' order. */
  readonly gated: readonly BehaviorEntry[];
  /** The login route's behavior, when there is one. */
  readonly auth: BehaviorEntry | undefined;
  /** The origins the gated behaviors reach (the files origins). */
  readonly gatedOrigins: readonly Origin[];
  find(pattern: string): BehaviorEntry | undefined;
  originsOf(behavior: AnyBehavior): Origin[];
  /** Cache key part of a behavior; `undefined` when its cache policy is unknown (POLICY_NOT_CHECKED). */
  cacheKeyOf(behavior: AnyBehavior): (RequestShape & { readonly maxTtl: number | undefined }) | undefined;
  /** Origin request part; `undefined` when its origin request policy is unknown. */
  originRequestOf(behavior: AnyBehavior): RequestShape | undefined;
  /** Whether our gate runs at viewer-request on this behavior. */
  gateOn(behavior: AnyBehavior): boolean;
}

export function labelOf(pattern: string): string {
  return pattern === '*' ? 'default behavior' : `behavior ${pattern}`;
}

export function createContext(config: DistributionConfig, expectations: DoctorExpectations): DoctorContext {
  const marker = expectations.marker ?? DEFAULT_MARKER;
  const policies: Policies = {
    cache: { ...MANAGED_CACHE_POLICIES, ...expectations.cachePolicies },
    originRequest: { ...MANAGED_ORIGIN_REQUEST_POLICIES, ...expectations.originRequestPolicies },
  };
  // CloudFront's matching order, as attach places behaviors and the local distribution routes them.
  const behaviors: BehaviorEntry[] = behaviorsInMatchOrder(config).map(({ pathPattern, behavior }, index) => ({
    pattern: pathPattern,
    label: labelOf(pathPattern),
    behavior,
    index,
  }));
  const find = (pattern: string): BehaviorEntry | undefined => behaviors.find((e) => e.pattern === pattern);
  const gated = expectations.gatedPathPatterns.map(find).filter((e): e is BehaviorEntry => e !== undefined);
  const reach = (b: AnyBehavior): Origin[] => originsOf(config, b.TargetOriginId);
  return {
    config,
    expectations,
    cookieName: expectations.cookieName ?? DEFAULTS.cookieName,
    marker,
    authPattern: expectations.authPathPattern ?? DEFAULT_AUTH_PATH_PATTERN,
    behaviors,
    gated,
    auth: find(expectations.authPathPattern ?? DEFAULT_AUTH_PATH_PATTERN),
    gatedOrigins: gated.flatMap((e) => reach(e.behavior)),
    find,
    originsOf: reach,
    cacheKeyOf: (b) => cacheKeyOf(b, policies),
    originRequestOf: (b) => originRequestOf(b, policies),
    gateOn: (b) => edgeAssociationsOf(b).some((a) => a.eventType === 'viewer-request' && isOurs(a.arn, marker)),
  };
}
