/**
 * The login origin's `OriginPath`, as attach converges it and the doctor checks it.
 *
 * On a multi-tenant distribution it is `/{{tenant}}/{{domain}}` (config/distribution-tenant.ts `loginOriginPath`):
 * CloudFront fills parameters into an origin's domain or path — a custom origin such as the login's function URL as
 * well as an S3 one (docs/platform.md#multi-tenant-distributions) — so the login learns from the path which
 * distribution tenant's domain was called (login/site.ts). Both parameters are declared required without a default:
 * a distribution tenant without them cannot be created, and a default would sign every such tenant's users in as
 * one tenant. On a standard distribution the login origin has no origin path (the login routes `/auth/…`).
 */
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import { loginOriginPath } from '../config/distribution-tenant';
import { ensureTenantParameter } from './multi-tenant';

export interface LoginSiteParameters {
  /** The tenant id's parameter (`distributionTenant.parameter`). */
  readonly parameter: string;
  /** The sign-in domain's parameter (`distributionTenant.domainParameter`). */
  readonly domainParameter: string;
}

/** The origin path the login origin must have: `''` on a standard distribution. */
export function desiredLoginOriginPath(site: LoginSiteParameters | undefined): string {
  return site === undefined ? '' : loginOriginPath(site);
}

/**
 * Sets the login origin's `OriginPath` (mutating `config`) to what the mode asks for, and on a multi-tenant
 * distribution declares the domain parameter beside the tenant's. Every change is listed.
 */
export function convergeLoginOriginPath(
  config: DistributionConfig,
  originId: string,
  site: LoginSiteParameters | undefined,
  changes: string[],
): void {
  const origin = config.Origins?.Items?.find((o) => o.Id === originId);
  if (origin === undefined) return;
  const desired = desiredLoginOriginPath(site);
  const before = origin.OriginPath ?? '';
  if (before !== desired) {
    origin.OriginPath = desired;
    changes.push(
      `origins: ${originId} OriginPath ${before === '' ? '(none)' : before} → ${desired === '' ? '(none)' : desired}` +
        (site === undefined ? '' : ': the login learns the distribution tenant called'),
    );
  }
  if (site !== undefined) ensureTenantParameter(config, site.domainParameter, changes, 'domain');
}
