/**
 * `tenant-gate tenants add | list | remove`: onboarding on a multi-tenant distribution (CloudFront SaaS Manager) —
 * one distribution tenant per customer, with its domains and the tenant parameter the gate binds tokens to
 * (deploy/distribution-tenants.ts, docs/platform.md#multi-tenant-distributions).
 */
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { DEFAULTS } from '../../config/gate';
import { addTenant, listTenants, removeTenant, type TenantRecord } from '../../deploy/distribution-tenants';
import { UsageError, type CliIO, type Command } from '../command';
import { DISTRIBUTION_ID, gateConfigFrom, parse } from './attach';

const OPTIONS = {
  'distribution-id': { type: 'string' },
  name: { type: 'string' },
  domain: { type: 'string', multiple: true },
  tenant: { type: 'string' },
  parameter: { type: 'string' },
  'connection-group-id': { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const ACTIONS = ['add', 'list', 'remove'] as const;

/** The factory of the CloudFront client; tests replace the SDK's `send` (aws-sdk-client-mock), never reach AWS. */
export const tenantsClient = {
  create: (): CloudFrontClient => new CloudFrontClient({ region: 'us-east-1' }),
};

/**
 * What is wrong with a tenant's domain parameter (the login's sign-in domain), as the doctor's
 * DISTRIBUTION_TENANT_DOMAIN_PARAMETER sees it, or undefined.
 */
function domainProblem(t: TenantRecord, domainParameter: string): string | undefined {
  const value = t.parameters[domainParameter];
  if (value === undefined) return 'missing: the login signs nobody in on its domains';
  return t.domains.includes(value) ? undefined : 'not one of its domains';
}

function describeTenant(t: TenantRecord, parameter: string, domainParameter: string | undefined): string {
  const value = t.parameters[parameter];
  const state = `${t.enabled ? 'enabled' : 'disabled'}${t.status === undefined ? '' : `, ${t.status}`}`;
  const domain =
    domainParameter === undefined
      ? ''
      : `  ${domainParameter}=${t.parameters[domainParameter] ?? ''}${
          domainProblem(t, domainParameter) === undefined ? '' : ` (${domainProblem(t, domainParameter)})`
        }`;
  return `${t.name}  ${t.id}  ${parameter}=${value ?? '(missing: the gate answers 503 on its domains)'}${domain}  ${t.domains.join(', ')}  (${state})`;
}

export const command: Command = {
  name: 'tenants',
  summary: 'onboard customers on a multi-tenant distribution: distribution tenants with their domains and tenant',
  usage: `usage: tenant-gate tenants ACTION --distribution-id ID [options]

  add --name N --domain D [--domain D2 …] [--tenant T]   creates the distribution tenant N on its domains, with the
                                                         tenant parameter = T (default N); an existing N is brought
                                                         to those domains and that tenant (nothing to do: no change)
  list [--json]                                          every distribution tenant of the distribution, its tenant
                                                         parameter (and, with a login, its domain parameter) and
                                                         domains; exit 1 when one lacks or misstates them
  remove --name N                                        disables N (CloudFront deletes only disabled tenants), then
                                                         deletes it; no such tenant: nothing to do

  --distribution-id ID          the multi-tenant distribution (ConnectionMode "tenant-only")
  --parameter P                 the tenant parameter (default: --config's distributionTenant.parameter, else "tenant")
  --connection-group-id G       add: the connection group (default: CloudFront's default one)
  --config FILE                 gate config (default ./gatekeeper.config.json): the parameter and the tenantPattern
                                a tenant must match
Every change is read with its ETag and written with IfMatch; every change is listed.`,

  async run(argv: string[], io: CliIO): Promise<number> {
    const action = argv[0];
    if (action === undefined || !(ACTIONS as readonly string[]).includes(action))
      throw new UsageError(`the first argument must be one of ${ACTIONS.join(', ')}`);
    const v = parse(argv.slice(1), OPTIONS);
    const distributionId = v['distribution-id'];
    if (distributionId === undefined || !DISTRIBUTION_ID.test(distributionId))
      throw new UsageError('--distribution-id must be a CloudFront distribution id');
    const gate = gateConfigFrom(v.config, io);
    const parameter = v.parameter ?? gate?.distributionTenant?.parameter ?? 'tenant';
    // With a login, each distribution tenant also names the domain its users sign in on (docs/deploy.md, section 9).
    const domainParameter = gate?.login === undefined ? undefined : gate.distributionTenant?.domainParameter;
    const client = tenantsClient.create();

    if (action === 'list') {
      const tenants = await listTenants(client, distributionId);
      if (v.json === true)
        io.out(
          `${JSON.stringify(
            tenants.map(({ etag: _etag, ...t }) => t),
            null,
            2,
          )}\n`,
        );
      else if (tenants.length === 0) io.out(`distribution ${distributionId} has no distribution tenants`);
      else io.out(tenants.map((t) => describeTenant(t, parameter, domainParameter)).join('\n'));
      return tenants.some(
        (t) =>
          t.parameters[parameter] === undefined ||
          (domainParameter !== undefined && domainProblem(t, domainParameter) !== undefined),
      )
        ? 1
        : 0;
    }

    const name = v.name;
    if (name === undefined) throw new UsageError(`${action} needs --name`);
    const result =
      action === 'add'
        ? await addTenant(
            client,
            {
              distributionId,
              name,
              domains: v.domain ?? [],
              parameter,
              tenant: v.tenant ?? name,
              connectionGroupId: v['connection-group-id'],
              // With a login, the login's origin path carries the sign-in domain (the login per domain).
              domainParameter,
            },
            new RegExp(gate?.tenantPattern ?? DEFAULTS.tenantPattern),
          )
        : await removeTenant(client, distributionId, name);
    io.out(
      result.changes.length === 0
        ? `${name}: nothing to do (${action === 'add' ? 'already as asked' : 'no such distribution tenant'})`
        : result.changes.join('\n'),
    );
    return 0;
  },
};
