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

/**
 * Refused before anything else is judged when the parameter could not be read: on a standard distribution (where
 * the runtime throws) and for a distribution tenant created without it. Fail closed: without it the gate cannot
 * tell which tenant's domain was called.
 */
export function distributionTenantUnreadable(siteTenant: unknown): Refusal | undefined {
  return typeof siteTenant !== 'string' || siteTenant === ''
    ? refusal('distribution_tenant_unavailable', 'unreadable')
    : undefined;
}

/**
 * A verified credential of another tenant than the one whose domain was called. A parameter that is no valid
 * tenant equals no verified tenant (each matched `tenantPattern`), so it refuses every credential.
 */
export function tenantDomainMismatch(siteTenant: unknown, tenant: string): Refusal | undefined {
  return siteTenant === tenant ? undefined : refusal('tenant_domain_mismatch', 'other tenant');
}

/**
 * Whether the uri goes to the origin as the viewer sent it (`originPath: "parameter"`): the origin's `OriginPath`
 * (`/tenants/{{tenant}}`) then names the tenant's folder — the same object as the rewrite's, because the parameter
 * has just been found equal to the verified tenant. Otherwise it is rewritten under `originPrefix`. Read from the
 * configuration by the sources and tools only: a build folds its switch (`__TG_ORIGIN_PATH_BY_PARAMETER__`).
 */
export function originPathByParameter(config: Pick<GateConfig, 'distributionTenant'>): boolean {
  return config.distributionTenant !== undefined && config.distributionTenant.originPath === 'parameter';
}
