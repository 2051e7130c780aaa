/**
 * The CloudFront Function's log lines made readable: it logs `refused <code> <reason>` with a token failure or a
 * path problem as its index (src/errors.ts, LOGGED_BY_INDEX); this puts the name beside the number. The local
 * distribution prints its function's lines through it; docs/reference.md#reading-the-cloudfront-functions-log
 * has the same table for CloudWatch.
 */
import { LOGGED_BY_INDEX, PATH_PROBLEMS, TOKEN_FAILURES, type RefusalCode } from '../src/errors';

const REFUSED = /^refused ([a-z_]+) (\d+)$/;

export function readableGateLog(line: string): string {
  const match = REFUSED.exec(line);
  if (match === null) return line;
  const name = LOGGED_BY_INDEX[match[1] as RefusalCode]?.[Number(match[2])];
  return name === undefined ? line : `${line} (${name})`;
}

export const LOG_REASONS_FILE = 'docs/reference.md';
const START = '<!-- log-reasons:start (npm run generate) -->';
const END = '<!-- log-reasons:end -->';

function table(heading: string, names: readonly string[]): string {
  return [`| n | ${heading} |`, '|---|---|', ...names.map((name, i) => `| ${i} | \`${name}\` |`)].join('\n');
}

/** `page` with the two tables of numbered reasons (between the log-reasons markers) written from src/errors.ts. */
export function withLogReasonTables(page: string): string {
  const start = page.indexOf(START);
  const end = page.indexOf(END);
  if (start === -1 || end < start) throw new Error(`${LOG_REASONS_FILE} has no ${START} … ${END} markers`);
  const tables = [
    'After `invalid_token`:',
    table('token failure', TOKEN_FAILURES),
    'After `invalid_path`:',
    table('path problem', PATH_PROBLEMS),
  ].join('\n\n');
  return `${page.slice(0, start + START.length)}\n\n${tables}\n\n${page.slice(end)}`;
}
