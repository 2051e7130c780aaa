/**
 * A CloudFront `DistributionConfig` (what `aws cloudfront get-distribution-config` returns, what `tenant-gate
 * attach` writes) turned into the local distribution's behaviors: the one model of behaviors, origins and
 * policies that attach, the doctor and the emulator share (lib/distribution/*).
 *
 * What the config names by id or ARN is bound to something local (`LocalBindings`): origins to folders or
 * endpoints, edge functions to the built bundles, key groups to public keys, policies to their configs. A policy
 * that cannot be resolved refuses to start with a message naming it (what reaches the cache key and the origin is
 * not guessed); an unmapped origin answers 502 with a note saying how to map it, and a function other than the
 * gate is left out with a note, so the rest of the distribution can still be tried.
 */
import { fillOriginPath } from './origin-path';
import type {
  CacheBehavior,
  DefaultCacheBehavior,
  DistributionConfig,
  Origin as ConfigOrigin,
} from '@aws-sdk/client-cloudfront';
import { behaviorsInMatchOrder } from '../lib/distribution/path-pattern';
import { TenantGateError } from '../lib/errors';
import type { PolicyCatalog } from '../lib/distribution/policies';
import { cachePolicyFrom, legacyCachePolicy } from './cache';
import { customErrorResponsesFrom, type CustomErrorResponse } from './custom-error-responses';
import type { Behavior } from './distribution';
import type { EdgeFunction } from './edge-function';
import { xmlError } from './http-message';
import type { Origin } from './origin';
import type { OriginAccessControl } from './origin-access-control';
import {
  legacyOriginRequestPolicy,
  NO_ORIGIN_REQUEST_POLICY,
  originRequestPolicyFrom,
  type OriginRequestPolicy,
} from './origin-request-policy';
import { responseHeadersPolicyFrom } from './response-headers-policy';
import type { TrustedKeyGroup } from './signed-requests';

export class LocalDistributionError extends TenantGateError {
  override name = 'LocalDistributionError';
  constructor(message: string) {
    super('ERR_LOCAL_DISTRIBUTION_UNSUPPORTED', message);
  }
}

export type EdgeFunctionKind = 'lambda-edge' | 'cloudfront-function';

export interface LocalBindings {
  /** The local stand-in for the config's origin `id`; undefined when it is not mapped. */
  origin(id: string, origin: ConfigOrigin): Origin | undefined;
  /** The built function for an association's ARN; undefined when there is none. */
  edgeFunction(arn: string, kind: EdgeFunctionKind): EdgeFunction | undefined;
  /** The public keys of key group `id`; undefined when unknown locally. */
  keyGroup(id: string): TrustedKeyGroup | undefined;
  /** An origin access control by id; undefined when unknown locally. */
  originAccessControl(id: string): OriginAccessControl | undefined;
  policies: PolicyCatalog;
  note(message: string): void;
  /** The distribution tenant's parameters, filled into `{{name}}` placeholders of origin paths (multi-tenant). */
  parameters?: Readonly<Record<string, string>> | undefined;
}

export interface LocalDistributionModel {
  behaviors: Behavior[];
  defaultRootObject: string | undefined;
  customErrorResponses: Map<number, CustomErrorResponse>;
  /** Origin ids no local origin stands in for (they answer 502). */
  unmappedOrigins: string[];
}

/** What the stack's origin access control does (serverless.yml `TenantGateLoginOriginAccessControl`). */
export const STACK_SIGNING_BEHAVIOR = 'always';

/** The answer of an origin nobody mapped: 502, and the way to map it. */
export function unmappedOrigin(id: string, note: (message: string) => void): Origin {
  const how = `npm start -- --origins '${id}=./folder' (or ${id}=http://127.0.0.1:PORT)`;
  return {
    description: `unmapped origin ${id}`,
    async fetch(request) {
      note(`origin "${id}" is not mapped to anything local, ${request.method} ${request.uri} answers 502: ${how}`);
      return xmlError(502, 'OriginNotMapped', `Origin "${id}" is not mapped locally: ${how}.`);
    },
  };
}

function label(pattern: string): string {
  return pattern === '*' ? 'default behavior (*)' : `behavior ${pattern}`;
}

function policiesOf(
  behavior: CacheBehavior | DefaultCacheBehavior,
  at: string,
  catalog: PolicyCatalog,
): Pick<Behavior, 'cachePolicy' | 'responseHeadersPolicy'> & { originRequestPolicy: OriginRequestPolicy } {
  const unknown = (kind: string, id: string) =>
    new LocalDistributionError(
      `${at}: ${kind} policy ${id} is neither a managed policy the emulator knows nor in --policies FILE ` +
        `(aws cloudfront get-${kind}-policy-config --id ${id})`,
    );
  let out: Pick<Behavior, 'cachePolicy'> & { originRequestPolicy: OriginRequestPolicy };
  if (behavior.CachePolicyId !== undefined && behavior.CachePolicyId !== '') {
    const cache = catalog.cache[behavior.CachePolicyId];
    if (cache === undefined) throw unknown('cache', behavior.CachePolicyId);
    let originRequestPolicy = NO_ORIGIN_REQUEST_POLICY;
    const orpId = behavior.OriginRequestPolicyId;
    if (orpId !== undefined && orpId !== '') {
      const orp = catalog.originRequest[orpId];
      if (orp === undefined) throw unknown('origin-request', orpId);
      originRequestPolicy = originRequestPolicyFrom(orp);
    }
    out = { cachePolicy: cachePolicyFrom(cache), originRequestPolicy };
  } else if (behavior.ForwardedValues !== undefined) {
    out = { cachePolicy: legacyCachePolicy(behavior), originRequestPolicy: legacyOriginRequestPolicy(behavior) };
  } else {
    throw new LocalDistributionError(`${at}: neither CachePolicyId nor legacy ForwardedValues`);
  }
  const rhpId = behavior.ResponseHeadersPolicyId;
  if (rhpId === undefined || rhpId === '') return out;
  const rhp = catalog.responseHeaders[rhpId];
  if (rhp === undefined) throw unknown('response-headers', rhpId);
  return { ...out, responseHeadersPolicy: responseHeadersPolicyFrom(rhp) };
}

/**
 * The behavior's edge functions. Only the gate is built locally: another function (an SPA rewrite, security
 * headers) cannot run here, so it is left out with a note naming it — the one place the local distribution knowingly
 * differs from the config, said at start.
 */
function functionsOf(
  behavior: CacheBehavior | DefaultCacheBehavior,
  at: string,
  bindings: LocalBindings,
): Pick<Behavior, 'viewerRequest' | 'originRequest'> {
  const out: Pick<Behavior, 'viewerRequest' | 'originRequest'> = {};
  const associations = [
    ...(behavior.LambdaFunctionAssociations?.Items ?? []).map((a) => ({
      kind: 'lambda-edge' as const,
      arn: a.LambdaFunctionARN ?? '',
      event: a.EventType ?? '',
    })),
    ...(behavior.FunctionAssociations?.Items ?? []).map((a) => ({
      kind: 'cloudfront-function' as const,
      arn: a.FunctionARN ?? '',
      event: a.EventType ?? '',
    })),
  ];
  for (const a of associations) {
    const name = `${a.kind === 'lambda-edge' ? 'Lambda@Edge function' : 'CloudFront Function'} ${a.arn} on ${a.event}`;
    const fn = bindings.edgeFunction(a.arn, a.kind);
    if (fn === undefined) {
      bindings.note(`${at}: ${name} is not run locally (only the gate is built here)`);
      continue;
    }
    if (a.event === 'viewer-request') out.viewerRequest = fn;
    else if (a.event === 'origin-request' && a.kind === 'lambda-edge') out.originRequest = fn;
    else throw new LocalDistributionError(`${at}: ${name} is not emulated`);
  }
  return out;
}

export function localDistributionFrom(config: DistributionConfig, bindings: LocalBindings): LocalDistributionModel {
  const origins = config.Origins?.Items ?? [];
  const groups = new Set((config.OriginGroups?.Items ?? []).map((g) => g.Id));
  const bound = new Map<string, Origin>();
  const unmappedOrigins: string[] = [];
  const originFor = (id: string, at: string): { origin: Origin; config: ConfigOrigin } => {
    if (groups.has(id)) throw new LocalDistributionError(`${at}: origin group ${id} (failover) is not emulated`);
    const found = origins.find((o) => o.Id === id);
    if (found === undefined) throw new LocalDistributionError(`${at}: TargetOriginId ${id} names no origin`);
    let origin = bound.get(id);
    if (origin === undefined) {
      origin = bindings.origin(id, found);
      if (origin === undefined) {
        unmappedOrigins.push(id);
        bindings.note(`origin "${id}" (${found.DomainName ?? '?'}) is not mapped: its behaviors answer 502`);
        origin = unmappedOrigin(id, bindings.note);
      }
      bound.set(id, origin);
    }
    return { origin, config: found };
  };

  const behaviors: Behavior[] = behaviorsInMatchOrder(config).map(({ pathPattern, behavior }) => {
    const at = label(pathPattern);
    const target = originFor(behavior.TargetOriginId ?? '', at);
    const keyGroupIds = behavior.TrustedKeyGroups?.Enabled === true ? (behavior.TrustedKeyGroups.Items ?? []) : [];
    if (behavior.TrustedSigners?.Enabled === true)
      throw new LocalDistributionError(
        `${at}: trusted signers (CloudFront key pairs of the root user) are not emulated`,
      );
    let trustedKeyGroup: TrustedKeyGroup | undefined;
    if (keyGroupIds.length > 0) {
      const publicKeys: TrustedKeyGroup['publicKeys'] = {};
      for (const id of keyGroupIds) {
        const group = bindings.keyGroup(id);
        if (group === undefined)
          bindings.note(`${at}: trusted key group ${id} has no local public keys; signatures by its keys are refused`);
        Object.assign(publicKeys, group?.publicKeys ?? {});
      }
      trustedKeyGroup = { publicKeys };
    }
    const oacId = target.config.OriginAccessControlId ?? '';
    let originAccessControl: OriginAccessControl | undefined;
    if (oacId !== '') {
      originAccessControl = bindings.originAccessControl(oacId);
      if (originAccessControl === undefined) {
        originAccessControl = { id: oacId, signingBehavior: STACK_SIGNING_BEHAVIOR };
        // A bucket stand-in does not check signatures; a function URL origin does, so say what is assumed.
        if (target.config.S3OriginConfig === undefined)
          bindings.note(
            `origin access control ${oacId} is unknown locally: signing "${STACK_SIGNING_BEHAVIOR}", as the stack's`,
          );
      }
    }
    const policies = policiesOf(behavior, at, bindings.policies);
    for (const part of policies.responseHeadersPolicy?.notEmulated ?? [])
      bindings.note(`${at}: response headers policy ${policies.responseHeadersPolicy!.name}: ${part} is not emulated`);
    const readTimeout =
      target.config.CustomOriginConfig?.OriginReadTimeout ?? target.config.S3OriginConfig?.OriginReadTimeout;
    let originPath: string;
    try {
      originPath = fillOriginPath(target.config.OriginPath ?? '', bindings.parameters ?? {});
    } catch (error) {
      throw new LocalDistributionError(`${at}: origin ${target.config.Id ?? '?'}: ${(error as Error).message}`);
    }
    return {
      pathPattern,
      origin: target.origin,
      originId: target.config.Id ?? '',
      originDomainName: target.config.DomainName ?? '',
      allowedMethods: behavior.AllowedMethods?.Items ?? ['GET', 'HEAD'],
      ...policies,
      ...(trustedKeyGroup === undefined ? {} : { trustedKeyGroup }),
      ...(originAccessControl === undefined ? {} : { originAccessControl }),
      ...(readTimeout === undefined ? {} : { originReadTimeoutSeconds: readTimeout }),
      ...(originPath === '' ? {} : { originPath }),
      ...functionsOf(behavior, at, bindings),
    };
  });
  const root = config.DefaultRootObject;
  return {
    behaviors,
    defaultRootObject: root === undefined || root === '' ? undefined : root,
    customErrorResponses: customErrorResponsesFrom(config),
    unmappedOrigins,
  };
}
