/**
 * Attach the tenant gate to an EXISTING CloudFront distribution, and detach it again, as pure functions over the
 * `DistributionConfig` object that `aws cloudfront get-distribution-config` (or the SDK v3) returns.
 *
 * Why pure: the distribution belongs to someone else's stack. Reading, transforming and writing back with `IfMatch`
 * (see distribution-api.ts) lets us test every edit offline, show a dry-run diff, and retry on a concurrent update
 * by simply re-applying the same transform to the fresh config.
 *
 * Rules kept by both directions:
 * - the input is never mutated (we work on a `structuredClone`);
 * - only what the stack owns is touched: our gate associations, the `/auth/*` behavior and its origin (with its
 *   origin access control), our trusted key groups and response headers policies on the behaviors we gate or gated,
 *   and behaviors attach created; every `Quantity` matches its `Items`;
 * - attach is idempotent (`attach(attach(x))` equals `attach(x)` and reports no change; the one line repeated is the
 *   note that a gated behavior keeps a response headers policy of its own, which stays true until someone acts);
 * - attach is declarative: the plan is the whole desired state of what the stack owns on the distribution. It adds
 *   what is missing, replaces what changed and REMOVES what the stack owns but no longer wants (a key group no
 *   longer required, the gate on a behavior no longer gated, a behavior it created for a pattern no longer gated,
 *   a previous response headers policy or origin access control of the stack). What it does not own is untouched.
 *
 * How "ours" is recognised (a distribution config carries no tags, and ids change between deploys):
 * - functions: the function NAME inside the ARN contains the marker (default `tenant-gate`); versions and ARNs
 *   change on every deploy, the name does not;
 * - the auth behavior and origin: the origin id (`plan.auth.originId`, containing the marker by default);
 * - key groups, response headers policies, origin access controls: by id, the only thing a behavior holds of them
 *   (docs/platform.md#distribution-updates). The plan's ids are the stack's current ones; `plan.owned` lists the
 *   ids the stack owns but does not want now (signed cookies turned off: the key group still exists) or owned
 *   BEFORE (the stack outputs read before the deploy), so an id that changed between deploys (a replaced
 *   resource) is still recognised and removed. Removal is limited to behaviors carrying our gate (or gated now):
 *   a behavior of the user's that happens to use one of those ids is left alone;
 * - behaviors attach created (`missingBehavior: 'clone-default'`): by path pattern, listed in `plan.owned.
 *   createdBehaviors` (attach returns the list to pass next time in `owned`). A behavior not listed there is the
 *   user's: it loses our gate, key group and policy when no longer gated, and keeps existing.
 *
 * Missing gated behaviors are REFUSED by default (`ERR_ATTACH_BEHAVIOR_MISSING`): a new behavior decides which
 * origin, cache key and protocol tenant files get, and cloning the default behavior (usually the SPA bucket) would
 * silently pick those for the operator. `missingBehavior: 'clone-default'` opts in to cloning (see below).
 */
import type {
  CacheBehavior,
  DefaultCacheBehavior,
  DistributionConfig,
  EventType,
  FunctionAssociation,
  FunctionAssociations,
  LambdaFunctionAssociation,
  LambdaFunctionAssociations,
  Method,
  Origin,
  TrustedKeyGroups,
} from '@aws-sdk/client-cloudfront';
import { distributionTenantTargetProblem, PARAMETER_NAME } from '../config/distribution-tenant';
import { AUTH_PATH_PATTERN } from '../lib/auth-path';
import { TenantGateError } from '../lib/errors';
import { dropTrustedSigners, ensureTenantParameter, isMultiTenant } from './multi-tenant';
import { convergeLoginOriginPath } from './login-origin-path';

export const DEFAULT_MARKER = 'tenant-gate';
export const DEFAULT_AUTH_PATH_PATTERN = AUTH_PATH_PATTERN;

import { MANAGED_POLICY_IDS } from '../lib/distribution/managed-policies';
import { patternsOverlap } from '../lib/distribution/path-pattern';

/** Re-exported for the doctor and the tests, which use them alongside attach's own exports. */
export { MANAGED_POLICY_IDS, patternsOverlap };

export type GateKind = 'lambda-edge' | 'cloudfront-function';

export type GateRef =
  | { readonly kind: 'lambda-edge'; /** numbered version ARN (not $LATEST, not an alias) */ readonly arn: string }
  | { readonly kind: 'cloudfront-function'; readonly arn: string };

export interface AuthRoute {
  readonly pathPattern: string;
  /** `<url-id>.lambda-url.<region>.on.aws` */
  readonly originDomainName: string;
  /** Should contain the marker so detach (and a later attach) can recognise the origin as ours. */
  readonly originId: string;
  /**
   * Origin access control that signs CloudFront's requests to an AWS_IAM function URL (the stack's
   * `TenantGateLoginOriginAccessControlId`). Without it, the origin keeps the one it has unless that is one the
   * stack owned (`owned.originAccessControlIds`), which is cleared.
   */
  readonly originAccessControlId?: string | undefined;
  /**
   * Origin request policy of the auth behavior: the stack's `TenantGateLoginOriginRequestPolicyId`, which forwards
   * what the login reads plus `CloudFront-Viewer-Address` (login/origin-request.ts). Default the managed
   * AllViewerExceptHostHeader, which adds no CloudFront header: IP-bound links then fail closed
   * (docs/platform.md#origin-request-and-cache-policies). Set on every attach, so a replaced policy converges and
   * detach, which removes the behavior, needs no id.
   */
  readonly originRequestPolicyId?: string | undefined;
}

/**
 * What the stack owns on a distribution besides its functions and its auth route, by id. Passed to attach as what
 * the stack owned before (previous deploy), returned by attach as what it owns now, and passed to detach.
 */
export interface Ownership {
  readonly trustedKeyGroupIds: readonly string[];
  readonly responseHeadersPolicyIds: readonly string[];
  readonly originAccessControlIds: readonly string[];
  /** Path patterns of behaviors attach created (`missingBehavior: 'clone-default'`). */
  readonly createdBehaviors: readonly string[];
}

export interface AttachPlan {
  readonly pathPatterns: readonly string[];
  readonly gate: GateRef;
  readonly auth?: AuthRoute | undefined;
  readonly trustedKeyGroupId?: string | undefined;
  /**
   * The response headers policy that keeps gated files private in browsers (`Cache-Control: private, no-cache`,
   * Override: true; the stack's `TenantGatePrivateFilesHeadersPolicy`). CloudFront caches per tenant because the
   * gate rewrites the uri, but a browser caches by viewer URL and may show the previous user's copy of /files/x
   * after another sign-in. Set on every gated behavior without a policy; a behavior with a policy of its own keeps
   * it (reported in `changes`) unless `force`.
   */
  readonly responseHeadersPolicyId?: string | undefined;
  /**
   * Folder grants (config `grants`): the behavior at `pathPattern` (`/grants/*`) that serves grant URLs. Created
   * when missing from the gated behavior `from` (its origin, cache and origin request policies), carries the gate,
   * and never a trusted key group nor trusted signers: a grant viewer has no CloudFront signed cookie, so CloudFront
   * would refuse every grant before the gate ran (docs/platform.md#signed-urls-and-cookies). Counted as created by
   * attach, so an attach without `grants` and detach remove it.
   */
  readonly grants?: { readonly pathPattern: string; readonly from: string } | undefined;
  /** Substring of the function name (and auth origin id) that marks what we own. Default `tenant-gate`. */
  readonly marker?: string | undefined;
  /**
   * Replace/remove FOREIGN functions (and a foreign `/auth/*` behavior or origin id) that stand in the way, and
   * replace a gated behavior's own response headers policy with `responseHeadersPolicyId`.
   */
  readonly force?: boolean | undefined;
  /**
   * What to do when a gated path pattern has no behavior. `'refuse'` (default) throws; `'clone-default'` creates one
   * from the DefaultCacheBehavior's settings, without its function associations (an SPA rewrite function must not
   * run on file paths) and with `allow-all` raised to `redirect-to-https` (the token cookie must never travel over
   * plain HTTP). Detach removes such behaviors only when told to (`DetachOptions.removeBehaviors`).
   */
  readonly missingBehavior?: 'refuse' | 'clone-default' | undefined;
  /**
   * What the stack owned before this attach (ids from the previous deploy's stack outputs, behaviors a previous
   * attach created). Whatever of it the plan no longer wants is removed from the behaviors this stack gates or
   * gated; the plan's own ids count as owned too.
   */
  readonly owned?: Partial<Ownership> | undefined;
  /**
   * The distribution-tenant parameter the gate reads (config `distributionTenant.parameter`): the distribution must be
   * multi-tenant, and its definition is added when missing (deploy/multi-tenant.ts). Detach leaves the definition:
   * distribution tenants hold values for it.
   */
  readonly tenantParameter?: string | undefined;
  /**
   * The distribution-tenant parameter holding the sign-in domain (config `distributionTenant.domainParameter`): with
   * `tenantParameter` and `auth`, the login origin's OriginPath becomes `/{{tenant}}/{{domain}}`
   * (deploy/login-origin-path.ts) and the parameter is declared when missing.
   */
  readonly domainParameter?: string | undefined;
}

export interface DetachOptions {
  readonly marker?: string | undefined;
  readonly authPathPattern?: string | undefined;
  /** Auth origin id when it does not contain the marker. */
  readonly authOriginId?: string | undefined;
  /** Key group attach added; key group ids are random, so we cannot recognise it by ourselves. */
  readonly trustedKeyGroupId?: string | undefined;
  /**
   * Response headers policy attach set (stack output `TenantGatePrivateFilesHeadersPolicyId`); removed from the
   * behaviors that use it, so the field is absent again as before attach.
   */
  readonly responseHeadersPolicyId?: string | undefined;
  /** Behaviors attach created with `missingBehavior: 'clone-default'`. */
  readonly removeBehaviors?: readonly string[] | undefined;
  /** Everything the stack owns or owned (attach's `owned`); merged with the single ids above. */
  readonly owned?: Partial<Ownership> | undefined;
}

export interface ConfigEdit {
  readonly config: DistributionConfig;
  /** Human-readable, one line per change; empty when nothing changed. */
  readonly changes: string[];
}

export interface AttachEdit extends ConfigEdit {
  /** What the stack owns on the resulting distribution: pass it as `plan.owned` next time, or to detach. */
  readonly owned: Ownership;
}

export type AttachErrorCode =
  | 'ERR_ATTACH_PLAN_INVALID'
  | 'ERR_ATTACH_CONFIG_INVALID'
  | 'ERR_ATTACH_BEHAVIOR_MISSING'
  | 'ERR_ATTACH_FOREIGN_FUNCTION'
  | 'ERR_ATTACH_FOREIGN_AUTH_BEHAVIOR'
  | 'ERR_ATTACH_ORIGIN_ID_TAKEN';

export class AttachError extends TenantGateError {
  declare readonly code: AttachErrorCode;
  constructor(code: AttachErrorCode, message: string) {
    super(code, message);
    this.name = 'AttachError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers shared with doctor.ts
// ---------------------------------------------------------------------------------------------------------------

/** Function name inside a Lambda (`…:function:NAME:7`) or CloudFront Function (`…:function/NAME`) ARN. */
export function functionNameOf(arn: string): string {
  const lambda = /:function:([^:]+)/.exec(arn);
  if (lambda?.[1] !== undefined) return lambda[1];
  const cf = /:function\/([^/:]+)/.exec(arn);
  if (cf?.[1] !== undefined) return cf[1];
  return arn;
}

export function isOurs(arn: string | undefined, marker: string): boolean {
  return arn !== undefined && functionNameOf(arn).includes(marker);
}

export interface EdgeAssociation {
  readonly kind: GateKind;
  readonly arn: string;
  readonly eventType: EventType;
}

/** The fields both behavior types share and we edit; both SDK types are assignable to it. */
export interface BehaviorLike {
  LambdaFunctionAssociations?: LambdaFunctionAssociations | undefined;
  FunctionAssociations?: FunctionAssociations | undefined;
  TrustedKeyGroups?: TrustedKeyGroups | undefined;
  ResponseHeadersPolicyId?: string | undefined;
}

export function edgeAssociationsOf(behavior: BehaviorLike): EdgeAssociation[] {
  const out: EdgeAssociation[] = [];
  for (const a of behavior.LambdaFunctionAssociations?.Items ?? []) {
    if (a.LambdaFunctionARN !== undefined && a.EventType !== undefined) {
      out.push({ kind: 'lambda-edge', arn: a.LambdaFunctionARN, eventType: a.EventType });
    }
  }
  for (const a of behavior.FunctionAssociations?.Items ?? []) {
    if (a.FunctionARN !== undefined && a.EventType !== undefined) {
      out.push({ kind: 'cloudfront-function', arn: a.FunctionARN, eventType: a.EventType });
    }
  }
  return out;
}

export const isViewerEvent = (e: EventType | undefined): boolean => e === 'viewer-request' || e === 'viewer-response';

// ---------------------------------------------------------------------------------------------------------------
// attach
// ---------------------------------------------------------------------------------------------------------------

const LAMBDA_VERSION_ARN = /^arn:aws[a-z-]*:lambda:us-east-1:\d{12}:function:[A-Za-z0-9_-]+:\d+$/;
const CF_FUNCTION_ARN = /^arn:aws[a-z-]*:cloudfront::\d{12}:function\/[A-Za-z0-9_-]+$/;
const FUNCTION_URL_DOMAIN = /^[a-z0-9]+\.lambda-url\.[a-z0-9-]+\.on\.aws$/;

const ALL_METHODS: Method[] = ['HEAD', 'DELETE', 'POST', 'GET', 'OPTIONS', 'PUT', 'PATCH'];
const CACHED_METHODS: Method[] = ['HEAD', 'GET'];

function invalidPlan(message: string): never {
  throw new AttachError('ERR_ATTACH_PLAN_INVALID', message);
}

function checkPlan(plan: AttachPlan, marker: string): void {
  if (marker.length === 0) invalidPlan('plan.marker must not be empty');
  if (plan.pathPatterns.length === 0) invalidPlan('plan.pathPatterns must name at least one behavior to gate');
  const seen = new Set<string>();
  for (const p of plan.pathPatterns) {
    if (p !== '*' && !p.startsWith('/'))
      invalidPlan(`plan.pathPatterns: "${p}" must start with "/" (or be "*" for the default behavior)`);
    if (seen.has(p)) invalidPlan(`plan.pathPatterns: "${p}" is listed twice`);
    seen.add(p);
  }
  const { gate } = plan;
  if (gate.kind === 'lambda-edge' && !LAMBDA_VERSION_ARN.test(gate.arn)) {
    invalidPlan(
      `plan.gate.arn must be a numbered version ARN of a us-east-1 Lambda function (not $LATEST, not an alias), got "${gate.arn}"`,
    );
  }
  if (gate.kind === 'cloudfront-function' && !CF_FUNCTION_ARN.test(gate.arn)) {
    invalidPlan(
      `plan.gate.arn must be a CloudFront Function ARN (arn:aws:cloudfront::<account>:function/<name>), got "${gate.arn}"`,
    );
  }
  // Otherwise the next attach would not recognise the gate as ours and refuse it as a foreign function.
  if (!isOurs(gate.arn, marker))
    invalidPlan(`plan.gate.arn: function name "${functionNameOf(gate.arn)}" must contain the marker "${marker}"`);
  if (plan.auth !== undefined) {
    const { auth } = plan;
    // The login serves /auth/session, /auth/links… (login/service.ts): another pattern would route sign-in to paths
    // it answers with 404. Detach and the doctor still take any pattern, to clean up or judge what is there.
    if (auth.pathPattern !== AUTH_PATH_PATTERN)
      invalidPlan(
        `plan.auth.pathPattern must be "${AUTH_PATH_PATTERN}", the login's routes (login/service.ts), got "${auth.pathPattern}"`,
      );
    if (seen.has(auth.pathPattern))
      invalidPlan(
        `plan.auth.pathPattern "${auth.pathPattern}" is also in plan.pathPatterns: login requests carry no token yet`,
      );
    if (!FUNCTION_URL_DOMAIN.test(auth.originDomainName)) {
      invalidPlan(
        `plan.auth.originDomainName must be a Lambda function URL host (<id>.lambda-url.<region>.on.aws), got "${auth.originDomainName}"`,
      );
    }
    if (auth.originId.length === 0) invalidPlan('plan.auth.originId must not be empty');
  }
  if (plan.grants !== undefined) {
    const { pathPattern, from } = plan.grants;
    if (!pathPattern.startsWith('/') || !pathPattern.endsWith('/*'))
      invalidPlan(`plan.grants.pathPattern must be "/<prefix>/*", got "${pathPattern}"`);
    if (seen.has(pathPattern) || pathPattern === plan.auth?.pathPattern)
      invalidPlan(`plan.grants.pathPattern "${pathPattern}" is also a gated or the auth pattern`);
    if (!seen.has(from)) invalidPlan(`plan.grants.from "${from}" must be one of plan.pathPatterns`);
  }
  if (plan.trustedKeyGroupId !== undefined && plan.trustedKeyGroupId.length === 0)
    invalidPlan('plan.trustedKeyGroupId must not be empty');
  if (plan.responseHeadersPolicyId !== undefined && plan.responseHeadersPolicyId.length === 0)
    invalidPlan('plan.responseHeadersPolicyId must not be empty');
  if (plan.tenantParameter !== undefined) {
    if (!PARAMETER_NAME.test(plan.tenantParameter))
      invalidPlan(`plan.tenantParameter: "${plan.tenantParameter}" is not a parameter name the gate reads`);
    const problem = distributionTenantTargetProblem({ distributionTenant: plan.tenantParameter }, gate.kind);
    if (problem !== undefined) invalidPlan(problem);
    // The login on a multi-tenant distribution must learn the domain called (login/site.ts): fail closed.
    if (plan.auth !== undefined && plan.domainParameter === undefined)
      invalidPlan('plan.domainParameter is required with plan.tenantParameter and plan.auth (the login per domain)');
  }
  if (plan.domainParameter !== undefined) {
    if (!PARAMETER_NAME.test(plan.domainParameter) || plan.domainParameter === plan.tenantParameter)
      invalidPlan(`plan.domainParameter: "${plan.domainParameter}" is not a parameter name beside the tenant's`);
  }
  if (plan.auth?.originAccessControlId !== undefined && plan.auth.originAccessControlId.length === 0)
    invalidPlan('plan.auth.originAccessControlId must not be empty');
  if (plan.auth?.originRequestPolicyId !== undefined && plan.auth.originRequestPolicyId.length === 0)
    invalidPlan('plan.auth.originRequestPolicyId must not be empty');
  checkOwnership(plan.owned, 'plan.owned');
}

function checkOwnership(owned: Partial<Ownership> | undefined, at: string): void {
  for (const field of OWNERSHIP_FIELDS) {
    const list = owned?.[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) invalidPlan(`${at}.${field} must be a list`);
    for (const id of list) {
      if (typeof id !== 'string' || id.length === 0) invalidPlan(`${at}.${field} must hold non-empty strings`);
    }
  }
}

const OWNERSHIP_FIELDS = [
  'trustedKeyGroupIds',
  'responseHeadersPolicyIds',
  'originAccessControlIds',
  'createdBehaviors',
] as const;

/** Merges ownership lists, dropping duplicates and undefined single ids. */
function ownedSet(...lists: (readonly (string | undefined)[] | undefined)[]): Set<string> {
  const out = new Set<string>();
  for (const list of lists) for (const id of list ?? []) if (id !== undefined) out.add(id);
  return out;
}

function requireShape(config: DistributionConfig): { def: DefaultCacheBehavior; origins: Origin[] } {
  const def = config.DefaultCacheBehavior;
  const origins = config.Origins?.Items;
  if (def === undefined || origins === undefined) {
    throw new AttachError(
      'ERR_ATTACH_CONFIG_INVALID',
      'config must be a DistributionConfig with DefaultCacheBehavior and Origins.Items (pass .DistributionConfig of get-distribution-config, not the whole answer)',
    );
  }
  return { def, origins };
}

function cacheBehaviorItems(config: DistributionConfig): CacheBehavior[] {
  config.CacheBehaviors ??= { Quantity: 0 };
  config.CacheBehaviors.Items ??= [];
  return config.CacheBehaviors.Items;
}

/** Re-derive Quantity from Items; an empty list is written as `{Quantity: 0}` like the CLI prints it. */
function settleCacheBehaviors(config: DistributionConfig, before: DistributionConfig): void {
  const items = config.CacheBehaviors?.Items;
  if (items === undefined) return;
  if (items.length === 0) {
    // Restore the exact original shape (absent, or `{Quantity: 0}`) so detach(attach(x)) equals x.
    if (before.CacheBehaviors === undefined) delete config.CacheBehaviors;
    else config.CacheBehaviors = { Quantity: 0 };
    return;
  }
  config.CacheBehaviors = { Quantity: items.length, Items: items };
}

function setLambdaItems(b: BehaviorLike, items: LambdaFunctionAssociation[]): void {
  b.LambdaFunctionAssociations = items.length === 0 ? { Quantity: 0 } : { Quantity: items.length, Items: items };
}

function setFunctionItems(b: BehaviorLike, items: FunctionAssociation[]): void {
  b.FunctionAssociations = items.length === 0 ? { Quantity: 0 } : { Quantity: items.length, Items: items };
}

function describe(kind: GateKind): string {
  return kind === 'lambda-edge' ? 'Lambda@Edge function' : 'CloudFront Function';
}

/**
 * Put the gate on the viewer-request slot of one behavior. Every other association of ours on that behavior goes
 * (an old gate left at origin-request would rewrite the uri a second time), and so does anything of the other kind
 * on the viewer events: CloudFront rejects a CloudFront Function and a Lambda@Edge function together on viewer
 * events (docs/platform.md#cloudfront-functions-runtime). Foreign functions in the way are refused unless `force`.
 */
function gateBehavior(
  b: BehaviorLike,
  label: string,
  gate: GateRef,
  marker: string,
  force: boolean,
  changes: string[],
): void {
  const lambdas = [...(b.LambdaFunctionAssociations?.Items ?? [])];
  const functions = [...(b.FunctionAssociations?.Items ?? [])];

  const foreignInTheWay = edgeAssociationsOf(b).filter(
    (a) =>
      !isOurs(a.arn, marker) && (a.kind === gate.kind ? a.eventType === 'viewer-request' : isViewerEvent(a.eventType)),
  );
  if (foreignInTheWay.length > 0 && !force) {
    const list = foreignInTheWay.map((a) => `${describe(a.kind)} ${a.arn} on ${a.eventType}`).join(', ');
    throw new AttachError(
      'ERR_ATTACH_FOREIGN_FUNCTION',
      `behavior ${label}: ${list} stands where the tenant gate (${describe(gate.kind)}, viewer-request) must go; ` +
        'move that logic into another event or behavior, or pass force: true to replace it',
    );
  }

  const keepLambda = (a: LambdaFunctionAssociation): boolean => {
    const ours = isOurs(a.LambdaFunctionARN, marker);
    const drop =
      gate.kind === 'lambda-edge' ? ours || a.EventType === 'viewer-request' : ours || isViewerEvent(a.EventType);
    if (drop) changes.push(`${label}: removed Lambda@Edge ${a.LambdaFunctionARN} from ${a.EventType}`);
    return !drop;
  };
  const keepFunction = (a: FunctionAssociation): boolean => {
    const ours = isOurs(a.FunctionARN, marker);
    const drop =
      gate.kind === 'cloudfront-function'
        ? ours || a.EventType === 'viewer-request'
        : ours || isViewerEvent(a.EventType);
    if (drop) changes.push(`${label}: removed CloudFront Function ${a.FunctionARN} from ${a.EventType}`);
    return !drop;
  };

  if (gate.kind === 'lambda-edge') {
    const existing = lambdas.find((a) => a.EventType === 'viewer-request');
    if (existing?.LambdaFunctionARN === gate.arn && existing.IncludeBody !== true) {
      // Already in place: keep the very object, and drop only the rest that must go.
      const kept = lambdas.filter((a) => a === existing || keepLambda(a));
      if (kept.length !== lambdas.length) setLambdaItems(b, kept);
    } else {
      const index = existing === undefined ? -1 : lambdas.indexOf(existing);
      const kept = lambdas.filter(keepLambda);
      const mine: LambdaFunctionAssociation = {
        LambdaFunctionARN: gate.arn,
        EventType: 'viewer-request',
        IncludeBody: false,
      };
      // Keep the slot's position when replacing so the diff stays minimal.
      kept.splice(index === -1 ? kept.length : Math.min(index, kept.length), 0, mine);
      setLambdaItems(b, kept);
      changes.push(`${label}: viewer-request → Lambda@Edge ${gate.arn}`);
    }
    const keptFunctions = functions.filter(keepFunction);
    if (keptFunctions.length !== functions.length) setFunctionItems(b, keptFunctions);
  } else {
    const existing = functions.find((a) => a.EventType === 'viewer-request');
    if (existing?.FunctionARN === gate.arn) {
      const kept = functions.filter((a) => a === existing || keepFunction(a));
      if (kept.length !== functions.length) setFunctionItems(b, kept);
    } else {
      const index = existing === undefined ? -1 : functions.indexOf(existing);
      const kept = functions.filter(keepFunction);
      kept.splice(index === -1 ? kept.length : Math.min(index, kept.length), 0, {
        FunctionARN: gate.arn,
        EventType: 'viewer-request',
      });
      setFunctionItems(b, kept);
      changes.push(`${label}: viewer-request → CloudFront Function ${gate.arn}`);
    }
    const keptLambdas = lambdas.filter(keepLambda);
    if (keptLambdas.length !== lambdas.length) setLambdaItems(b, keptLambdas);
  }
}

function addKeyGroup(b: BehaviorLike, label: string, keyGroupId: string, changes: string[]): void {
  const items = b.TrustedKeyGroups?.Items ?? [];
  if (items.includes(keyGroupId) && b.TrustedKeyGroups?.Enabled === true) return;
  const next = items.includes(keyGroupId) ? items : [...items, keyGroupId];
  b.TrustedKeyGroups = { Enabled: true, Quantity: next.length, Items: next };
  changes.push(`${label}: trusted key group ${keyGroupId} required`);
}

/**
 * Removes one key group; with none left the behavior stops requiring signatures (`Enabled: false, Quantity: 0`, as
 * CloudFront prints a behavior that never had any), otherwise CloudFront would refuse every viewer with 403
 * (docs/platform.md#custom-error-responses-and-limits, docs/platform.md#distribution-updates).
 */
function removeKeyGroup(b: BehaviorLike, label: string, keyGroupId: string, changes: string[], why = ''): void {
  const items = b.TrustedKeyGroups?.Items ?? [];
  if (!items.includes(keyGroupId)) return;
  const next = items.filter((k) => k !== keyGroupId);
  b.TrustedKeyGroups =
    next.length === 0 ? { Enabled: false, Quantity: 0 } : { Enabled: true, Quantity: next.length, Items: next };
  changes.push(`${label}: trusted key group ${keyGroupId} removed${why}`);
}

/** The key groups of the stack a behavior must require: exactly `wanted` among the owned ones; others' untouched. */
function convergeKeyGroups(
  b: BehaviorLike,
  label: string,
  wanted: string | undefined,
  owned: ReadonlySet<string>,
  changes: string[],
): void {
  for (const id of b.TrustedKeyGroups?.Items ?? []) {
    if (id !== wanted && owned.has(id)) removeKeyGroup(b, label, id, changes, ' (no longer required by the stack)');
  }
  if (wanted !== undefined) addKeyGroup(b, label, wanted, changes);
}

const PRIVATE_CACHE_CONTROL = 'Cache-Control: private, no-cache';

/**
 * Give a gated behavior the policy that keeps its files private in browsers. A behavior with a policy of its own
 * (CORS, security headers) keeps it unless `force`: a behavior has one response headers policy, and replacing it
 * would drop the operator's headers. Either way it is said in `changes`.
 */
function setHeadersPolicy(
  b: BehaviorLike,
  label: string,
  policyId: string,
  owned: ReadonlySet<string>,
  force: boolean,
  changes: string[],
): void {
  const current = b.ResponseHeadersPolicyId ?? '';
  if (current === policyId) return;
  if (current === '') {
    b.ResponseHeadersPolicyId = policyId;
    changes.push(`${label}: response headers policy ${policyId} (${PRIVATE_CACHE_CONTROL})`);
  } else if (owned.has(current)) {
    // The stack's previous policy (a replaced resource): ours to replace, no force needed.
    b.ResponseHeadersPolicyId = policyId;
    changes.push(
      `${label}: replaced the stack's previous response headers policy ${current} with ${policyId} (${PRIVATE_CACHE_CONTROL})`,
    );
  } else if (force) {
    b.ResponseHeadersPolicyId = policyId;
    changes.push(`${label}: replaced response headers policy ${current} with ${policyId} (${PRIVATE_CACHE_CONTROL})`);
  } else {
    changes.push(
      `${label}: kept its own response headers policy ${current}: add ${PRIVATE_CACHE_CONTROL} to it (Override: true), or pass force to replace it with ${policyId}`,
    );
  }
}

function removeHeadersPolicy(b: BehaviorLike, label: string, policyId: string, changes: string[]): void {
  if (b.ResponseHeadersPolicyId !== policyId) return;
  // Absent, as in a behavior that never had one (get-distribution-config omits the field then).
  delete b.ResponseHeadersPolicyId;
  changes.push(`${label}: response headers policy ${policyId} removed`);
}

/** Index at which `pattern` must sit: before the first behavior that could match some of its paths. */
function placementIndex(items: readonly CacheBehavior[], pattern: string): number {
  const i = items.findIndex((b) => b.PathPattern !== pattern && patternsOverlap(b.PathPattern ?? '', pattern));
  return i === -1 ? items.length : i;
}

function cloneDefault(
  def: DefaultCacheBehavior | CacheBehavior,
  pattern: string,
  headersPolicyId: string | undefined,
): CacheBehavior {
  const copy = structuredClone(def);
  const clone: CacheBehavior = { PathPattern: pattern, ...copy };
  clone.PathPattern = pattern;
  clone.LambdaFunctionAssociations = { Quantity: 0 };
  clone.FunctionAssociations = { Quantity: 0 };
  // The behavior is new, so nobody's headers are lost: it gets ours rather than the SPA's (set by the caller).
  if (headersPolicyId !== undefined) delete clone.ResponseHeadersPolicyId;
  if (clone.ViewerProtocolPolicy === 'allow-all') clone.ViewerProtocolPolicy = 'redirect-to-https';
  return clone;
}

/**
 * The grants behavior: created from the gated behavior `from` when missing (the same origin and policies), then
 * converged: the gate, the private-files policy, no key group of the stack, no trusted signers (a grant viewer
 * carries no CloudFront signature). A key group of someone else's stays, and the doctor reports it.
 */
function upsertGrantsBehavior(
  items: CacheBehavior[],
  def: DefaultCacheBehavior,
  plan: AttachPlan,
  grants: { readonly pathPattern: string; readonly from: string },
  created: Set<string>,
  ownedKeyGroups: ReadonlySet<string>,
  ownedPolicies: ReadonlySet<string>,
  changes: string[],
): void {
  const pattern = grants.pathPattern;
  let behavior = items.find((b) => b.PathPattern === pattern);
  if (behavior === undefined) {
    const source = grants.from === '*' ? def : items.find((b) => b.PathPattern === grants.from)!;
    behavior = cloneDefault(source, pattern, plan.responseHeadersPolicyId);
    behavior.TrustedKeyGroups = { Enabled: false, Quantity: 0 };
    behavior.TrustedSigners = { Enabled: false, Quantity: 0 };
    items.splice(placementIndex(items, pattern), 0, behavior);
    changes.push(`${pattern}: created the grants behavior from ${grants.from} (origin ${behavior.TargetOriginId})`);
    created.add(pattern);
  }
  const marker = plan.marker ?? DEFAULT_MARKER;
  gateBehavior(behavior, pattern, plan.gate, marker, plan.force ?? false, changes);
  convergeKeyGroups(behavior, pattern, undefined, ownedKeyGroups, changes);
  if (behavior.TrustedSigners?.Enabled === true) {
    behavior.TrustedSigners = { Enabled: false, Quantity: 0 };
    changes.push(`${pattern}: trusted signers removed (a grant viewer has no CloudFront signature)`);
  }
  if (plan.responseHeadersPolicyId !== undefined)
    setHeadersPolicy(behavior, pattern, plan.responseHeadersPolicyId, ownedPolicies, plan.force ?? false, changes);
}

function sameSet<T>(a: readonly T[] | undefined, b: readonly T[]): boolean {
  return a !== undefined && a.length === b.length && b.every((x) => a.includes(x));
}

function authOriginFor(auth: AuthRoute): Origin {
  return {
    Id: auth.originId,
    DomainName: auth.originDomainName,
    OriginPath: '',
    CustomHeaders: { Quantity: 0 },
    CustomOriginConfig: {
      HTTPPort: 80,
      HTTPSPort: 443,
      // Function URLs serve HTTPS only; the login answer carries Set-Cookie with the tenant token.
      OriginProtocolPolicy: 'https-only',
      OriginSslProtocols: { Quantity: 1, Items: ['TLSv1.2'] },
      OriginReadTimeout: 30,
      OriginKeepaliveTimeout: 5,
    },
    ConnectionAttempts: 3,
    ConnectionTimeout: 10,
    OriginShield: { Enabled: false },
    OriginAccessControlId: auth.originAccessControlId ?? '',
  };
}

/**
 * The origin access control of our auth origin: the plan's when it names one; otherwise one the stack owned is
 * cleared (its function URL is gone or no longer AWS_IAM), and one the operator set is kept.
 */
function convergeOriginAccessControl(
  origin: Origin,
  auth: AuthRoute,
  owned: ReadonlySet<string>,
  changes: string[],
): void {
  const current = origin.OriginAccessControlId ?? '';
  const wanted = auth.originAccessControlId ?? (owned.has(current) ? '' : current);
  if (wanted === current) return;
  origin.OriginAccessControlId = wanted;
  changes.push(
    wanted === ''
      ? `origins: ${auth.originId} origin access control ${current} removed (no longer the stack's)`
      : `origins: ${auth.originId} signed with origin access control ${wanted}${current === '' ? '' : ` (was ${current})`}`,
  );
}

function upsertAuthOrigin(
  origins: Origin[],
  auth: AuthRoute,
  marker: string,
  force: boolean,
  ownedOac: ReadonlySet<string>,
  changes: string[],
): void {
  const existing = origins.find((o) => o.Id === auth.originId);
  if (existing === undefined) {
    origins.push(authOriginFor(auth));
    changes.push(`origins: added ${auth.originId} → https://${auth.originDomainName}`);
    if (auth.originAccessControlId !== undefined)
      changes.push(`origins: ${auth.originId} signed with origin access control ${auth.originAccessControlId}`);
    return;
  }
  const recognisable = auth.originId.includes(marker) || FUNCTION_URL_DOMAIN.test(existing.DomainName ?? '');
  if (!recognisable && !force) {
    throw new AttachError(
      'ERR_ATTACH_ORIGIN_ID_TAKEN',
      `origin id "${auth.originId}" already names ${existing.DomainName}; choose another plan.auth.originId (ideally containing "${marker}") or pass force: true`,
    );
  }
  // Update in place, keeping settings the operator may have tuned (timeouts, OAC for function URLs, headers).
  const before = structuredClone(existing);
  existing.DomainName = auth.originDomainName;
  delete existing.S3OriginConfig;
  const custom = existing.CustomOriginConfig ?? authOriginFor(auth).CustomOriginConfig;
  if (custom !== undefined) {
    custom.OriginProtocolPolicy = 'https-only';
    custom.HTTPSPort = 443;
    custom.HTTPPort ??= 80;
    existing.CustomOriginConfig = custom;
  }
  if (JSON.stringify(before) !== JSON.stringify(existing))
    changes.push(`origins: updated ${auth.originId} → https://${auth.originDomainName}`);
  convergeOriginAccessControl(existing, auth, ownedOac, changes);
}

/** The plan's policy, or the managed one that keeps Host away from the function URL. */
function authOriginRequestPolicyId(auth: AuthRoute): string {
  return auth.originRequestPolicyId ?? MANAGED_POLICY_IDS.AllViewerExceptHostHeader;
}

function upsertAuthBehavior(
  items: CacheBehavior[],
  auth: AuthRoute,
  marker: string,
  force: boolean,
  changes: string[],
): void {
  const label = auth.pathPattern;
  let behavior = items.find((b) => b.PathPattern === auth.pathPattern);
  if (behavior === undefined) {
    behavior = {
      PathPattern: auth.pathPattern,
      TargetOriginId: auth.originId,
      TrustedSigners: { Enabled: false, Quantity: 0 },
      TrustedKeyGroups: { Enabled: false, Quantity: 0 },
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: {
        Quantity: ALL_METHODS.length,
        Items: [...ALL_METHODS],
        CachedMethods: { Quantity: CACHED_METHODS.length, Items: [...CACHED_METHODS] },
      },
      SmoothStreaming: false,
      Compress: true,
      LambdaFunctionAssociations: { Quantity: 0 },
      FunctionAssociations: { Quantity: 0 },
      FieldLevelEncryptionId: '',
      // A login answer carries Set-Cookie with a tenant token: it must never be cached and replayed to someone else.
      CachePolicyId: MANAGED_POLICY_IDS.CachingDisabled,
      // A function URL answers 403 when it receives a Host header other than its own.
      OriginRequestPolicyId: authOriginRequestPolicyId(auth),
    };
    items.splice(placementIndex(items, auth.pathPattern), 0, behavior);
    changes.push(`${label}: added behavior → origin ${auth.originId} (caching disabled, all methods)`);
    return;
  }

  const target = behavior.TargetOriginId ?? '';
  if (target !== auth.originId && !target.includes(marker) && !force) {
    throw new AttachError(
      'ERR_ATTACH_FOREIGN_AUTH_BEHAVIOR',
      `behavior ${label} already routes to origin "${target}", which is not ours; choose another plan.auth.pathPattern or pass force: true`,
    );
  }
  const before = JSON.stringify(behavior);
  behavior.TargetOriginId = auth.originId;
  if (behavior.ViewerProtocolPolicy !== 'https-only') behavior.ViewerProtocolPolicy = 'redirect-to-https';
  if (!sameSet(behavior.AllowedMethods?.Items, ALL_METHODS)) {
    behavior.AllowedMethods = {
      Quantity: ALL_METHODS.length,
      Items: [...ALL_METHODS],
      CachedMethods: { Quantity: CACHED_METHODS.length, Items: [...CACHED_METHODS] },
    };
  }
  behavior.CachePolicyId = MANAGED_POLICY_IDS.CachingDisabled;
  behavior.OriginRequestPolicyId = authOriginRequestPolicyId(auth);
  // Legacy cache settings cannot be combined with a cache policy; CloudFront rejects the update otherwise.
  delete behavior.ForwardedValues;
  delete behavior.MinTTL;
  delete behavior.DefaultTTL;
  delete behavior.MaxTTL;
  if (JSON.stringify(behavior) !== before)
    changes.push(`${label}: updated behavior → origin ${auth.originId} (caching disabled, all methods)`);

  // First match wins: move it before anything that could capture some /auth/ paths.
  const at = items.indexOf(behavior);
  const shouldBe = placementIndex(items.slice(0, at), auth.pathPattern);
  if (shouldBe < at) {
    items.splice(at, 1);
    items.splice(shouldBe, 0, behavior);
    changes.push(
      `${label}: moved to position ${shouldBe + 1}, before ${items[shouldBe + 1]?.PathPattern ?? 'the broader patterns'}`,
    );
  }
}

export function attach(config: DistributionConfig, plan: AttachPlan): AttachEdit {
  const marker = plan.marker ?? DEFAULT_MARKER;
  const force = plan.force ?? false;
  checkPlan(plan, marker);

  const next = structuredClone(config);
  const multiTenant = isMultiTenant(next);
  const { def, origins } = requireShape(next);
  const items = cacheBehaviorItems(next);
  const changes: string[] = [];
  const ownedKeyGroups = ownedSet(plan.owned?.trustedKeyGroupIds, [plan.trustedKeyGroupId]);
  const ownedPolicies = ownedSet(plan.owned?.responseHeadersPolicyIds, [plan.responseHeadersPolicyId]);
  const ownedOac = ownedSet(plan.owned?.originAccessControlIds, [plan.auth?.originAccessControlId]);
  const created = ownedSet(plan.owned?.createdBehaviors);

  // 1. What the plan gates: the gate, the key group the stack requires (and none other of the stack's), the policy.
  for (const pattern of plan.pathPatterns) {
    let behavior: BehaviorLike | undefined = pattern === '*' ? def : items.find((b) => b.PathPattern === pattern);
    if (behavior === undefined) {
      if ((plan.missingBehavior ?? 'refuse') === 'refuse') {
        const existing = items.map((b) => b.PathPattern).join(', ') || 'none';
        throw new AttachError(
          'ERR_ATTACH_BEHAVIOR_MISSING',
          `no cache behavior with path pattern "${pattern}" (existing: ${existing}); create it with the origin and cache policy tenant files need, ` +
            "or pass missingBehavior: 'clone-default' to copy the default behavior's settings",
        );
      }
      const clone = cloneDefault(def, pattern, plan.responseHeadersPolicyId);
      items.splice(placementIndex(items, pattern), 0, clone);
      changes.push(
        `${pattern}: created behavior from the default behavior's settings (origin ${clone.TargetOriginId})`,
      );
      created.add(pattern);
      behavior = clone;
    }
    const label = pattern === '*' ? 'default behavior' : pattern;
    gateBehavior(behavior, label, plan.gate, marker, force, changes);
    convergeKeyGroups(behavior, label, plan.trustedKeyGroupId, ownedKeyGroups, changes);
    if (plan.responseHeadersPolicyId !== undefined)
      setHeadersPolicy(behavior, label, plan.responseHeadersPolicyId, ownedPolicies, force, changes);
    else for (const id of ownedPolicies) removeHeadersPolicy(behavior, label, id, changes);
  }

  if (plan.grants !== undefined)
    upsertGrantsBehavior(items, def, plan, plan.grants, created, ownedKeyGroups, ownedPolicies, changes);

  // 2. What the stack gated before and the plan no longer does (pathPrefix changed): a behavior attach created goes;
  //    any other behavior carrying our gate is the user's and stays, without our gate, key groups and policy.
  const gated = new Set([...plan.pathPatterns, ...(plan.grants === undefined ? [] : [plan.grants.pathPattern])]);
  const leftovers: [string, BehaviorLike][] = [
    ['*', def],
    ...items.map((b): [string, BehaviorLike] => [b.PathPattern ?? '', b]),
  ];
  for (const [pattern, b] of leftovers) {
    if (gated.has(pattern)) continue;
    const label = pattern === '*' ? 'default behavior' : pattern;
    if (created.has(pattern) && pattern !== '*') {
      items.splice(items.indexOf(b as CacheBehavior), 1);
      created.delete(pattern);
      changes.push(`${label}: removed behavior (created by attach, no longer gated)`);
      continue;
    }
    if (!edgeAssociationsOf(b).some((a) => isOurs(a.arn, marker))) continue;
    stripOurs(b, label, marker, changes);
    for (const id of ownedKeyGroups) removeKeyGroup(b, label, id, changes, ' (no longer gated)');
    for (const id of ownedPolicies) removeHeadersPolicy(b, label, id, changes);
  }
  for (const pattern of created) if (!items.some((b) => b.PathPattern === pattern)) created.delete(pattern);

  if (plan.auth !== undefined) {
    upsertAuthOrigin(origins, plan.auth, marker, force, ownedOac, changes);
    upsertAuthBehavior(items, plan.auth, marker, force, changes);
    if (multiTenant) dropTrustedSigners(next, plan.auth.pathPattern, changes);
  }
  if (plan.tenantParameter !== undefined) {
    if (!multiTenant)
      throw new AttachError(
        'ERR_ATTACH_CONFIG_INVALID',
        `distributionTenant needs a multi-tenant distribution (ConnectionMode "tenant-only"); this one is standard, where the gate would refuse every request (503 distribution_tenant_unavailable)`,
      );
    ensureTenantParameter(next, plan.tenantParameter, changes);
  }
  if (plan.auth !== undefined) {
    const site =
      plan.tenantParameter === undefined || plan.domainParameter === undefined
        ? undefined
        : { parameter: plan.tenantParameter, domainParameter: plan.domainParameter };
    convergeLoginOriginPath(next, plan.auth.originId, site, changes);
  }

  if (next.Origins !== undefined) next.Origins.Quantity = origins.length;
  settleCacheBehaviors(next, config);
  return { config: next, changes, owned: ownershipAfter(next, plan, created, ownedKeyGroups, ownedPolicies, ownedOac) };
}

/**
 * What the stack owns on `config` after attach: the plan's ids, any previously owned id still referenced somewhere
 * (so a later attach or detach still recognises it), and the behaviors attach created that still exist.
 */
function ownershipAfter(
  config: DistributionConfig,
  plan: AttachPlan,
  created: ReadonlySet<string>,
  keyGroups: ReadonlySet<string>,
  policies: ReadonlySet<string>,
  oacs: ReadonlySet<string>,
): Ownership {
  const behaviors: BehaviorLike[] = [
    ...(config.DefaultCacheBehavior === undefined ? [] : [config.DefaultCacheBehavior]),
    ...(config.CacheBehaviors?.Items ?? []),
  ];
  const usedKeyGroups = new Set(behaviors.flatMap((b) => b.TrustedKeyGroups?.Items ?? []));
  const usedPolicies = new Set(behaviors.map((b) => b.ResponseHeadersPolicyId));
  const usedOacs = new Set((config.Origins?.Items ?? []).map((o) => o.OriginAccessControlId));
  const keep = (ids: ReadonlySet<string>, current: string | undefined, used: ReadonlySet<string | undefined>) =>
    [...ids].filter((id) => id === current || used.has(id));
  return {
    trustedKeyGroupIds: keep(keyGroups, plan.trustedKeyGroupId, usedKeyGroups),
    responseHeadersPolicyIds: keep(policies, plan.responseHeadersPolicyId, usedPolicies),
    originAccessControlIds: keep(oacs, plan.auth?.originAccessControlId, usedOacs),
    createdBehaviors: [...created],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// detach
// ---------------------------------------------------------------------------------------------------------------

function stripOurs(b: BehaviorLike, label: string, marker: string, changes: string[]): void {
  const lambdas = b.LambdaFunctionAssociations?.Items ?? [];
  const keptLambdas = lambdas.filter((a) => !isOurs(a.LambdaFunctionARN, marker));
  if (keptLambdas.length !== lambdas.length) {
    for (const a of lambdas)
      if (!keptLambdas.includes(a))
        changes.push(`${label}: removed Lambda@Edge ${a.LambdaFunctionARN} from ${a.EventType}`);
    setLambdaItems(b, keptLambdas);
  }
  const functions = b.FunctionAssociations?.Items ?? [];
  const keptFunctions = functions.filter((a) => !isOurs(a.FunctionARN, marker));
  if (keptFunctions.length !== functions.length) {
    for (const a of functions)
      if (!keptFunctions.includes(a))
        changes.push(`${label}: removed CloudFront Function ${a.FunctionARN} from ${a.EventType}`);
    setFunctionItems(b, keptFunctions);
  }
}

function referencedOriginIds(config: DistributionConfig): Set<string> {
  const ids = new Set<string>();
  const add = (id: string | undefined): void => {
    if (id !== undefined) ids.add(id);
  };
  add(config.DefaultCacheBehavior?.TargetOriginId);
  for (const b of config.CacheBehaviors?.Items ?? []) add(b.TargetOriginId);
  for (const g of config.OriginGroups?.Items ?? []) for (const m of g.Members?.Items ?? []) add(m.OriginId);
  return ids;
}

export function detach(config: DistributionConfig, opts: DetachOptions = {}): ConfigEdit {
  const marker = opts.marker ?? DEFAULT_MARKER;
  if (marker.length === 0) throw new AttachError('ERR_ATTACH_PLAN_INVALID', 'opts.marker must not be empty');
  if (opts.responseHeadersPolicyId === '')
    throw new AttachError('ERR_ATTACH_PLAN_INVALID', 'opts.responseHeadersPolicyId must not be empty');
  const authPattern = opts.authPathPattern ?? DEFAULT_AUTH_PATH_PATTERN;

  checkOwnership(opts.owned, 'opts.owned');

  const next = structuredClone(config);
  const { def, origins } = requireShape(next);
  const changes: string[] = [];
  const items = next.CacheBehaviors?.Items ?? [];
  const keyGroups = ownedSet(opts.owned?.trustedKeyGroupIds, [opts.trustedKeyGroupId]);
  const policies = ownedSet(opts.owned?.responseHeadersPolicyIds, [opts.responseHeadersPolicyId]);

  stripOurs(def, 'default behavior', marker, changes);
  for (const b of items) stripOurs(b, b.PathPattern ?? '?', marker, changes);
  for (const id of keyGroups) {
    removeKeyGroup(def, 'default behavior', id, changes);
    for (const b of items) removeKeyGroup(b, b.PathPattern ?? '?', id, changes);
  }
  for (const id of policies) {
    removeHeadersPolicy(def, 'default behavior', id, changes);
    for (const b of items) removeHeadersPolicy(b, b.PathPattern ?? '?', id, changes);
  }

  const candidateOrigins = new Set<string>();
  const remove = ownedSet(opts.removeBehaviors, opts.owned?.createdBehaviors);
  const kept = items.filter((b) => {
    const target = b.TargetOriginId ?? '';
    const oursAuth = b.PathPattern === authPattern && (target.includes(marker) || target === opts.authOriginId);
    if (oursAuth || remove.has(b.PathPattern ?? '')) {
      changes.push(`${b.PathPattern}: removed behavior`);
      if (oursAuth) candidateOrigins.add(target);
      return false;
    }
    return true;
  });
  if (next.CacheBehaviors !== undefined && kept.length !== items.length) next.CacheBehaviors.Items = kept;

  // Remove the auth origin only once nothing routes to it any more (another behavior may share it).
  const stillUsed = referencedOriginIds(next);
  const keptOrigins = origins.filter((o) => {
    const drop = o.Id !== undefined && candidateOrigins.has(o.Id) && !stillUsed.has(o.Id);
    if (drop) changes.push(`origins: removed ${o.Id}`);
    return !drop;
  });
  if (next.Origins !== undefined && keptOrigins.length !== origins.length)
    next.Origins = { Quantity: keptOrigins.length, Items: keptOrigins };

  settleCacheBehaviors(next, config);
  return { config: next, changes };
}
