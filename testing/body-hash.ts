/** `x-amz-content-sha256`: the hex SHA-256 of a request body (docs/platform.md#origin-access-control-and-function-urls). */
import { createHash } from 'node:crypto';

export function sha256HexNode(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}
