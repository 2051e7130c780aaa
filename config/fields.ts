/**
 * The building blocks of the three configuration schemas (gate, login, local), each with the message the
 * build prints. Every object is strict: an unknown member is an error with "did you mean".
 */
import { z } from 'zod';
import { unknownFieldMessage } from './issues';

/** A plain path segment of a configured path: no dot segment (it cannot start with "."), no separator, no escape. */
export const SEGMENT = '[A-Za-z0-9_~-][A-Za-z0-9._~-]*';

const shown = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** A strict object; its unknown members are reported one by one (see configIssues in config/issues.ts). */
export function strictObject<S extends z.ZodRawShape>(shape: S, what = 'an object') {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        return JSON.stringify(issue.keys.map((key) => unknownFieldMessage(key, known)));
      }
      return issue.input === undefined ? `required, ${what}` : `must be ${what}`;
    },
  });
}

/** A non-empty string. */
export function text() {
  return z
    .string({
      error: (issue) => (issue.input === undefined ? 'required, a non-empty string' : 'must be a non-empty string'),
    })
    .min(1, 'must be a non-empty string');
}

/** An integer in [min, max]; the message says the range and what was given. */
export function integer(min: number, max: number) {
  const range = `an integer from ${min} to ${max}`;
  const error = (issue: { input?: unknown }) =>
    issue.input === undefined ? `required, ${range}` : `must be ${range}, got ${shown(issue.input)}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

/** One of a few strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const list = values.map((value) => shown(value)).join(', ');
  return z.enum(values, {
    error: (issue) =>
      issue.input === undefined ? `required, one of ${list}` : `must be one of ${list}, got ${shown(issue.input)}`,
  });
}

export function bool() {
  return z.boolean({ error: 'must be true or false' });
}

/**
 * A string matching `pattern` (which is also the JSON Schema's `pattern`), else `message`; when absent,
 * "required" and `what` it should be (`message` itself when it is a plain string).
 */
export function matching(pattern: RegExp, message: string | ((value: unknown) => string), what?: string) {
  const required = what ?? (typeof message === 'string' ? message : undefined);
  const error = (issue: { input?: unknown }) =>
    issue.input === undefined
      ? `required${required === undefined ? '' : `, ${required}`}`
      : typeof message === 'string'
        ? message
        : message(issue.input);
  return z.string({ error }).regex(pattern, { error });
}

export { shown };
