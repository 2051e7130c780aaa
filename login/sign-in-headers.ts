/**
 * The headers a Node client (a test, a script, a server-side app) sends to `POST /auth/session` behind CloudFront:
 * the identity token in its own header — origin access control signs with, and so overwrites, `Authorization` —
 * and `x-amz-content-sha256`, the hex SHA-256 of the body (of the empty body when there is none): a function URL
 * behind origin access control refuses a POST without it (docs/platform.md#origin-access-control-and-function-urls).
 * The login itself never checks the hash; Lambda does, before the function runs.
 *
 * A browser computes the same hash with `crypto.subtle.digest('SHA-256', …)`: see docs/spa.md, "Signing in with fetch".
 */
import { createHash } from 'node:crypto';
import { LOGIN_DEFAULTS } from '../config/login';

export function contentSha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

export function signInHeaders(
  identityToken: string,
  body = '',
  tokenHeader: string = LOGIN_DEFAULTS.tokenHeader,
): Record<string, string> {
  const headers: Record<string, string> = {
    // A dedicated header carries the bare token; only `authorization` (no origin access control) wants `Bearer`.
    [tokenHeader]: tokenHeader === 'authorization' ? `Bearer ${identityToken}` : identityToken,
    'x-amz-content-sha256': contentSha256(body),
  };
  if (body !== '') headers['content-type'] = 'application/json';
  return headers;
}
