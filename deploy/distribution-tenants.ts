/**
 * Distribution tenants of a multi-tenant distribution, through the CloudFront API: onboarding (`tenant-gate tenants
 * add | list | remove`) and the doctor's live check. With the same care as attach: every change read with its ETag
 * and written with IfMatch, idempotent (adding a tenant that is already as asked changes nothing), every change listed
 * (docs/platform.md#multi-tenant-distributions).
 */
import {
  CreateDistributionTenantCommand,
  DeleteDistributionTenantCommand,
  GetDistributionConfigCommand,
  GetDistributionTenantCommand,
  ListDistributionTenantsCommand,
  UpdateDistributionTenantCommand,
  type CloudFrontClient,
  type DistributionTenant,
  type Parameter,
} from '@aws-sdk/client-cloudfront';
import { TenantGateError } from '../lib/errors';
import { tenantFailure } from '../src/token-rules';
import { isMultiTenant, tenantParameterDefinition } from './multi-tenant';

/** A distribution tenant as tenant-gate reads it. */
export interface TenantRecord {
  readonly id: string;
  readonly name: string;
  readonly distributionId: string;
  readonly domains: readonly string[];
  readonly enabled: boolean;
  readonly status: string | undefined;
  readonly parameters: Readonly<Record<string, string>>;
  readonly etag: string;
}

export interface TenantSpec {
  readonly distributionId: string;
  /** CloudFront's distribution tenant name: unique in the account, never changeable. */
  readonly name: string;
  readonly domains: readonly string[];
  /** The tenant parameter the gate reads and its value (the tenant id). */
  readonly parameter: string;
  readonly tenant: string;
  readonly connectionGroupId?: string | undefined;
  /**
   * The parameter holding the domain the tenant's users sign in on (`distributionTenant.domainParameter`, with a
   * login): the login's origin path carries it (deploy/login-origin-path.ts). Set to the first domain, unless it
   * already names one of the tenant's domains (the operator's choice then stays).
   */
  readonly domainParameter?: string | undefined;
}

export interface TenantChange {
  readonly tenant: TenantRecord | undefined;
  /** One line per change; empty when nothing changed. */
  readonly changes: string[];
}

export type DistributionTenantErrorCode =
  'ERR_TENANT_INVALID' | 'ERR_TENANT_OTHER_DISTRIBUTION' | 'ERR_TENANT_NOT_MULTI_TENANT' | 'ERR_TENANT_CONFLICT';

export class DistributionTenantError extends TenantGateError {
  declare readonly code: DistributionTenantErrorCode;
  constructor(code: DistributionTenantErrorCode, message: string) {
    super(code, message);
    this.name = 'DistributionTenantError';
  }
}

type Client = Pick<CloudFrontClient, 'send'>;

/** CreateDistributionTenant's name pattern (docs/platform.md#multi-tenant-distributions). */
export const TENANT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9-.]{1,126}[a-zA-Z0-9]$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function errorName(error: unknown): string {
  return (error as { name?: string } | undefined)?.name ?? '';
}

function recordOf(tenant: DistributionTenant | undefined, etag: string | undefined): TenantRecord {
  if (tenant?.Id === undefined || etag === undefined)
    throw new Error('CloudFront returned a distribution tenant without its id or ETag');
  const parameters: Record<string, string> = {};
  for (const p of tenant.Parameters ?? [])
    if (p.Name !== undefined && p.Value !== undefined) parameters[p.Name] = p.Value;
  return {
    id: tenant.Id,
    name: tenant.Name ?? '',
    distributionId: tenant.DistributionId ?? '',
    domains: (tenant.Domains ?? []).map((d) => d.Domain ?? '').filter((d) => d !== ''),
    enabled: tenant.Enabled !== false,
    status: tenant.Status,
    parameters,
    etag,
  };
}

/** The distribution tenant named or identified `identifier`, with its ETag; undefined when there is none. */
export async function getTenant(client: Client, identifier: string): Promise<TenantRecord | undefined> {
  try {
    const out = await client.send(new GetDistributionTenantCommand({ Identifier: identifier }));
    return recordOf(out.DistributionTenant, out.ETag);
  } catch (error) {
    if (errorName(error) === 'EntityNotFound') return undefined;
    throw error;
  }
}

/** Every distribution tenant of `distributionId`, with its parameters (the list gives summaries without them). */
export async function listTenants(client: Client, distributionId: string): Promise<TenantRecord[]> {
  const ids: string[] = [];
  let marker: string | undefined;
  do {
    const page = await client.send(
      new ListDistributionTenantsCommand({
        AssociationFilter: { DistributionId: distributionId },
        ...(marker === undefined ? {} : { Marker: marker }),
      }),
    );
    for (const summary of page.DistributionTenantList ?? []) if (summary.Id !== undefined) ids.push(summary.Id);
    marker = page.NextMarker || undefined;
  } while (marker !== undefined);
  const tenants: TenantRecord[] = [];
  for (const id of ids) {
    const tenant = await getTenant(client, id);
    if (tenant !== undefined) tenants.push(tenant);
  }
  return tenants;
}

function checkSpec(spec: TenantSpec, tenantPattern: RegExp): void {
  const invalid = (message: string): never => {
    throw new DistributionTenantError('ERR_TENANT_INVALID', message);
  };
  if (!TENANT_NAME.test(spec.name))
    invalid(`name "${spec.name}": 3 to 128 of [a-zA-Z0-9-.], starting and ending with a letter or digit`);
  if (spec.domains.length === 0)
    invalid('give at least one --domain (CloudFront requires one per distribution tenant)');
  for (const domain of spec.domains) if (!DOMAIN.test(domain)) invalid(`"${domain}" is not a lower-case domain name`);
  if (new Set(spec.domains).size !== spec.domains.length) invalid('a domain is given twice');
  // The value becomes the tenant the gate compares tokens with: it must be a tenant a token can name, by the gate's
  // own rule (the pattern, and a safe path segment whatever the pattern admits).
  if (tenantFailure(spec.tenant, tenantPattern) !== undefined)
    invalid(`tenant "${spec.tenant}" does not match the gate's tenantPattern or is not a safe path segment`);
}

/** The multi-tenant distribution, checked: it declares the parameter the gate reads. */
async function checkDistribution(client: Client, spec: TenantSpec): Promise<void> {
  const out = await client.send(new GetDistributionConfigCommand({ Id: spec.distributionId }));
  const config = out.DistributionConfig;
  if (config === undefined || !isMultiTenant(config))
    throw new DistributionTenantError(
      'ERR_TENANT_NOT_MULTI_TENANT',
      `distribution ${spec.distributionId} is not a multi-tenant distribution (ConnectionMode "tenant-only")`,
    );
  for (const name of [spec.parameter, ...(spec.domainParameter === undefined ? [] : [spec.domainParameter])])
    if (tenantParameterDefinition(config, name) === undefined)
      throw new DistributionTenantError(
        'ERR_TENANT_NOT_MULTI_TENANT',
        `distribution ${spec.distributionId} declares no parameter "${name}": run tenant-gate attach first (it adds the definition)`,
      );
}

function withParameters(
  parameters: Readonly<Record<string, string>>,
  values: Readonly<Record<string, string>>,
): Parameter[] {
  const merged: Record<string, string> = { ...parameters, ...values };
  return Object.entries(merged).map(([Name, Value]) => ({ Name, Value }));
}

/** The parameters tenant-gate sets on `spec`'s tenant: its tenant id and, with a login, its sign-in domain. */
function wantedParameters(spec: TenantSpec, existing: Readonly<Record<string, string>>): Record<string, string> {
  const wanted: Record<string, string> = { [spec.parameter]: spec.tenant };
  if (spec.domainParameter !== undefined) {
    const current = existing[spec.domainParameter];
    wanted[spec.domainParameter] = current !== undefined && spec.domains.includes(current) ? current : spec.domains[0]!;
  }
  return wanted;
}

/**
 * Creates the distribution tenant, or converges an existing one of that name to the domains and tenant asked for
 * (UpdateDistributionTenant with its ETag). Other parameters, customizations and the enabled state stay as they are.
 */
export async function addTenant(client: Client, spec: TenantSpec, tenantPattern: RegExp): Promise<TenantChange> {
  checkSpec(spec, tenantPattern);
  // Someone else may update the tenant between our read and our write (PreconditionFailed): read again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await addOnce(client, spec);
    } catch (error) {
      if (errorName(error) !== 'PreconditionFailed' || attempt === MAX_ATTEMPTS) throw error;
    }
  }
}

const MAX_ATTEMPTS = 3;

async function addOnce(client: Client, spec: TenantSpec): Promise<TenantChange> {
  const existing = await getTenant(client, spec.name);
  if (existing === undefined) {
    await checkDistribution(client, spec);
    const out = await client.send(
      new CreateDistributionTenantCommand({
        DistributionId: spec.distributionId,
        Name: spec.name,
        Domains: spec.domains.map((Domain) => ({ Domain })),
        Parameters: withParameters({}, wantedParameters(spec, {})),
        Enabled: true,
        ...(spec.connectionGroupId === undefined ? {} : { ConnectionGroupId: spec.connectionGroupId }),
      }),
    );
    const created = recordOf(out.DistributionTenant, out.ETag);
    return {
      tenant: created,
      changes: [
        `${spec.name}: created distribution tenant ${created.id} for tenant ${spec.tenant} on ${spec.domains.join(', ')}`,
      ],
    };
  }
  if (existing.distributionId !== spec.distributionId)
    throw new DistributionTenantError(
      'ERR_TENANT_OTHER_DISTRIBUTION',
      `a distribution tenant named ${spec.name} already exists on distribution ${existing.distributionId}, not ${spec.distributionId}`,
    );
  const changes: string[] = [];
  const sameDomains =
    existing.domains.length === spec.domains.length && spec.domains.every((d) => existing.domains.includes(d));
  if (!sameDomains)
    changes.push(`${spec.name}: domains ${existing.domains.join(', ') || '(none)'} → ${spec.domains.join(', ')}`);
  const wanted = wantedParameters(spec, existing.parameters);
  for (const [name, value] of Object.entries(wanted)) {
    const before = existing.parameters[name];
    if (before !== value)
      changes.push(`${spec.name}: parameter ${name} ${before === undefined ? '(none)' : before} → ${value}`);
  }
  if (changes.length === 0) return { tenant: existing, changes };
  await checkDistribution(client, spec);
  const out = await client.send(
    new UpdateDistributionTenantCommand({
      Id: existing.id,
      IfMatch: existing.etag,
      Domains: spec.domains.map((Domain) => ({ Domain })),
      Parameters: withParameters(existing.parameters, wanted),
    }),
  );
  return { tenant: recordOf(out.DistributionTenant, out.ETag), changes };
}

/**
 * Deletes the distribution tenant named `name` of `distributionId`: disabled first when enabled (CloudFront refuses
 * to delete an enabled one), each call with the ETag the previous one returned. No such tenant: nothing to do.
 */
export async function removeTenant(client: Client, distributionId: string, name: string): Promise<TenantChange> {
  const existing = await getTenant(client, name);
  if (existing === undefined) return { tenant: undefined, changes: [] };
  if (existing.distributionId !== distributionId)
    throw new DistributionTenantError(
      'ERR_TENANT_OTHER_DISTRIBUTION',
      `the distribution tenant ${name} belongs to distribution ${existing.distributionId}, not ${distributionId}`,
    );
  const changes: string[] = [];
  let etag = existing.etag;
  if (existing.enabled) {
    const out = await client.send(
      new UpdateDistributionTenantCommand({ Id: existing.id, IfMatch: etag, Enabled: false }),
    );
    etag = recordOf(out.DistributionTenant, out.ETag).etag;
    changes.push(`${name}: disabled (its domains serve nothing from now on)`);
  }
  try {
    await client.send(new DeleteDistributionTenantCommand({ Id: existing.id, IfMatch: etag }));
  } catch (error) {
    if (errorName(error) === 'ResourceNotDisabled' || errorName(error) === 'PreconditionFailed')
      throw new DistributionTenantError(
        'ERR_TENANT_CONFLICT',
        `${changes.length > 0 ? `${name} is disabled, but ` : ''}CloudFront refused to delete it (${errorName(error)}); run the command again once it shows Status Deployed`,
      );
    throw error;
  }
  changes.push(`${name}: deleted distribution tenant ${existing.id} (${existing.domains.join(', ')})`);
  return { tenant: undefined, changes };
}
