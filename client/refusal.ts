/**
 * Who refused a request, and why, in one sentence a person can read. Four parties can refuse a file or a
 * sign-in, and each answers in its own way:
 *
 * - the gate (viewer-request function on `/files/*`): JSON `{"error": code}`, codes in src/errors.ts;
 * - the login origin (`/auth/*`): JSON `{"error": code}`, codes in login/errors.ts;
 * - CloudFront's own check of signed cookies or a signed URL (the behavior's trusted key group): a 403
 *   with an XML body (`MissingKey`, `AccessDenied`), or the distribution's custom error page for 403
 *   (an HTML or JSON page of your own — recognised by its status on a gated path);
 * - the bucket behind it: S3's XML (`NoSuchKey`, or `AccessDenied` without `s3:ListBucket`).
 *
 * Dependency-free and DOM-free: usable in any browser bundle.
 */
import type { LoginErrorCode } from '../login/errors';
import type { RefusalCode } from '../src/errors';

export type RefusedBy = 'gate' | 'login' | 'cloudfront' | 'bucket' | 'network';

export interface Refusal {
  status: number;
  by: RefusedBy;
  /** The stable code from the body (`invalid_token`, `MissingKey` …), or `http_<status>` when none. */
  code: string;
  /** One sentence for a person. */
  sentence: string;
}

/** The gate's codes (src/errors.ts): one sentence each; a new code fails to type-check until it has one. */
export const GATE_SENTENCES: { readonly [code in RefusalCode]: string } = {
  missing_credentials: 'You are not signed in: the request carried no session cookie and no link token.',
  invalid_token: 'Your session or link is no longer valid (expired, or not signed by this service): sign in again.',
  duplicate_credentials: 'The request carried two session cookies or two link tokens, so neither was trusted.',
  invalid_query: 'The link is malformed: its query string could not be read.',
  invalid_path: 'The file path is malformed (dot segments, bad escapes or encoded slashes are refused).',
  path_not_allowed: 'That path is outside the files this service hands out.',
  method_not_allowed: 'Files can only be read (GET or HEAD).',
  origin_not_allowed: 'This page is not an origin the service lets read files.',
  link_path_mismatch: 'This link was made for another file.',
  link_ip_mismatch: 'This link was bound to another network address than yours.',
  grant_path_mismatch: 'This grant opens another folder than the one asked for.',
  grant_ip_mismatch: 'This grant was bound to another network address than yours.',
  tenant_disabled: 'Your organisation is currently disabled.',
  malformed_request: 'The request is malformed.',
  store_unavailable: 'The service could not read its keys just now; try again in a moment.',
  scope_denied: 'Your account may not open this folder (it belongs to another user, or to a role you do not have).',
  tenant_domain_mismatch:
    "This session belongs to another organisation's site: sign in on your own organisation's domain.",
  distribution_tenant_unavailable:
    'This site is not set up for file access (its tenant is not configured); contact support.',
  revoked: 'This session or link was revoked (signed out everywhere, or access withdrawn): sign in again.',
};

/** The login origin's codes (login/errors.ts). */
export const LOGIN_SENTENCES: { readonly [code in LoginErrorCode]: string } = {
  missing_identity: 'The sign-in carried no identity token in the header the service reads (x-identity-token).',
  invalid_identity: 'Your identity token was refused (expired, or not from the expected identity provider).',
  tenant_invalid: 'Your identity names no organisation this service knows.',
  identity_unavailable: "The identity provider's keys could not be fetched; try again in a moment.",
  missing_session: 'You are not signed in.',
  invalid_session: 'Your session is no longer valid: sign in again.',
  tenant_mismatch: "You asked for another organisation's files: a session only ever reaches its own tenant.",
  malformed_request: 'The request is malformed.',
  unsupported_media_type: 'The request body must be JSON (content-type: application/json).',
  invalid_path: 'A link was asked for a malformed path.',
  path_not_allowed: 'A link was asked for a path outside the files this service hands out.',
  scope_denied: 'A link was asked for a folder your account may not open.',
  too_many_paths: 'Too many links were asked for at once.',
  invalid_expiry: 'The link lifetime is not allowed (a whole number of seconds, up to the configured maximum).',
  ip_binding_unavailable: 'Binding to your network address is not possible here (IPv6, or disabled).',
  ip_binding_required: 'The service requires binding to your network address, and it could not be read.',
  origin_not_allowed: 'This page is not an origin the service accepts sign-ins from.',
  site_unknown: 'The sign-in service could not tell whose domain this is; the distribution is misconfigured.',
  tenant_domain_mismatch: "This is another organisation's domain: sign in on your own organisation's domain.",
  not_found: 'No such sign-in route.',
  method_not_allowed: 'That method is not allowed on this sign-in route.',
  revocation_unavailable: 'Sign-out everywhere is not available just now: nothing was revoked; try again in a moment.',
  secrets_unavailable: 'The sign-in service could not read its keys just now; try again in a moment.',
  internal_error: 'The sign-in service failed; the details are in its logs.',
};

/** CloudFront's own answers (the trusted key group's check, and the distribution itself). */
export const CLOUDFRONT_SENTENCES: Readonly<Record<string, string>> = {
  MissingKey: 'The request carried no CloudFront signed cookies (signed out, or they expired).',
  AccessDenied: 'The signed cookies or the signed link do not grant this file (expired, another path, or altered).',
  MethodNotAllowed: 'The distribution does not allow this method here.',
  OriginTimeout: 'The origin did not answer in time.',
  RequestEntityTooLarge: 'The request body is too large.',
  ServiceUnavailable: 'The edge is busy; try again.',
};

/** The bucket's answers, as S3 gives them. */
export const BUCKET_SENTENCES: Readonly<Record<string, string>> = {
  NoSuchKey: 'No such file in your organisation’s folder (the gate only ever looks there).',
  AccessDenied: 'No such file in your organisation’s folder (the bucket answers 403 for a missing key).',
};

function jsonCode(text: string): { error?: unknown; refusedBy?: unknown } | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as { error?: unknown; refusedBy?: unknown })
      : undefined;
  } catch {
    return undefined;
  }
}

/** The path of a request URL (absolute or not). */
function pathOf(url: string): string {
  try {
    return new URL(url, 'http://x').pathname;
  } catch {
    return url;
  }
}

/**
 * Reads a refusal: `status`, the body's text and the request's URL. `gatedPrefix` is where the gate and the
 * trusted key group sit (`/files/`), `loginPrefix` where the login origin does (`/auth/`). CloudFront's
 * `AccessDenied` reads `Access denied`; S3's reads `Access Denied` — the one difference in their bodies.
 */
export function explainRefusal(
  status: number,
  body: string,
  url: string,
  options: { gatedPrefix?: string; loginPrefix?: string } = {},
): Refusal {
  const path = pathOf(url);
  const login = path.startsWith(options.loginPrefix ?? '/auth/');
  const gated = path.startsWith(options.gatedPrefix ?? '/files/');
  const json = jsonCode(body);
  if (json !== undefined && typeof json.error === 'string') {
    const code = json.error;
    // A custom error page in JSON may say who it speaks for.
    if (json.refusedBy === 'cloudfront')
      return {
        status,
        by: 'cloudfront',
        code,
        sentence: CLOUDFRONT_SENTENCES[code] ?? CLOUDFRONT_SENTENCES.AccessDenied!,
      };
    if (login) {
      const sentence = (LOGIN_SENTENCES as Record<string, string>)[code];
      return { status, by: 'login', code, sentence: sentence ?? `The sign-in service refused: ${code}.` };
    }
    const sentence = (GATE_SENTENCES as Record<string, string>)[code];
    return { status, by: 'gate', code, sentence: sentence ?? `The gate refused: ${code}.` };
  }
  const xml = /<Code>([^<]{1,64})<\/Code>/.exec(body)?.[1];
  if (xml !== undefined) {
    // Behind the gate, S3's own answers are about the object; the rest is CloudFront's.
    if (xml === 'NoSuchKey' || (xml === 'AccessDenied' && /<Message>Access Denied<\/Message>/.test(body)))
      return { status, by: 'bucket', code: xml, sentence: BUCKET_SENTENCES[xml]! };
    return {
      status,
      by: 'cloudfront',
      code: xml,
      sentence: CLOUDFRONT_SENTENCES[xml] ?? `Refused: ${xml}.`,
    };
  }
  // Anything else refused on a gated path with 403: the distribution's custom error page for CloudFront's check.
  if (gated && status === 403) {
    return {
      status,
      by: 'cloudfront',
      code: 'AccessDenied',
      sentence: `${CLOUDFRONT_SENTENCES.AccessDenied!} (the distribution's custom error page answered)`,
    };
  }
  return {
    status,
    by: login ? 'login' : gated ? 'gate' : 'cloudfront',
    code: `http_${status}`,
    sentence: `Refused with HTTP ${status}.`,
  };
}

/** As `explainRefusal`, from a fetch `Response` (its body is read from a clone). */
export async function explainResponse(
  response: Response,
  options: { gatedPrefix?: string; loginPrefix?: string } = {},
): Promise<Refusal> {
  return explainRefusal(response.status, await response.clone().text(), response.url, options);
}
