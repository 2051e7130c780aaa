/**
 * Every refusal the gate can answer with, and the one table that maps it to HTTP.
 *
 * The core never throws for a refusal: it returns a `Refusal` value (a code the client sees, plus a
 * `reason` kept for logs and tests). Written without classes so the same source compiles for the
 * CloudFront Functions runtime, which is an ES5.1-plus dialect.
 */

/** The codes a client sees in the JSON body. Stable: changing one is a breaking change. */
export type RefusalCode =
  | 'missing_credentials'
  | 'invalid_token'
  | 'duplicate_credentials'
  | 'invalid_query'
  | 'invalid_path'
  | 'path_not_allowed'
  | 'method_not_allowed'
  | 'origin_not_allowed'
  | 'link_path_mismatch'
  | 'link_ip_mismatch'
  | 'tenant_disabled'
  | 'malformed_request';

/**
 * Why a token was refused. Kept inside (logs, tests, `tenant-gate verify`); outside every one of them is
 * the same 401 `invalid_token`, so a prober learns nothing about which rule it tripped.
 */
export type TokenFailure =
  | 'token_too_long'
  | 'token_malformed'
  | 'header_malformed'
  | 'typ_mismatch'
  | 'alg_none'
  | 'alg_mismatch'
  | 'kid_missing'
  | 'kid_unknown'
  | 'embedded_key'
  | 'crit_unsupported'
  | 'signature_invalid'
  | 'payload_malformed'
  | 'iss_mismatch'
  | 'aud_mismatch'
  | 'exp_missing'
  | 'exp_invalid'
  | 'expired'
  | 'iat_missing'
  | 'iat_invalid'
  | 'iat_in_future'
  | 'nbf_invalid'
  | 'not_yet_valid'
  | 'lifetime_exceeded'
  | 'tenant_missing'
  | 'tenant_invalid'
  | 'link_path_missing'
  | 'link_ip_invalid';

export interface Refusal {
  code: RefusalCode;
  /** A machine-readable detail for logs: a TokenFailure, or a short phrase. Never contains the token. */
  reason: string;
}

interface CodeInfo {
  status: number;
  message: string;
}

/** The one table from code to HTTP status and the sentence a client sees. */
export const REFUSALS: { [code in RefusalCode]: CodeInfo } = {
  missing_credentials: { status: 401, message: 'Sign in to see this file.' },
  invalid_token: { status: 401, message: 'The credential is invalid or expired; sign in again.' },
  duplicate_credentials: { status: 400, message: 'The request carries the credential cookie more than once.' },
  invalid_query: { status: 400, message: 'The link token parameter is repeated or empty.' },
  invalid_path: { status: 400, message: 'The path is not a valid file path.' },
  path_not_allowed: { status: 403, message: 'This path is not served through the gate.' },
  method_not_allowed: { status: 405, message: 'Only GET and HEAD are allowed.' },
  origin_not_allowed: { status: 403, message: 'This origin may not make cross-origin requests.' },
  link_path_mismatch: { status: 403, message: 'This link is for another file.' },
  link_ip_mismatch: { status: 403, message: 'This link is bound to another network address.' },
  tenant_disabled: { status: 403, message: 'This account is disabled.' },
  malformed_request: { status: 400, message: 'The request could not be read.' },
};

export function refusal(code: RefusalCode, reason: string): Refusal {
  return { code: code, reason: reason };
}
