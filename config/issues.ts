/**
 * How a configuration is refused: every problem at once, each naming its field path (`keys[1].kid`,
 * `login.identity.jwksUrl`), with "did you mean" for a misspelt field.
 */
import type { z } from 'zod';
import { TenantGateError } from '../lib/errors';

export interface ConfigIssue {
  /** The field, as written in the configuration: `keys[0].secret`; `(root)` for the whole file. */
  path: string;
  message: string;
}

/** A configuration that does not pass its schema. `issues` lists every problem; `field` is the first one's. */
export class ConfigError extends TenantGateError {
  override name = 'ConfigError';
  readonly field: string;
  constructor(
    readonly issues: readonly ConfigIssue[],
    /** The file (or other source) the configuration came from, named at the head of the message. */
    readonly source?: string,
  ) {
    const lines = issues.map((issue) => `${issue.path}: ${issue.message}`);
    super(
      'ERR_CONFIG_INVALID',
      source === undefined
        ? lines.join('\n')
        : `invalid configuration ${source} (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n  ${lines.join('\n  ')}`,
    );
    this.field = issues[0]?.path ?? '(root)';
  }

  /** The same issues, said of `source`. */
  from(source: string): ConfigError {
    return new ConfigError(this.issues, source);
  }
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text === '' ? '(root)' : text;
}

/** Edit distance with transpositions (optimal string alignment), for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known field closest to a misspelt one: another case, a typo or two, or a shortened name. */
export function closestField(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const other = candidate.toLowerCase();
    const d = other === lower ? 0 : lower.length >= 4 && other.includes(lower) ? 1 : distance(lower, other);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(1, Math.floor(unknown.length / 3)) ? best : undefined;
}

export function unknownFieldMessage(field: string, known: readonly string[]): string {
  const suggestion = closestField(field, known);
  return suggestion === undefined
    ? `unknown field (allowed: ${known.join(', ')})`
    : `unknown field, did you mean \`${suggestion}\`?`;
}

/**
 * zod reports all unknown members of one object in one issue; config/fields.ts's `strictObject` writes that
 * issue's message as a JSON array of one message per member, split here into one issue per field.
 */
function unknownMembers(issue: z.core.$ZodIssueUnrecognizedKeys): ConfigIssue[] {
  let messages: unknown;
  try {
    messages = JSON.parse(issue.message);
  } catch {
    messages = undefined;
  }
  return issue.keys.map((key, i) => ({
    path: fieldPath([...issue.path, key]),
    message: Array.isArray(messages) && typeof messages[i] === 'string' ? messages[i] : 'unknown field',
  }));
}

/** Every issue of a failed parse, one per field and message, in the order zod found them. */
export function configIssues(error: z.ZodError): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const issue of error.issues) {
    const found =
      issue.code === 'unrecognized_keys'
        ? unknownMembers(issue)
        : [{ path: fieldPath(issue.path), message: issue.message }];
    for (const one of found) {
      const key = `${one.path}\n${one.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        issues.push(one);
      }
    }
  }
  return issues;
}
