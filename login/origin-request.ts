/**
 * What the login reads of a request, as the one list its origin request policy is made from: the stack's
 * `TenantGateLoginOriginRequestPolicy` (deploy/serverless-vars.cjs, through the package manifest) and the local
 * distribution's stand-in (local/attach-locally.ts) both come from `loginOriginRequest`.
 *
 * A `whitelist` policy forwards exactly these viewer headers and adds the CloudFront headers it names; nothing else
 * reaches the function URL, `Host` least of all (a function URL refuses a foreign Host). AllViewerExceptHostHeader
 * forwards viewer headers only: no `CloudFront-Viewer-Address`, so IP-bound links could not be made
 * (docs/platform.md#origin-request-and-cache-policies).
 */
import type { OriginRequestPolicyConfig } from '@aws-sdk/client-cloudfront';
import type { GateConfig } from '../config/gate';
import type { LoginConfig } from '../config/login';

/** Viewer headers login/service.ts reads (besides the configured identity token header). */
export const LOGIN_VIEWER_HEADERS = [
  // CORS: the allowed origin, and the preflight's method.
  'origin',
  'access-control-request-method',
  // POST bodies must be JSON.
  'content-type',
  // Behind origin access control a POST carries its body's hash, which CloudFront signs with (Lambda DG).
  'x-amz-content-sha256',
] as const;

/** Added by CloudFront when a policy names it; the login's viewer address (login/viewer-ip.ts). */
export const VIEWER_ADDRESS_HEADER = 'cloudfront-viewer-address';

/** Default quota "Headers per origin request policy" (docs/platform.md#origin-request-and-cache-policies). */
export const ORIGIN_REQUEST_POLICY_MAX_HEADERS = 10;

export interface LoginOriginRequest {
  /** Lower-case header names, viewer headers first, then the CloudFront header. */
  readonly headers: readonly string[];
  /** The only cookie the login reads: the session (tenant token) cookie. */
  readonly cookies: readonly string[];
  /** The only query parameter the login reads: `everywhere` of `DELETE /auth/session?everywhere=1`. */
  readonly queryStrings: readonly string[];
}

/** `DELETE /auth/session?everywhere=1` (login/service.ts). */
export const LOGIN_QUERY_PARAMETERS = ['everywhere'];

/** The headers and cookies the login's origin request policy forwards, for this configuration. */
export function loginOriginRequest(
  config: Pick<GateConfig, 'cookieName'> & { login: { identity: Pick<LoginConfig['identity'], 'tokenHeader'> } },
): LoginOriginRequest {
  const headers = [
    ...new Set<string>([...LOGIN_VIEWER_HEADERS, config.login.identity.tokenHeader, VIEWER_ADDRESS_HEADER]),
  ];
  if (headers.length > ORIGIN_REQUEST_POLICY_MAX_HEADERS)
    throw new Error(
      `the login's origin request policy would name ${headers.length} headers (at most ${ORIGIN_REQUEST_POLICY_MAX_HEADERS})`,
    );
  return { headers, cookies: [config.cookieName], queryStrings: [...LOGIN_QUERY_PARAMETERS] };
}

/** As the CloudFront API spells it (GetOriginRequestPolicyConfig), for the local distribution and the doctor. */
export function loginOriginRequestPolicyConfig(name: string, request: LoginOriginRequest): OriginRequestPolicyConfig {
  return {
    Name: name,
    Comment: 'tenant-gate login: what the login reads, CloudFront-Viewer-Address, never Host',
    HeadersConfig: {
      HeaderBehavior: 'whitelist',
      Headers: { Quantity: request.headers.length, Items: [...request.headers] },
    },
    CookiesConfig: {
      CookieBehavior: 'whitelist',
      Cookies: { Quantity: request.cookies.length, Items: [...request.cookies] },
    },
    // The login reads one query parameter (sign out everywhere); without it in the policy CloudFront drops it.
    QueryStringsConfig: {
      QueryStringBehavior: 'whitelist',
      QueryStrings: { Quantity: request.queryStrings.length, Items: [...request.queryStrings] },
    },
  };
}
