/**
 * A doctor rule, modelled on ESLint's rule modules: what it is about (code, severity, summary, why, fix) beside
 * the check that finds it. Each rule is testable alone (`rule.check(createContext(config, expectations))`), and
 * the list of finding codes is derived from the table of rules (rules/index.ts), never written twice.
 */
import type { DoctorContext } from './context';

/**
 * `error`: isolation can break, or the gate/login cannot work; the CLI exits non-zero. `warning`: weakens the
 * setup or costs a lot (cache hit ratio), worth fixing. `info`: could not check, or worth knowing.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding<Code extends string = string> {
  readonly severity: Severity;
  readonly code: Code;
  readonly what: string;
  readonly why: string;
  readonly fix: string;
}

/** What a check reports: the `what`, and where a case needs it its own severity, why or fix. */
export interface Report {
  readonly what: string;
  readonly severity?: Severity | undefined;
  readonly why?: string | undefined;
  readonly fix?: string | undefined;
}

export interface DoctorRule<Code extends string = string> {
  readonly code: Code;
  /** The usual severity; a report may differ (e.g. an unprotected bucket is an error only when it holds files). */
  readonly severity: Severity;
  /** What the rule checks, one line (the doctor's --help and docs/deploy.md list them). */
  readonly summary: string;
  readonly why: string;
  readonly fix: string;
  check(context: DoctorContext): Report[];
}

/** Keeps the code's literal type, so the table of rules yields the union of finding codes. */
export function defineRule<const Code extends string>(rule: DoctorRule<Code>): DoctorRule<Code> {
  return rule;
}

export function findingsOf<Code extends string>(rule: DoctorRule<Code>, context: DoctorContext): Finding<Code>[] {
  return rule.check(context).map((r) => ({
    severity: r.severity ?? rule.severity,
    code: rule.code,
    what: r.what,
    why: r.why ?? rule.why,
    fix: r.fix ?? rule.fix,
  }));
}
