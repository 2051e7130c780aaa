/**
 * The decision: may this request pass, and to which object.
 *
 * Input is a runtime-neutral view of the viewer request; output is either "forward with this uri" or a
 * response to send. Order of the checks: request shape, method, path, then credentials — so that bad
 * requests cost no cryptography, and so that a credential is never judged for a path it cannot open.
 */
import type { GateConfig } from '../config/gate';
import { refusal, type Refusal, type RefusalCode } from './errors';
import { ALLOWED_METHODS, allowedOrigin, corsHeaders, preflightHeaders } from './cors';
import { distributionTenantUnreadable, originPathByParameter, tenantDomainMismatch } from './distribution-tenant';
import { isGrantPath } from './grant';
import { isViewerAddress } from './ip-address';
import { isNavigation, loginLocation } from './login-redirect';
import { generatedResponse, refusalResponse, type GateResponse } from './response';
import { scopeRefusal } from './scopes';
import { checkViewerPath, originPrefixParts, originUri } from './tenant-path';
import type { KeyLookup, TokenKind, TokenVerifier, VerifiedToken } from './token';

export interface GateRequest {
  method: string;
  /** The viewer path, as CloudFront hands it (percent-encoded, no query). */
  uri: string;
  /** Every value of the token cookie, across every Cookie header. */
  tokenCookies: string[];
  /** Every raw value of the link-token query parameter. */
  linkTokens: string[];
  viewerIp: string;
  /** A request header by lower-case name (first value), or undefined. */
  header: (name: string) => string | undefined;
  /** The called distribution tenant's tenant parameter as read: anything but a string is unreadable (src/distribution-tenant.ts). */
  siteTenant?: unknown;
}

export interface Forward {
  action: 'forward';
  uri: string;
  tenant: string;
  credential: VerifiedToken;
}

/** A response generated at the edge: a refusal, a login redirect or a CORS preflight answer. */
export interface Respond {
  action: 'respond';
  response: GateResponse;
  refusal: Refusal | undefined;
}

export type Decision = Forward | Respond;

export interface Gate {
  decide(request: GateRequest, keys: KeyLookup, nowSeconds: number): Decision;
  refuse(refused: Refusal, request: GateRequest | undefined): Respond;
}

/**
 * The credential a request would be judged on, without judging it: a CloudFront Function reading its
 * keys from a KeyValueStore fetches the one this token names before the (synchronous) decision.
 */
export function credentialOf(request: GateRequest): string | undefined {
  if (request.linkTokens.length > 0) return request.linkTokens[0];
  return request.tokenCookies.length === 1 ? request.tokenCookies[0] : undefined;
}

// Compile-time feature switches, defined by the build from the configuration so that esbuild drops the
// code of an unused feature (the CloudFront Function must fit in 10 KB). They are tested where they are
// used, with `typeof`, because esbuild removes dead code only when the condition folds in the module
// itself; undefined (tests of the sources, tools) means compiled in, and the configuration decides.
declare const __TG_CORS__: boolean | undefined;
declare const __TG_LOGIN_REDIRECT__: boolean | undefined;
declare const __TG_SCOPES__: boolean | undefined;
declare const __TG_DISTRIBUTION_TENANT__: boolean | undefined;
declare const __TG_ORIGIN_PATH_BY_PARAMETER__: boolean | undefined;
declare const __TG_GRANTS__: boolean | undefined;

function corsOn(config: GateConfig): boolean {
  return config.corsOrigins.length > 0;
}

/**
 * A refusal as a response: a login redirect for a navigation when configured, CORS headers for an
 * allowed origin, `Allow` on a 405. Module-level (not a closure) so that esbuild can drop the optional
 * features the build switched off (the switches above).
 */
function refuseWith(config: GateConfig, refused: Refusal, request: GateRequest | undefined): Respond {
  if (
    (typeof __TG_LOGIN_REDIRECT__ === 'undefined' || __TG_LOGIN_REDIRECT__) &&
    config.loginUrl !== null &&
    request !== undefined &&
    (refused.code === 'missing_credentials' || refused.code === 'invalid_token') &&
    isNavigation(request) &&
    // A renter has no session to sign in to, and the return path would carry the grant: a plain 401.
    !(
      (typeof __TG_GRANTS__ === 'undefined' ? config.grants !== null : __TG_GRANTS__) &&
      isGrantPath(config, request.uri)
    )
  ) {
    return {
      action: 'respond',
      response: generatedResponse(302, { location: loginLocation(config.loginUrl, request) }, ''),
      refusal: refused,
    };
  }
  let headers: { [name: string]: string } | undefined;
  if ((typeof __TG_CORS__ === 'undefined' || __TG_CORS__) && corsOn(config)) {
    const origin = allowedOrigin(config, request);
    if (origin !== undefined) headers = corsHeaders(origin);
  }
  if (refused.code === 'method_not_allowed') {
    if (headers === undefined) headers = {};
    headers.allow = corsOn(config) ? ALLOWED_METHODS + ', OPTIONS' : ALLOWED_METHODS;
  }
  return { action: 'respond', response: refusalResponse(refused, headers), refusal: refused };
}

/** A CORS preflight (OPTIONS), answered at the edge without credentials, for allowed origins only. */
function preflight(config: GateConfig, request: GateRequest): Respond {
  const origin = allowedOrigin(config, request);
  if (origin === undefined) return refuseWith(config, refusal('origin_not_allowed', 'preflight origin'), request);
  const headers = preflightHeaders(origin, request);
  if (headers === undefined) return refuseWith(config, refusal('method_not_allowed', 'preflight method'), request);
  // A 204 carries no body: Lambda@Edge turns a 204 with a body into a 502.
  return { action: 'respond', response: generatedResponse(204, headers, ''), refusal: undefined };
}

export function createGate(config: GateConfig, tokens: TokenVerifier): Gate {
  const originPrefix = originPrefixParts(config.originPrefix);
  function refuse(refused: Refusal, request: GateRequest | undefined): Respond {
    return refuseWith(config, refused, request);
  }

  function deny(code: RefusalCode, reason: string, request: GateRequest): Respond {
    return refuseWith(config, refusal(code, reason), request);
  }

  function decide(request: GateRequest, keys: KeyLookup, now: number): Decision {
    if (typeof request.method !== 'string' || typeof request.uri !== 'string') {
      return refuse(refusal('malformed_request', 'no method or uri'), undefined);
    }
    // Built in, the switch alone decides (the CloudFront Function's config carries no distributionTenant).
    if (
      typeof __TG_DISTRIBUTION_TENANT__ === 'undefined'
        ? config.distributionTenant !== undefined
        : __TG_DISTRIBUTION_TENANT__
    ) {
      const unreadable = distributionTenantUnreadable(request.siteTenant);
      if (unreadable !== undefined) return refuse(unreadable, request);
    }
    const method = request.method;
    if ((typeof __TG_CORS__ === 'undefined' || __TG_CORS__) && corsOn(config) && method === 'OPTIONS') {
      return preflight(config, request);
    }
    if (method !== 'GET' && method !== 'HEAD') return deny('method_not_allowed', method, request);

    let uri = request.uri;
    let cookies = request.tokenCookies;
    let kind: TokenKind = 'link';
    // A folder grant (src/grant.ts): `<grants.pathPrefix><grant>/<p>` is judged as the viewer path `<pathPrefix><p>`
    // with the grant as its credential (in the place of a cookie), by the rules below: one code path, few bytes.
    if ((typeof __TG_GRANTS__ === 'undefined' ? config.grants !== null : __TG_GRANTS__) && isGrantPath(config, uri)) {
      const rest = uri.slice(config.grants!.pathPrefix.length);
      const slash = rest.indexOf('/');
      if (slash < 1) return deny('invalid_path', 'no grant token', request);
      cookies = [rest.slice(0, slash)];
      kind = 'grant';
      uri = config.pathPrefix + rest.slice(slash + 1);
    }
    const pathProblem = checkViewerPath(uri);
    if (pathProblem !== undefined) return deny('invalid_path', pathProblem, request);
    // The prefix itself never gets here: it ends with `/`, and a trailing `/` is an empty segment (invalid_path).
    if (uri.lastIndexOf(config.pathPrefix, 0) !== 0) return deny('path_not_allowed', 'outside pathPrefix', request);

    const links = request.linkTokens;
    // A link token, when present, is the credential: like a CloudFront signed URL, it wins over cookies.
    if (links.length > 1) return deny('invalid_query', 'repeated', request);
    if ((typeof __TG_GRANTS__ === 'undefined' || __TG_GRANTS__) && kind === 'grant') {
      // One credential a request: a link token beside a grant is refused, never chosen between.
      if (links.length > 0) return deny('duplicate_credentials', 'link', request);
    } else if (links.length === 0) {
      kind = 'session';
      if (cookies.length > 1) return deny('duplicate_credentials', 'several', request);
      if (cookies.length === 0 || cookies[0] === '') return deny('missing_credentials', 'none', request);
    } else if (links[0] === '') return deny('invalid_query', 'empty', request);

    const result = tokens.verify(kind === 'link' ? links[0] : cookies[0], keys, now);
    if (!result.ok) return deny('invalid_token', result.failure, request);
    const verified = result.token;
    // A session token is never a link, nor a link a session, nor either a grant (RFC 8725 §3.11).
    if (verified.kind !== kind) return deny('invalid_token', 'typ_mismatch', request);
    if (kind === 'link' && verified.path !== uri) return deny('link_path_mismatch', 'pth', request);
    // The folder (`dir`, in `path`) ends with `/` (src/token-rules.ts): a prefix match (lastIndexOf 0; -1 is truthy)
    // is "strictly inside it", so a grant for /files/films/a/ never opens /files/films/ab/x.
    if (
      (typeof __TG_GRANTS__ === 'undefined' || __TG_GRANTS__) &&
      kind === 'grant' &&
      uri.lastIndexOf(verified.path!, 0)
    ) {
      return deny('grant_path_mismatch', 'dir', request);
    }
    // A bound link or grant (`cip`); a session token carries no address.
    if (verified.ip !== undefined && !isViewerAddress(verified.ip, request.viewerIp)) {
      return deny(
        (typeof __TG_GRANTS__ === 'undefined' || __TG_GRANTS__) && kind === 'grant'
          ? 'grant_ip_mismatch'
          : 'link_ip_mismatch',
        'cip',
        request,
      );
    }
    if (
      typeof __TG_DISTRIBUTION_TENANT__ === 'undefined'
        ? config.distributionTenant !== undefined
        : __TG_DISTRIBUTION_TENANT__
    ) {
      // Before the rewrite and the scopes: acme's credential on globex's domain would otherwise open acme's files there.
      const mismatch = tenantDomainMismatch(request.siteTenant, verified.tenant);
      if (mismatch !== undefined) return refuse(mismatch, request);
    }
    // Path scopes (src/scopes.ts): after the credential and the link checks, before the rewrite; links too. A
    // build sets the switch from the configuration, so there it is the whole condition.
    if (typeof __TG_SCOPES__ === 'undefined' ? config.scopes !== undefined : __TG_SCOPES__) {
      const scoped = scopeRefusal(config.scopes!, verified, uri);
      if (scoped !== undefined) return deny('scope_denied', scoped, request);
    }
    return {
      action: 'forward',
      uri: (
        typeof __TG_ORIGIN_PATH_BY_PARAMETER__ === 'undefined'
          ? originPathByParameter(config)
          : __TG_ORIGIN_PATH_BY_PARAMETER__
      )
        ? uri
        : originUri(originPrefix, verified.tenant, uri),
      tenant: verified.tenant,
      credential: verified,
    };
  }

  return { decide: decide, refuse: refuse };
}
