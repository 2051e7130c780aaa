/**
 * The gate on a multi-tenant distribution (CloudFront SaaS Manager): a credential opens files only on the domains
 * of its own tenant. The CloudFront Function reads the called distribution tenant's parameter
 * (`cf.distributionTenant.parameters.get`, docs/platform.md#multi-tenant-distributions) into
 * `GateRequest.siteTenant`; the decision compares it with the verified tenant before any rewrite.
 *
 * Only compiled into a build whose configuration has `distributionTenant` (the `__TG_DISTRIBUTION_TENANT__` switch
 * in src/decision.ts).
 */
import type { GateConfig } from '../config/gate';
import { refusal, type Refusal } from './errors';
import { originUri } from './tenant-path';

type DistributionTenantConfig = NonNullable<GateConfig['distributionTenant']>;

/**
 * Refused before anything else is judged when the parameter could not be read: on a standard distribution (where
 * the runtime throws) and for a distribution tenant created without it. Fail closed: without it the gate cannot
 * tell which tenant's domain was called.
 */
export function distributionTenantUnreadable(siteTenant: string | undefined): Refusal | undefined {
  return typeof siteTenant !== 'string' || siteTenant === ''
    ? refusal('distribution_tenant_unavailable', 'unreadable')
    : undefined;
}

/**
 * A verified credential of another tenant than the one whose domain was called. A parameter that is no valid
 * tenant equals no verified tenant (each matched `tenantPattern`), so it refuses every credential.
 */
export function tenantDomainMismatch(siteTenant: string | undefined, tenant: string): Refusal | undefined {
  return siteTenant === tenant ? undefined : refusal('tenant_domain_mismatch', 'other tenant');
}

/**
 * The uri forwarded to the origin. `rewrite`: under `originPrefix`, as on a standard distribution. `parameter`: the
 * viewer uri as it is, the origin's `OriginPath` (`/tenants/{{tenant}}`) naming the tenant's folder — the same
 * object, because the parameter has just been found equal to the verified tenant.
 */
export function distributionTenantUri(
  mode: DistributionTenantConfig,
  originPrefix: string,
  tenant: string,
  uri: string,
): string {
  return mode.originPath === 'parameter' ? uri : originUri(originPrefix, tenant, uri);
}
