/**
 * `local.distributionTenants`: the distribution tenants of a multi-tenant distribution served by `npm start`, each on
 * its own host names (Host-header routing, as CloudFront routes a connection group's domains to their tenants):
 *
 *   "distributionTenants": [
 *     { "name": "acme", "domains": ["acme.localhost"], "parameters": { "tenant": "acme" } },
 *     { "name": "globex", "domains": ["globex.localhost"], "parameters": { "tenant": "globex" } }
 *   ]
 *
 * Browsers resolve every `*.localhost` name to the loopback address, so no hosts file is needed.
 */
import { z } from 'zod';
import { DOMAIN_NAME as HOST } from './distribution-tenant';
import { matching, strictObject, text } from './fields';

export const distributionTenantsSchema = z
  .array(
    strictObject(
      {
        name: text().describe('The distribution tenant name (unique).'),
        domains: z
          .array(matching(HOST, 'must be a lower-case host name, e.g. "acme.localhost"'), {
            error: 'must be an array of host names',
          })
          .min(1, 'must name at least one domain (CloudFront requires one per distribution tenant)'),
        parameters: z
          .record(z.string(), z.string(), { error: 'must map parameter names to string values' })
          .default(() => ({})),
      },
      '{ "name": string, "domains": [host, …], "parameters": { name: value } }',
    ),
    { error: 'must be an array of distribution tenants' },
  )
  .superRefine((tenants, ctx) => {
    const names = new Set<string>();
    const domains = new Set<string>();
    tenants.forEach((tenant, i) => {
      if (names.has(tenant.name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate name "${tenant.name}"` });
      names.add(tenant.name);
      tenant.domains.forEach((domain, j) => {
        // CloudFront: a domain belongs to one distribution tenant (CNAMEAlreadyExists otherwise).
        if (domains.has(domain))
          ctx.addIssue({ code: 'custom', path: [i, 'domains', j], message: `"${domain}" is already another tenant's` });
        domains.add(domain);
      });
    });
  })
  .default(() => [])
  .describe(
    'A multi-tenant distribution: its distribution tenants, each on its own host names (none: a standard one).',
  );

export type LocalDistributionTenant = z.output<typeof distributionTenantsSchema>[number];
