/**
 * The login per domain on a multi-tenant distribution (issue 16, item 4): the login origin's OriginPath names the
 * distribution tenant called (`/{{tenant}}/{{domain}}`, deploy/login-origin-path.ts), and each distribution tenant's
 * domain parameter is one of its own domains (docs/platform.md#multi-tenant-distributions).
 */
import { DEFAULT_DOMAIN_PARAMETER } from '../../../config/distribution-tenant';
import { desiredLoginOriginPath } from '../../login-origin-path';
import { isMultiTenant, tenantParameterDefinition } from '../../multi-tenant';
import { defineRule, type Report } from '../rule';
import type { DoctorContext } from '../context';

function siteOf(context: DoctorContext) {
  const mode = context.expectations.distributionTenant;
  if (mode === undefined || !isMultiTenant(context.config)) return undefined;
  return { parameter: mode.parameter, domainParameter: mode.domainParameter ?? DEFAULT_DOMAIN_PARAMETER };
}

export const loginOriginPathMissing = defineRule({
  code: 'LOGIN_ORIGIN_PATH_MISSING',
  severity: 'error',
  summary:
    "on a multi-tenant distribution the login origin's OriginPath is /{{tenant}}/{{domain}}, and both parameters are declared",
  why: "The login learns which distribution tenant's domain was called only from that path: without it every sign-in is refused (404 site_unknown); with another one it cannot bind the session, the cookies and the CloudFront policy to the right tenant's domain.",
  fix: 'Re-attach (tenant-gate attach sets the OriginPath and declares the domain parameter, required, without a default).',
  check(context) {
    const site = siteOf(context);
    if (site === undefined || context.auth === undefined) return [];
    const desired = desiredLoginOriginPath(site);
    const reports: Report[] = [];
    for (const origin of context.originsOf(context.auth.behavior)) {
      const path = origin.OriginPath ?? '';
      if (path !== desired)
        reports.push({
          what: `login origin ${origin.Id ?? origin.DomainName} has OriginPath "${path}", not "${desired}"`,
        });
    }
    const definition = tenantParameterDefinition(context.config, site.domainParameter);
    const schema = definition?.Definition?.StringSchema;
    if (definition === undefined)
      reports.push({ what: `TenantConfig declares no parameter "${site.domainParameter}"` });
    else if (schema?.DefaultValue !== undefined && schema.DefaultValue !== '')
      reports.push({ what: `parameter "${site.domainParameter}" has the default value "${schema.DefaultValue}"` });
    return reports;
  },
});

export const distributionTenantDomainParameter = defineRule({
  code: 'DISTRIBUTION_TENANT_DOMAIN_PARAMETER',
  severity: 'error',
  summary: "each distribution tenant's domain parameter is one of its own domains (read live)",
  why: "The login takes the sign-in domain from that parameter: the own Origin, the CloudFront cookies' Resource and the links name it. Missing, CloudFront serves no login on the tenant; another domain, browser sign-ins on the tenant's domains are refused and its CloudFront cookies name a domain that is not the tenant's.",
  fix: 'tenant-gate tenants add --name <name> --domain <domain> --tenant <tenant> sets it to the first domain.',
  check(context) {
    const site = siteOf(context);
    const tenants = context.expectations.distributionTenants;
    if (site === undefined || tenants === undefined || context.auth === undefined) return [];
    const reports: Report[] = [];
    for (const t of tenants) {
      const value = t.parameters[site.domainParameter];
      if (value === undefined || !t.domains.includes(value))
        reports.push({
          what: `distribution tenant ${t.name} has ${site.domainParameter}=${value ?? '(none)'}, not one of ${t.domains.join(', ')}`,
        });
    }
    return reports;
  },
});
