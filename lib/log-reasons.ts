/**
 * The CloudFront Function's log lines made readable: it logs `refused <code> <reason>` with a token failure or a
 * path problem as its index (src/errors.ts, LOGGED_BY_INDEX); this puts the name beside the number. The local
 * distribution prints its function's lines through it; docs/reference.md#reading-the-cloudfront-functions-log
 * has the same table for CloudWatch.
 */
import { LOGGED_BY_INDEX, type RefusalCode } from '../src/errors';

const REFUSED = /^refused ([a-z_]+) (\d+)$/;

export function readableGateLog(line: string): string {
  const match = REFUSED.exec(line);
  if (match === null) return line;
  const name = LOGGED_BY_INDEX[match[1] as RefusalCode]?.[Number(match[2])];
  return name === undefined ? line : `${line} (${name})`;
}
