/** Derives the token rules from a validated configuration: one place, shared by every runtime. */
import type { GateConfig } from './config';
import type { TokenRules } from './token';

export function tokenRules(config: GateConfig): TokenRules {
  return {
    issuer: config.issuer,
    audience: config.audience,
    tenantClaim: config.tenantClaim,
    tenantPattern: new RegExp(config.tenantPattern),
    clockToleranceSeconds: config.clockToleranceSeconds,
    maxTokenLength: config.maxTokenLength,
    maxTokenLifetimeSeconds: config.maxTokenLifetimeSeconds,
    maxLinkLifetimeSeconds: config.maxLinkLifetimeSeconds,
  };
}
