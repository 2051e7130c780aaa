/**
 * Multi-tenant distributions (CloudFront SaaS Manager): what breaks the binding of a credential to the distribution
 * tenant whose domain was called, or the distribution itself (docs/platform.md#multi-tenant-distributions). The gate's
 * own presence on every gated behavior is GATE_MISSING's, on either kind of distribution.
 */
import { edgeAssociationsOf, isOurs } from '../../attach';
import { isMultiTenant, tenantParameterDefinition, unsupportedOnMultiTenant } from '../../multi-tenant';
import { defineRule, type Report } from '../rule';

export const multiTenantUnsupported = defineRule({
  code: 'MULTI_TENANT_UNSUPPORTED_FIELD',
  severity: 'error',
  summary:
    'a multi-tenant distribution carries no field it does not support (TrustedSigners, Aliases, IsIPV6Enabled …)',
  why: 'CloudFront refuses every update of a multi-tenant distribution that specifies one of them, so the next attach or deploy fails; TrustedSigners in particular cannot protect anything there: only trusted key groups can.',
  fix: 'Remove the field: domains go to distribution tenants, IPv6 and price class to the connection group, trusted signers become a trusted key group.',
  check(context) {
    if (!isMultiTenant(context.config)) return [];
    return unsupportedOnMultiTenant(context.config).map((field) => ({ what: `the distribution specifies ${field}` }));
  },
});

export const tenantBindingOff = defineRule({
  code: 'TENANT_BINDING_OFF',
  severity: 'warning',
  summary: 'on a multi-tenant distribution the gate binds credentials to the distribution tenant (distributionTenant)',
  why: "Without it the gate ignores which tenant's domain was called: acme's token on globex's domain still opens acme's files there. The rewrite keeps tenants' files apart, but a token stolen or leaked on one customer's domain works on every other, and the login's cookies stop being per customer.",
  fix: 'Set distributionTenant: { "parameter": "tenant" } in the gate config, deploy the CloudFront Function and re-attach (attach declares the parameter).',
  check(context) {
    if (!isMultiTenant(context.config) || context.expectations.distributionTenant !== undefined) return [];
    return [{ what: 'the distribution is multi-tenant and the gate config has no distributionTenant' }];
  },
});

export const tenantModeOnStandard = defineRule({
  code: 'TENANT_MODE_ON_STANDARD',
  severity: 'error',
  summary: 'a gate configured for distribution tenants sits on a multi-tenant distribution',
  why: 'On a standard distribution the CloudFront Function cannot read a distribution tenant, so the gate refuses every request (503 distribution_tenant_unavailable).',
  fix: 'Attach this gate to the multi-tenant distribution, or remove distributionTenant from the gate config for a standard one.',
  check(context) {
    if (context.expectations.distributionTenant === undefined || isMultiTenant(context.config)) return [];
    return [
      {
        what: 'the gate config has distributionTenant, and this distribution is standard (no ConnectionMode "tenant-only")',
      },
    ];
  },
});

export const tenantModeNeedsCloudFrontFunction = defineRule({
  code: 'TENANT_MODE_LAMBDA_EDGE',
  severity: 'error',
  summary: 'a gate configured for distribution tenants is the CloudFront Function',
  why: 'The Lambda@Edge event does not name the distribution tenant: a Lambda@Edge gate built with distributionTenant refuses every request (503).',
  fix: 'Deploy the CloudFront Function gate (custom.tenantGate.gate: cloudfront-function) and re-attach.',
  check(context) {
    if (context.expectations.distributionTenant === undefined) return [];
    const reports: Report[] = [];
    for (const { label, behavior } of context.gated) {
      const ours = edgeAssociationsOf(behavior).find((a) => isOurs(a.arn, context.marker) && a.kind === 'lambda-edge');
      if (ours !== undefined) reports.push({ what: `${label} runs the Lambda@Edge gate ${ours.arn}` });
    }
    return reports;
  },
});

export const tenantParameterUndeclared = defineRule({
  code: 'TENANT_PARAMETER_UNDECLARED',
  severity: 'error',
  summary:
    'the tenant parameter the gate reads is declared in TenantConfig.ParameterDefinitions, required, without a default',
  why: "Undeclared, no distribution tenant can hold it and the gate answers 503 on every domain. With a default value, every distribution tenant created without its own value is bound to that one tenant: its domains open that tenant's files to that tenant's tokens. Not required, CloudFront accepts a distribution tenant without a tenant id.",
  fix: 'Re-attach (tenant-gate attach declares it required, without a default), or edit the definition: Required true, no DefaultValue.',
  check(context) {
    const mode = context.expectations.distributionTenant;
    if (mode === undefined || !isMultiTenant(context.config)) return [];
    const definition = tenantParameterDefinition(context.config, mode.parameter);
    if (definition === undefined) return [{ what: `TenantConfig declares no parameter "${mode.parameter}"` }];
    const schema = definition.Definition?.StringSchema;
    const reports: Report[] = [];
    if (schema?.DefaultValue !== undefined && schema.DefaultValue !== '')
      reports.push({ what: `parameter "${mode.parameter}" has the default value "${schema.DefaultValue}"` });
    if (schema?.Required !== true)
      reports.push({ what: `parameter "${mode.parameter}" is not required`, severity: 'warning' });
    return reports;
  },
});

export const distributionTenantWithoutParameter = defineRule({
  code: 'DISTRIBUTION_TENANT_WITHOUT_PARAMETER',
  severity: 'error',
  summary: 'every distribution tenant has a value for the tenant parameter, and no two share one (read live)',
  why: "A distribution tenant without its tenant id serves nothing: the gate answers 503 on its domains. Two distribution tenants with the same value serve one tenant's files on both customers' domains.",
  fix: 'tenant-gate tenants add --name <name> --domain <domain> --tenant <tenant> sets it; give each customer its own tenant id.',
  check(context) {
    const mode = context.expectations.distributionTenant;
    const tenants = context.expectations.distributionTenants;
    if (mode === undefined || tenants === undefined) return [];
    const reports: Report[] = [];
    const owner = new Map<string, string>();
    for (const t of tenants) {
      const value = t.parameters[mode.parameter];
      if (value === undefined || value === '') {
        reports.push({ what: `distribution tenant ${t.name} (${t.domains.join(', ')}) has no ${mode.parameter}` });
        continue;
      }
      const first = owner.get(value);
      if (first !== undefined)
        reports.push({
          what: `distribution tenants ${first} and ${t.name} both have ${mode.parameter}=${value}`,
          severity: 'warning',
        });
      else owner.set(value, t.name);
    }
    return reports;
  },
});

export const originPathParameter = defineRule({
  code: 'ORIGIN_PATH_PARAMETER',
  severity: 'error',
  summary: "the files origin's OriginPath agrees with distributionTenant.originPath",
  why: 'With originPath "parameter" the gate forwards the viewer uri unchanged: an OriginPath without {{<parameter>}} serves every tenant the same objects. With "rewrite", an OriginPath with it prefixes the tenant twice.',
  fix: 'originPath "parameter": set the files origin\'s OriginPath to /tenants/{{tenant}}; "rewrite": leave the parameter out of it.',
  check(context) {
    const mode = context.expectations.distributionTenant;
    if (mode === undefined) return [];
    const placeholder = `{{${mode.parameter}}}`;
    const reports: Report[] = [];
    for (const origin of new Set(context.gatedOrigins)) {
      const path = origin.OriginPath ?? '';
      const has = path.includes(placeholder);
      if (mode.originPath === 'parameter' && !has)
        reports.push({
          what: `origin ${origin.Id ?? origin.DomainName} has OriginPath "${path}", without ${placeholder}`,
        });
      if (mode.originPath === 'rewrite' && has)
        reports.push({
          what: `origin ${origin.Id ?? origin.DomainName} has OriginPath "${path}" and the gate rewrites under originPrefix too`,
          severity: 'warning',
        });
    }
    return reports;
  },
});
