/**
 * Every refusal of the login origin, and the one table that maps it to HTTP.
 *
 * Like the gate (src/errors.ts), the client sees a stable `code` in `{"error": code}` and nothing else; the
 * `reason` (which rule, which field) is kept for logs and tests, and never holds a token.
 */

import { TenantGateError } from '../lib/errors';

export type LoginErrorCode =
  /** No identity token in the configured header, or not `Bearer <token>`. */
  | 'missing_identity'
  /** The identity token failed verification (signature, issuer, audience, expiry …). */
  | 'invalid_identity'
  /** The identity token is valid but its tenant claim is missing or not a tenant id the gate accepts. */
  | 'tenant_invalid'
  /** The identity provider's keys could not be fetched and no usable cached ones remain: not the caller's fault. */
  | 'identity_unavailable'
  /** No session cookie, several, or an empty one. */
  | 'missing_session'
  /** The session cookie is not a valid tenant token (the same rules as the edge gate). */
  | 'invalid_session'
  /** The request names another tenant than its session's. */
  | 'tenant_mismatch'
  | 'malformed_request'
  | 'unsupported_media_type'
  /** A link path the gate itself would refuse (dot segments, bad escapes …) or a CloudFront wildcard. */
  | 'invalid_path'
  /** A link path outside the gate's pathPrefix. */
  | 'path_not_allowed'
  /** A link path the session's scopes do not open (scopes in the configuration; src/scopes.ts, as at the edge). */
  | 'scope_denied'
  | 'too_many_paths'
  /** `expiresIn` missing, not a positive integer, or over the configured maximum. */
  | 'invalid_expiry'
  /** IP binding asked for but impossible: an IPv6 caller (CloudFront policies are IPv4-only), or binding disabled. */
  | 'ip_binding_unavailable'
  /** An IP binding the configuration requires (bindIp: always) could not be made. */
  | 'ip_binding_required'
  | 'origin_not_allowed'
  /**
   * Multi-tenant distribution: the path lacks the `/<tenant>/<domain>` the login origin's OriginPath puts first, or
   * holds no valid tenant or domain (login/site.ts). Fail closed: whose domain was called is unknown.
   */
  | 'site_unknown'
  /** Multi-tenant distribution: an identity or session of another tenant than the domain's (the gate's code). */
  | 'tenant_domain_mismatch'
  | 'not_found'
  | 'method_not_allowed'
  /**
   * The revocation entries could not be read or written (the KeyValueStore did not answer, an entry is
   * malformed, or none is configured): nothing was revoked, and no session is judged without them.
   */
  | 'revocation_unavailable'
  /** The secret store (SSM, Secrets Manager) did not answer in time and no last good key is at hand: retry. */
  | 'secrets_unavailable'
  /** Keys could not be loaded or a configured source is unusable; details in the logs only. */
  | 'internal_error';

export const LOGIN_ERROR_STATUS: { readonly [code in LoginErrorCode]: number } = {
  missing_identity: 401,
  invalid_identity: 401,
  tenant_invalid: 403,
  identity_unavailable: 503,
  missing_session: 401,
  invalid_session: 401,
  tenant_mismatch: 403,
  malformed_request: 400,
  unsupported_media_type: 415,
  invalid_path: 400,
  path_not_allowed: 400,
  scope_denied: 403,
  too_many_paths: 400,
  invalid_expiry: 400,
  ip_binding_unavailable: 400,
  ip_binding_required: 400,
  origin_not_allowed: 403,
  site_unknown: 404,
  tenant_domain_mismatch: 403,
  not_found: 404,
  method_not_allowed: 405,
  revocation_unavailable: 503,
  secrets_unavailable: 503,
  internal_error: 500,
};

/** The one error type of the login core. Thrown inside, turned into `{"error": code}` at the edge of the core. */
export class LoginError extends TenantGateError {
  override name = 'LoginError';
  readonly status: number;
  constructor(
    /** The refusal code the client reads (`{"error": code}`), not an `ERR_` code: see lib/errors.ts. */
    override readonly code: LoginErrorCode,
    /** For logs and tests. Never a token or a cookie value. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${code}: ${reason}`, options);
    this.status = LOGIN_ERROR_STATUS[code];
  }
}
