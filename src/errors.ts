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
  | 'grant_path_mismatch'
  | 'grant_ip_mismatch'
  | 'tenant_disabled'
  | 'malformed_request'
  | 'store_unavailable'
  | 'scope_denied'
  | 'tenant_domain_mismatch'
  | 'distribution_tenant_unavailable'
  | 'revoked';

/** Every token failure, as a list (tests check each is exercised; nothing at run time reads it, so no bundle holds it). */
export const TOKEN_FAILURES = [
  'token_too_long',
  'token_malformed',
  'header_malformed',
  'typ_mismatch',
  'alg_none',
  'alg_mismatch',
  'kid_missing',
  'kid_unknown',
  'embedded_key',
  'crit_unsupported',
  'signature_invalid',
  'payload_malformed',
  'iss_mismatch',
  'aud_mismatch',
  'exp_missing',
  'exp_invalid',
  'expired',
  'iat_missing',
  'iat_invalid',
  'iat_in_future',
  'nbf_invalid',
  'not_yet_valid',
  'lifetime_exceeded',
  'tenant_missing',
  'tenant_invalid',
  'link_path_missing',
  'link_ip_invalid',
  'sub_invalid',
  'scope_claim_invalid',
  'grant_dir_invalid',
] as const;

/**
 * Why a viewer path was refused (logged with `invalid_path`). Like TOKEN_FAILURES, append only: the CloudFront
 * Function logs each by its index in this list (see LOGGED_BY_INDEX).
 */
export const PATH_PROBLEMS = [
  'no leading /',
  'too long',
  'not printable ASCII',
  'backslash, ? or #',
  'bad escape',
  'encoded / \\ . or %',
  'encoded control',
  'empty or dot segment',
  'not UTF-8',
  'control after decoding',
  'dot after decoding',
  // A grant path (src/grant.ts) without its token segment.
  'no grant token',
] as const;

export type PathProblem = (typeof PATH_PROBLEMS)[number];

/**
 * The reasons the CloudFront Function logs by their index in their list rather than by name — `refused
 * invalid_token 10`, not `… signature_invalid` — because the names cost about 700 of its 10 240 bytes
 * (build/artifacts.ts replaces them in that build only, as React's production build replaces its error
 * messages with numbers). Which list a number indexes follows from the refusal code logged before it. Both
 * lists are append only: a number, once logged, keeps its meaning (test/log-reasons.test.ts holds them to a
 * frozen copy); docs/reference.md#reading-the-cloudfront-functions-log lists them, and the local distribution
 * prints the name beside the number.
 */
export const LOGGED_BY_INDEX: { readonly [code in RefusalCode]?: readonly string[] } = {
  invalid_token: TOKEN_FAILURES,
  invalid_path: PATH_PROBLEMS,
};

/**
 * Why a token was refused. Kept inside (logs, tests, `tenant-gate verify`); outside every one of them is
 * the same 401 `invalid_token`, so a prober learns nothing about which rule it tripped.
 */
export type TokenFailure = (typeof TOKEN_FAILURES)[number];

export interface Refusal {
  code: RefusalCode;
  /** A machine-readable detail for logs: a TokenFailure, or a short phrase. Never contains the token. */
  reason: string;
}

/**
 * The one table from code to HTTP status. The body carries the code only (docs/reference.md explains each):
 * every byte counts in a CloudFront Function, whose code may not exceed 10 KB.
 */
export const REFUSALS = {
  missing_credentials: 401,
  invalid_token: 401,
  duplicate_credentials: 400,
  invalid_query: 400,
  invalid_path: 400,
  path_not_allowed: 403,
  method_not_allowed: 405,
  origin_not_allowed: 403,
  link_path_mismatch: 403,
  link_ip_mismatch: 403,
  tenant_disabled: 403,
  malformed_request: 400,
  // A deliberate answer, not an exception: the CloudFront Function could not read its KeyValueStore for
  // the kill switch, and refusing is the only safe default.
  store_unavailable: 503,
} as { [code in RefusalCode]: number };

// Compile-time switch (build/artifacts.ts): undefined when the sources run as they are (compiled in).
declare const __TG_SCOPES__: boolean | undefined;
// A valid credential of the right tenant, for a path its scopes do not open (src/scopes.ts). Only a build with
// scopes answers it, so only that build carries its row: the default CloudFront Function has no byte to spare.
if (typeof __TG_SCOPES__ === 'undefined' || __TG_SCOPES__) REFUSALS.scope_denied = 403;
// Compile-time switch (build/artifacts.ts): false leaves the grant codes out of the bundle.
declare const __TG_GRANTS__: boolean | undefined;
if (typeof __TG_GRANTS__ === 'undefined' || __TG_GRANTS__) {
  // A folder grant used outside its folder, or from another address than the one it names (src/grant.ts).
  REFUSALS.grant_path_mismatch = REFUSALS.grant_ip_mismatch = 403;
}

/** Whether the build binds credentials to distribution tenants; undefined (sources, tools): compiled in. */
declare const __TG_DISTRIBUTION_TENANT__: boolean | undefined;

// The codes of the distribution-tenant mode (src/distribution-tenant.ts), only in a build that has it: the
// default CloudFront Function carries no byte of an unused feature.
if (typeof __TG_DISTRIBUTION_TENANT__ === 'undefined' || __TG_DISTRIBUTION_TENANT__) {
  // The credential's tenant is not the tenant whose domain was called (a multi-tenant distribution).
  REFUSALS.tenant_domain_mismatch = 403;
  // The function could not read its distribution tenant's parameter (a standard distribution, or a tenant created
  // without it): the operator's fault, not the viewer's, and never a 401 that would send them to sign in again.
  REFUSALS.distribution_tenant_unavailable = 503;
}

declare const __TG_REVOCATION__: boolean | undefined;
// The credential was issued before its tenant's or its user's "not before" epoch (src/revocation.ts): signed in
// again, the viewer gets a fresh one, so a 401 as for any credential no longer valid. Only a build with
// revocation carries the row.
if (typeof __TG_REVOCATION__ === 'undefined' || __TG_REVOCATION__) REFUSALS.revoked = 401;

export function refusal(code: RefusalCode, reason: string): Refusal {
  return { code: code, reason: reason };
}
