/**
 * Multi-tenant distributions (CloudFront SaaS Manager) as attach and the doctor see them: the same DistributionConfig
 * shape, with `ConnectionMode: "tenant-only"` and `TenantConfig.ParameterDefinitions`, and without what lives on the
 * connection group or is not supported there (docs/platform.md#multi-tenant-distributions).
 */
import type { DistributionConfig, ParameterDefinition } from '@aws-sdk/client-cloudfront';

/** Whether `config` is a multi-tenant distribution's: its connection mode says so, or it declares tenant parameters. */
export function isMultiTenant(config: DistributionConfig): boolean {
  return config.ConnectionMode === 'tenant-only' || config.TenantConfig !== undefined;
}

export function parameterDefinitionsOf(config: DistributionConfig): readonly ParameterDefinition[] {
  return config.TenantConfig?.ParameterDefinitions ?? [];
}

export function tenantParameterDefinition(config: DistributionConfig, name: string): ParameterDefinition | undefined {
  return parameterDefinitionsOf(config).find((d) => d.Name === name);
}

/**
 * The definition attach adds: a required string without a default. Required, so that CloudFront refuses to create a
 * distribution tenant without its tenant id; no default, since a default would bind every tenant that gives none to
 * that one tenant's files.
 */
export function requiredTenantParameter(name: string, holds: ParameterHolds = 'tenant'): ParameterDefinition {
  return { Name: name, Definition: { StringSchema: { Required: true, Comment: PARAMETER_COMMENTS[holds] } } };
}

/** What a parameter attach declares holds: the tenant id, or the domain the tenant's users sign in on. */
export type ParameterHolds = 'tenant' | 'domain';

const PARAMETER_COMMENTS: Record<ParameterHolds, string> = {
  tenant: 'tenant-gate: the tenant id whose files this tenant’s domains serve',
  domain: 'tenant-gate: the domain this tenant’s users sign in on (the login’s cookies and CloudFront policy)',
};

/** Adds the tenant parameter's definition to `config` (mutated) when it has none; an existing one is left as it is. */
export function ensureTenantParameter(
  config: DistributionConfig,
  name: string,
  changes: string[],
  holds: ParameterHolds = 'tenant',
): void {
  if (tenantParameterDefinition(config, name) !== undefined) return;
  const definitions = [...parameterDefinitionsOf(config), requiredTenantParameter(name, holds)];
  config.TenantConfig = { ...config.TenantConfig, ParameterDefinitions: definitions };
  changes.push(
    `TenantConfig.ParameterDefinitions: added "${name}" (string, required): ` +
      (holds === 'tenant'
        ? 'the tenant id of each distribution tenant'
        : 'the sign-in domain of each distribution tenant'),
  );
}

/** Fields a multi-tenant distribution may not carry (AWS refuses the update), with where they live instead. */
export function unsupportedOnMultiTenant(config: DistributionConfig): string[] {
  const found: string[] = [];
  if ((config.Aliases?.Quantity ?? 0) > 0) found.push('Aliases (domains belong to distribution tenants)');
  if (config.IsIPV6Enabled !== undefined) found.push('IsIPV6Enabled (set on the connection group)');
  if (config.PriceClass !== undefined) found.push('PriceClass (set on the connection group)');
  if (config.ContinuousDeploymentPolicyId) found.push('ContinuousDeploymentPolicyId');
  const behaviors = [
    ...(config.DefaultCacheBehavior ? [['default behavior', config.DefaultCacheBehavior] as const] : []),
    ...(config.CacheBehaviors?.Items ?? []).map((b) => [`behavior ${b.PathPattern ?? '?'}`, b] as const),
  ];
  for (const [label, b] of behaviors) {
    // "You can't specify this field for multi-tenant distributions": not even disabled.
    if (b.TrustedSigners !== undefined) found.push(`${label}: TrustedSigners (trusted key groups only)`);
    if (b.ForwardedValues !== undefined) found.push(`${label}: ForwardedValues (cache policies only)`);
  }
  return found;
}

/**
 * The behavior attach writes for the login carries `TrustedSigners: { Enabled: false }` on a standard distribution;
 * a multi-tenant distribution may not specify the field at all (docs/platform.md#multi-tenant-distributions).
 */
export function dropTrustedSigners(config: DistributionConfig, pathPattern: string, changes: string[]): void {
  const behavior = config.CacheBehaviors?.Items?.find((b) => b.PathPattern === pathPattern);
  if (behavior?.TrustedSigners === undefined) return;
  delete behavior.TrustedSigners;
  changes.push(`${pathPattern}: removed TrustedSigners (a multi-tenant distribution uses trusted key groups only)`);
}
