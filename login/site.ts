/**
 * The login on a multi-tenant distribution (CloudFront SaaS Manager): which distribution tenant's domain the viewer
 * signed in on. Attach sets the login origin's `OriginPath` to `/{{tenant}}/{{domain}}` (config/distribution-tenant.ts
 * `loginOriginPath`); CloudFront fills the placeholders with the called distribution tenant's parameters and puts
 * that path before the viewer's, so the login receives `/<tenant>/<domain>/auth/session`.
 *
 * Why the login may trust those two segments: the function URL answers only requests CloudFront signed for it
 * (origin access control, `AuthType: AWS_IAM`), and the origin path is distribution configuration a viewer cannot
 * choose — a viewer's own `/acme/x/auth/session` arrives as `/<tenant>/<domain>/acme/x/auth/session`, which routes
 * nowhere (docs/platform.md#multi-tenant-distributions, docs/platform.md#origin-access-control-and-function-urls).
 *
 * Outside that mode (no `distributionTenant` in the gate config) the path is routed as it comes.
 */
import type { GateConfig } from '../config/gate';
import { DOMAIN_NAME } from '../config/domain-name';
import { tenantFailure } from '../src/token-rules';
import { LoginError } from './errors';

/** The distribution tenant the viewer called: its tenant id and the domain its users sign in on. */
export interface Site {
  readonly tenant: string;
  readonly domain: string;
}

export interface SitePath {
  /** Undefined on a standard distribution. */
  readonly site: Site | undefined;
  /** The viewer's path, e.g. `/auth/session`. */
  readonly path: string;
}

/** Whether the login runs in multi-tenant mode: the one fact is the gate config's `distributionTenant` section. */
export function multiTenantLogin(config: Pick<GateConfig, 'distributionTenant'>): boolean {
  return config.distributionTenant !== undefined;
}

const SITE_PATH = /^\/([^/]+)\/([^/]+)(\/[\s\S]*)$/;

/**
 * Splits the origin path CloudFront put in front. Fail closed: a path without both segments, a tenant the gate
 * would not accept (tenantPattern and a safe path segment, as src/token.ts checks a token's) or a domain that is no
 * lower-case host name is refused with 404 `site_unknown` — a login that cannot tell whose domain was called must
 * not sign anyone in.
 */
export function sitePath(config: Pick<GateConfig, 'distributionTenant' | 'tenantPattern'>, path: string): SitePath {
  if (!multiTenantLogin(config)) return { site: undefined, path };
  const match = SITE_PATH.exec(path);
  if (match === null) throw new LoginError('site_unknown', 'no /<tenant>/<domain> origin path');
  const tenant = match[1]!;
  const domain = match[2]!;
  if (tenantFailure(tenant, new RegExp(config.tenantPattern)) !== undefined)
    throw new LoginError('site_unknown', 'origin path tenant does not match tenantPattern');
  if (!DOMAIN_NAME.test(domain)) throw new LoginError('site_unknown', 'origin path domain is not a host name');
  return { site: { tenant, domain }, path: match[3]! };
}

/**
 * A credential of another tenant than the domain's: refused with the gate's code for the same rule
 * (src/distribution-tenant.ts), 403 — a sign-in, a session read or a link on acme's domain is acme's only.
 */
export function checkSiteTenant(site: Site | undefined, tenant: string): void {
  if (site !== undefined && site.tenant !== tenant) throw new LoginError('tenant_domain_mismatch', 'other tenant');
}
