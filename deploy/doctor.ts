/**
 * `tenant-gate doctor`: read a distribution's config and say what breaks tenant isolation (or the login), why, and
 * how to fix it. Pure: the CLI fetches the config (and, optionally, the custom cache / origin request policies the
 * behaviors reference) and passes them in.
 *
 * The checks are a table of rules (deploy/doctor/rules/index.ts), each with its code, severity, summary, why, fix
 * and check, testable alone; `diagnose` runs them in order. Severity: `error` = isolation can break, or the
 * gate/login cannot work (the CLI exits non-zero); `warning` = weakens the setup or costs a lot; `info` = could not
 * check, or worth knowing.
 */
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import type { GateConfig } from '../config/gate';
import { createContext, type CloudFrontOnlyIpBinding, type DoctorExpectations } from './doctor/context';
import { findingsOf, type Finding as RuleFinding, type Severity } from './doctor/rule';
import { RULES } from './doctor/rules/index';

export {
  createContext,
  type CloudFrontOnlyIpBinding,
  type DoctorContext,
  type DoctorExpectations,
} from './doctor/context';
export { MANAGED_CACHE_POLICIES, MANAGED_ORIGIN_REQUEST_POLICIES } from '../lib/distribution/managed-policies';
export { keepsBrowserCachePrivate } from './doctor/rules/behaviors';
export type { DoctorRule, Severity } from './doctor/rule';
export { RULES };

export type FindingCode = (typeof RULES)[number]['code'];
/** Every finding code, from the table of rules. */
export const FINDING_CODES: readonly FindingCode[] = RULES.map((r) => r.code);
export type Finding = RuleFinding<FindingCode>;

export function diagnose(config: DistributionConfig, expectations: DoctorExpectations): Finding[] {
  const context = createContext(config, expectations);
  const findings: Finding[] = [];
  for (const rule of RULES) findings.push(...findingsOf<FindingCode>(rule, context));
  return findings;
}

/**
 * Which viewer-IP binding of the configuration rests on CloudFront's signed-policy `IpAddress` alone: the
 * sessions, when the login binds them (`login.bindIp` optional or always) through signed cookies. Link tokens are
 * bound by their `cip` claim, which the gate checks itself, for IPv4 and IPv6 alike; their signed-URL IpAddress
 * (IPv4 viewers only) is a second check, not the only one.
 */
export function ipBindingOf(config: GateConfig | undefined): CloudFrontOnlyIpBinding {
  const login = config?.login;
  if (login === undefined || login.bindIp === 'never') return false;
  return login.cloudfront?.signedCookies === true ? login.bindIp : false;
}

/** Whether the login binds to the address in `CloudFront-Viewer-Address` (links by `cip`, sessions by cookies). */
export function loginBindsViewerAddressOf(config: GateConfig | undefined): boolean {
  const login = config?.login;
  return login !== undefined && login.bindIp !== 'never' && login.viewerIpSource === 'cloudfront-viewer-address';
}

/** Whether the login writes revocations (sign out everywhere): revocation on either target, with a login. */
export function loginRevokesOf(config: GateConfig | undefined): boolean {
  return config?.login !== undefined && (config.cloudfrontFunction.revocation || config.lambdaEdge.revocation === true);
}

// ---------------------------------------------------------------------------------------------------------------
// CLI helpers
// ---------------------------------------------------------------------------------------------------------------

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function formatFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No findings: the distribution matches what the tenant gate needs.\n';
  const sorted = [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  const lines: string[] = [];
  for (const f of sorted) {
    lines.push(`${f.severity.toUpperCase().padEnd(7)} ${f.code}: ${f.what}`);
    lines.push(`        why: ${f.why}`);
    lines.push(`        fix: ${f.fix}`);
    lines.push('');
  }
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(`${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info`);
  return `${lines.join('\n')}\n`;
}

/** Process exit code for `tenant-gate doctor`: 1 when any finding is an error. */
export function exitCodeFor(findings: readonly Finding[]): 0 | 1 {
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}
