/**
 * The decision: may this request pass, and to which object.
 *
 * Input is a runtime-neutral view of the viewer request; output is either "forward with this uri" or a
 * response to send. Order of the checks: request shape, method, path, then credentials — so that bad
 * requests cost no cryptography, and so that a credential is never judged for a path it cannot open.
 */
import type { GateConfig } from './config';
import { refusal, type Refusal, type RefusalCode, type TokenFailure } from './errors';
import { emptyResponse, redirectResponse, refusalResponse, type GateResponse } from './response';
import { checkViewerPath, originUri } from './tenant-path';
import type { KeyLookup, TokenVerifier, VerifiedToken } from './token';

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
  /** The credential a request would be judged on, without judging it (CloudFront Functions read keys first). */
  credentialOf(request: GateRequest): string | undefined;
  refuse(refused: Refusal, request: GateRequest | undefined): Respond;
}

const ALLOWED_METHODS = 'GET, HEAD';

export function createGate(config: GateConfig, tokens: TokenVerifier): Gate {
  const corsEnabled = config.corsOrigins.length > 0;
  const allow = corsEnabled ? ALLOWED_METHODS + ', OPTIONS' : ALLOWED_METHODS;

  function allowedOrigin(request: GateRequest | undefined): string | undefined {
    if (request === undefined || !corsEnabled) return undefined;
    const origin = request.header('origin');
    return origin !== undefined && config.corsOrigins.indexOf(origin) !== -1 ? origin : undefined;
  }

  /** Refusals readable by an allowed cross-origin SPA: without these headers it sees only a network error. */
  function corsHeaders(origin: string | undefined): { [name: string]: string } | undefined {
    if (origin === undefined) return undefined;
    return {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    };
  }

  function isNavigation(request: GateRequest): boolean {
    if (request.method !== 'GET') return false;
    const mode = request.header('sec-fetch-mode');
    if (mode !== undefined) return mode === 'navigate' && request.header('sec-fetch-dest') === 'document';
    const accept = request.header('accept');
    return accept !== undefined && accept.indexOf('text/html') !== -1;
  }

  function refuse(refused: Refusal, request: GateRequest | undefined): Respond {
    if (
      config.loginUrl !== null &&
      request !== undefined &&
      (refused.code === 'missing_credentials' || refused.code === 'invalid_token') &&
      isNavigation(request)
    ) {
      // The return path is the checked viewer path only: never a host, so never an open redirect.
      const location = config.loginUrl + '?return_to=' + encodeURIComponent(request.uri);
      return { action: 'respond', response: redirectResponse(location), refusal: refused };
    }
    const extra = corsHeaders(allowedOrigin(request));
    const response = refusalResponse(refused, refused.code === 'method_not_allowed' ? merge(extra, { allow: allow }) : extra);
    return { action: 'respond', response: response, refusal: refused };
  }

  function deny(code: RefusalCode, reason: string, request: GateRequest): Respond {
    return refuse(refusal(code, reason), request);
  }

  function preflight(request: GateRequest): Respond {
    const origin = allowedOrigin(request);
    if (origin === undefined) return deny('origin_not_allowed', 'preflight from an origin not in corsOrigins', request);
    const method = request.header('access-control-request-method');
    if (method !== 'GET' && method !== 'HEAD') {
      return deny('method_not_allowed', 'preflight for a method other than GET or HEAD', request);
    }
    const headers = merge(corsHeaders(origin), {
      'access-control-allow-methods': ALLOWED_METHODS,
      'access-control-max-age': '600',
    });
    const requested = request.header('access-control-request-headers');
    // Only the headers a file fetch needs; anything else would let a page send headers the origin never expected.
    if (requested !== undefined && /^[\sA-Za-z,-]*$/.test(requested)) {
      const asked = requested.toLowerCase().split(',');
      const granted: string[] = [];
      for (let i = 0; i < asked.length; i++) {
        const name = asked[i].trim();
        if (name === 'range' || name === 'if-none-match' || name === 'if-modified-since') granted.push(name);
      }
      if (granted.length > 0) headers['access-control-allow-headers'] = granted.join(', ');
    }
    return { action: 'respond', response: emptyResponse(204, headers), refusal: undefined };
  }

  function credentialOf(request: GateRequest): string | undefined {
    if (request.linkTokens.length > 0) return request.linkTokens[0];
    return request.tokenCookies.length === 1 ? request.tokenCookies[0] : undefined;
  }

  function tokenRefusal(failure: TokenFailure, request: GateRequest): Respond {
    return deny('invalid_token', failure, request);
  }

  function decide(request: GateRequest, keys: KeyLookup, now: number): Decision {
    if (typeof request.method !== 'string' || typeof request.uri !== 'string') {
      return refuse(refusal('malformed_request', 'method or uri missing'), undefined);
    }
    const method = request.method;
    if (method === 'OPTIONS' && corsEnabled) return preflight(request);
    if (method !== 'GET' && method !== 'HEAD') return deny('method_not_allowed', method, request);

    const uri = request.uri;
    const pathProblem = checkViewerPath(uri);
    if (pathProblem !== undefined) return deny('invalid_path', pathProblem, request);
    if (uri.lastIndexOf(config.pathPrefix, 0) !== 0 || uri.length === config.pathPrefix.length) {
      return deny('path_not_allowed', 'outside pathPrefix', request);
    }

    let verified: VerifiedToken;
    if (request.linkTokens.length > 0) {
      // A link token, when present, is the credential: like a CloudFront signed URL, it wins over cookies.
      if (request.linkTokens.length > 1) return deny('invalid_query', 'link token repeated', request);
      if (request.linkTokens[0] === '') return deny('invalid_query', 'link token empty', request);
      const result = tokens.verify(request.linkTokens[0], keys, now);
      if (!result.ok) return tokenRefusal(result.failure, request);
      if (result.token.kind !== 'link') return tokenRefusal('typ_mismatch', request);
      if (result.token.path !== uri) return deny('link_path_mismatch', 'pth differs from the viewer path', request);
      if (result.token.ip !== undefined && result.token.ip !== request.viewerIp) {
        return deny('link_ip_mismatch', 'cip differs from the viewer address', request);
      }
      verified = result.token;
    } else {
      const cookies = request.tokenCookies;
      if (cookies.length > 1) return deny('duplicate_credentials', cookies.length + ' token cookies', request);
      if (cookies.length === 0 || cookies[0] === '') return deny('missing_credentials', 'no token cookie', request);
      const result = tokens.verify(cookies[0], keys, now);
      if (!result.ok) return tokenRefusal(result.failure, request);
      if (result.token.kind !== 'session') return tokenRefusal('typ_mismatch', request);
      verified = result.token;
    }
    return {
      action: 'forward',
      uri: originUri(config.originPrefix, verified.tenant, uri),
      tenant: verified.tenant,
      credential: verified,
    };
  }

  return { decide: decide, credentialOf: credentialOf, refuse: refuse };
}

function merge(
  a: { [name: string]: string } | undefined,
  b: { [name: string]: string },
): { [name: string]: string } {
  const out: { [name: string]: string } = {};
  if (a !== undefined) for (const name in a) out[name] = a[name];
  for (const name in b) out[name] = b[name];
  return out;
}
