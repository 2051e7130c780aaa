/**
 * A stateful fake of CloudFront's distribution-tenant API behind the real SDK client (aws-sdk-client-mock), keeping
 * the documented rules (docs/platform.md#multi-tenant-distributions):
 *
 * - CreateDistributionTenant: the distribution must be multi-tenant; the name matches CloudFront's pattern and is
 *   unique (EntityAlreadyExists); at least one domain; a domain of another tenant is CNAMEAlreadyExists; a required
 *   parameter without value or default is InvalidArgument.
 * - GetDistributionTenant by id or name (EntityNotFound), with an ETag; Update and Delete need IfMatch (a stale one
 *   is PreconditionFailed, none InvalidIfMatchVersion); Delete refuses an enabled tenant (ResourceNotDisabled).
 * - ListDistributionTenants filtered by AssociationFilter.DistributionId, paged by Marker (two a page, so paging is
 *   exercised), summaries without parameters.
 */
import {
  CloudFrontClient,
  CreateDistributionTenantCommand,
  DeleteDistributionTenantCommand,
  GetDistributionConfigCommand,
  GetDistributionTenantCommand,
  ListDistributionTenantsCommand,
  UpdateDistributionTenantCommand,
  type DistributionConfig,
  type DistributionTenant,
} from '@aws-sdk/client-cloudfront';
import { mockClient } from 'aws-sdk-client-mock';
import { isMultiTenant } from '../../deploy/multi-tenant';
import { TENANT_NAME } from '../../deploy/distribution-tenants';
import { ACCOUNT, awsError } from './aws';

const PAGE = 2;

interface Stored {
  tenant: DistributionTenant;
  etag: number;
}

export class FakeDistributionTenants {
  readonly mock = mockClient(CloudFrontClient);
  readonly distributions = new Map<string, DistributionConfig>();
  readonly tenants = new Map<string, Stored>();
  /** Every call by command name, in order. */
  readonly calls: string[] = [];
  #next = 1;

  constructor() {
    this.mock.on(GetDistributionConfigCommand).callsFake((input: { Id?: string }) => {
      this.calls.push('GetDistributionConfig');
      const config = this.distributions.get(input.Id ?? '');
      if (config === undefined) throw awsError('NoSuchDistribution', 'The specified distribution does not exist.', 404);
      return { DistributionConfig: structuredClone(config), ETag: 'E1' };
    });
    this.mock.on(GetDistributionTenantCommand).callsFake((input: { Identifier?: string }) => {
      this.calls.push('GetDistributionTenant');
      const stored = this.#find(input.Identifier ?? '');
      return { DistributionTenant: structuredClone(stored.tenant), ETag: `ET${stored.etag}` };
    });
    this.mock
      .on(ListDistributionTenantsCommand)
      .callsFake((input: { AssociationFilter?: { DistributionId?: string }; Marker?: string }) => {
        this.calls.push('ListDistributionTenants');
        const all = [...this.tenants.values()].filter(
          (s) =>
            input.AssociationFilter?.DistributionId === undefined ||
            s.tenant.DistributionId === input.AssociationFilter.DistributionId,
        );
        const start = input.Marker === undefined ? 0 : Number(input.Marker);
        const page = all.slice(start, start + PAGE).map((s) => {
          const { Parameters: _parameters, Tags: _tags, ...summary } = s.tenant;
          return { ...structuredClone(summary), ETag: `ET${s.etag}` };
        });
        return {
          DistributionTenantList: page,
          ...(start + PAGE < all.length ? { NextMarker: String(start + PAGE) } : {}),
        };
      });
    this.mock.on(CreateDistributionTenantCommand).callsFake((input) => {
      this.calls.push('CreateDistributionTenant');
      const config = this.distributions.get(input.DistributionId ?? '');
      if (config === undefined) throw awsError('EntityNotFound', 'The distribution does not exist.', 404);
      if (!isMultiTenant(config))
        throw awsError('InvalidArgument', 'The distribution is not a multi-tenant distribution.');
      if (!TENANT_NAME.test(input.Name ?? '')) throw awsError('InvalidArgument', 'Invalid name.');
      if ([...this.tenants.values()].some((s) => s.tenant.Name === input.Name))
        throw awsError('EntityAlreadyExists', 'A distribution tenant with this name already exists.', 409);
      const domains = (input.Domains ?? []).map((d: { Domain?: string }) => d.Domain ?? '');
      if (domains.length === 0) throw awsError('InvalidArgument', 'You must specify at least one domain.');
      this.#checkDomains(domains, undefined);
      const parameters = input.Parameters ?? [];
      for (const definition of config.TenantConfig?.ParameterDefinitions ?? []) {
        const schema = definition.Definition?.StringSchema;
        if (
          schema?.Required &&
          schema.DefaultValue === undefined &&
          !parameters.some((p: { Name?: string }) => p.Name === definition.Name)
        )
          throw awsError('InvalidArgument', `The required parameter ${definition.Name} has no value.`);
      }
      const id = `dt_${String(this.#next++).padStart(27, '0')}`;
      const tenant: DistributionTenant = {
        Id: id,
        Arn: `arn:aws:cloudfront::${ACCOUNT}:distribution-tenant/${id}`,
        DistributionId: input.DistributionId,
        Name: input.Name,
        Domains: domains.map((Domain: string) => ({ Domain, Status: 'active' })),
        Parameters: structuredClone(parameters),
        Enabled: input.Enabled ?? true,
        Status: 'InProgress',
        ...(input.ConnectionGroupId === undefined ? {} : { ConnectionGroupId: input.ConnectionGroupId }),
      };
      this.tenants.set(id, { tenant, etag: 1 });
      return { DistributionTenant: structuredClone(tenant), ETag: 'ET1' };
    });
    this.mock.on(UpdateDistributionTenantCommand).callsFake((input) => {
      this.calls.push('UpdateDistributionTenant');
      const stored = this.#find(input.Id ?? '');
      this.#ifMatch(stored, input.IfMatch);
      const tenant = stored.tenant;
      if (input.Domains !== undefined) {
        const domains = input.Domains.map((d: { Domain?: string }) => d.Domain ?? '');
        if (domains.length === 0) throw awsError('InvalidArgument', 'You must specify at least one domain.');
        this.#checkDomains(domains, tenant.Id);
        tenant.Domains = domains.map((Domain: string) => ({ Domain, Status: 'active' }));
      }
      if (input.Parameters !== undefined) tenant.Parameters = structuredClone(input.Parameters);
      if (input.Enabled !== undefined) tenant.Enabled = input.Enabled;
      stored.etag += 1;
      return { DistributionTenant: structuredClone(tenant), ETag: `ET${stored.etag}` };
    });
    this.mock.on(DeleteDistributionTenantCommand).callsFake((input) => {
      this.calls.push('DeleteDistributionTenant');
      const stored = this.#find(input.Id ?? '');
      this.#ifMatch(stored, input.IfMatch);
      if (stored.tenant.Enabled !== false)
        throw awsError(
          'ResourceNotDisabled',
          'The distribution tenant must be disabled before it can be deleted.',
          409,
        );
      this.tenants.delete(stored.tenant.Id!);
      return {};
    });
  }

  restore(): void {
    this.mock.restore();
  }

  #find(identifier: string): Stored {
    const stored =
      this.tenants.get(identifier) ??
      [...this.tenants.values()].find((s) => s.tenant.Name === identifier || s.tenant.Arn === identifier);
    if (stored === undefined) throw awsError('EntityNotFound', 'The distribution tenant does not exist.', 404);
    return stored;
  }

  #ifMatch(stored: Stored, ifMatch: string | undefined): void {
    if (ifMatch === undefined) throw awsError('InvalidIfMatchVersion', 'The If-Match version is missing or not valid.');
    if (ifMatch !== `ET${stored.etag}`)
      throw awsError(
        'PreconditionFailed',
        'The precondition given in one or more of the request header fields evaluated to false.',
        412,
      );
  }

  #checkDomains(domains: string[], self: string | undefined): void {
    for (const s of this.tenants.values()) {
      if (s.tenant.Id === self) continue;
      const taken = (s.tenant.Domains ?? []).find((d) => domains.includes(d.Domain ?? ''));
      if (taken !== undefined)
        throw awsError('CNAMEAlreadyExists', `${taken.Domain} is already associated with another resource.`, 409);
    }
  }
}
