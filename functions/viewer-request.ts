/**
 * Lambda@Edge viewer-request adapter: CloudFront event → core decision → CloudFront result. Nothing else.
 *
 * The configuration is embedded by build.mjs (Lambda@Edge has no environment variables); keys are imported
 * once per container, at load, outside the handler.
 */
import type {
  CloudFrontHeaders,
  CloudFrontRequest,
  CloudFrontRequestEvent,
  CloudFrontRequestResult,
  CloudFrontResultResponse,
} from 'aws-lambda';
import type { GateConfig } from '../config/gate';
import { cookieValues, withoutCookie } from '../src/cookies';
import { createGate, type Forward, type GateRequest, type Respond } from '../src/decision';
import { refusal, type Refusal } from '../src/errors';
import { createKeyRing, nodeBase64url } from './key-ring';
import { queryValues, withoutQueryParam } from '../src/query';
import type { GateResponse } from '../src/response';
import { revocation } from '../src/revocation';
import { createTokenVerifier } from '../src/token';
import { createRevocationCache, type RevocationSource } from './revocation-cache';

declare const __GATE_CONFIG__: GateConfig;
/** lambdaEdge.revocation: ask the login for revocations (functions/revocation-cache.ts). */
declare const __TG_REVOCATION__: boolean | undefined;

const config = __GATE_CONFIG__;
const keys = createKeyRing(config.keys);
const gate = createGate(config, createTokenVerifier(config, nodeBase64url));
const revocations =
  (typeof __TG_REVOCATION__ === 'undefined' || __TG_REVOCATION__) && config.lambdaEdge.revocation
    ? createRevocationCache({
        url: config.lambdaEdge.revocationUrl ?? `https://${config.domain}/auth/revocation`,
        cookieName: config.cookieName,
        cacheSeconds: config.lambdaEdge.revocationCacheSeconds,
        maxStaleSeconds: config.lambdaEdge.revocationMaxStaleSeconds,
        fetch: (url, init) => fetch(url, init),
      })
    : undefined;

function headerValues(headers: CloudFrontHeaders, name: string): string[] {
  const values: string[] = [];
  // CloudFront keys the map by lower-case name; a hand-made or replayed event may not, so look at every key.
  for (const key in headers) {
    if (key !== name && (key.length !== name.length || key.toLowerCase() !== name)) continue;
    const entries = headers[key];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) if (entry && typeof entry.value === 'string') values.push(entry.value);
  }
  return values;
}

/** The view of a CloudFront request the core reads; `header` is a method, not a closure per request. */
class EdgeRequest implements GateRequest {
  constructor(
    readonly method: string,
    readonly uri: string,
    readonly tokenCookies: string[],
    readonly linkTokens: string[],
    readonly viewerIp: string,
    private readonly headers: CloudFrontHeaders,
  ) {}

  header(name: string): string | undefined {
    return headerValues(this.headers, name)[0];
  }
}

function toGateRequest(request: CloudFrontRequest): GateRequest | undefined {
  const headers = request.headers ?? {};
  const querystring = request.querystring ?? '';
  // A field of the wrong type means an event we do not understand: refuse rather than guess.
  if (typeof headers !== 'object' || typeof querystring !== 'string') return undefined;
  return new EdgeRequest(
    request.method,
    request.uri,
    cookieValues(headerValues(headers, 'cookie'), config.cookieName),
    querystring === '' ? [] : queryValues(querystring, config.linkTokenParam),
    typeof request.clientIp === 'string' ? request.clientIp : '',
    headers,
  );
}

function toResult(response: GateResponse): CloudFrontResultResponse {
  const headers: CloudFrontHeaders = {};
  for (const name of Object.keys(response.headers)) headers[name] = [{ key: name, value: response.headers[name] }];
  const result: CloudFrontResultResponse = {
    status: String(response.status),
    headers,
  };
  if (response.body !== '') {
    result.body = response.body;
    result.bodyEncoding = 'text';
  }
  return result;
}

/** Forward with only the uri rewritten, minus the credential: the origin never needs the token. */
function forward(request: CloudFrontRequest, uri: string): CloudFrontRequest {
  request.uri = uri;
  const headers = request.headers ?? {};
  for (const key in headers) {
    if (key !== 'cookie' && (key.length !== 6 || key.toLowerCase() !== 'cookie')) continue;
    const entries = headers[key];
    const kept = [];
    for (const entry of entries) {
      entry.value = withoutCookie(entry.value, config.cookieName);
      if (entry.value !== '') kept.push(entry);
    }
    if (kept.length === 0) delete headers[key];
    else if (kept.length !== entries.length) headers[key] = kept;
  }
  if (typeof request.querystring === 'string') {
    request.querystring = withoutQueryParam(request.querystring, config.linkTokenParam);
  }
  return request;
}

/** What the login says of the credential a decision accepted (functions/revocation-cache.ts): 401, 503 or nothing. */
async function revocationRefusal(
  source: RevocationSource,
  decision: Forward,
  input: GateRequest,
  now: number,
): Promise<Refusal | undefined> {
  const kind = decision.credential.kind;
  // The credential the decision judged: a grant's is the first segment after grants.pathPrefix (src/grant.ts).
  const token =
    kind === 'link'
      ? input.linkTokens[0]!
      : kind === 'session'
        ? input.tokenCookies[0]!
        : input.uri.slice(config.grants!.pathPrefix.length).split('/')[0]!;
  const notBefore = await source.notBefore(decision.credential, token, now);
  // Unknown within the bound: refuse, as the CloudFront Function does when its store cannot be read.
  if (notBefore === undefined) return refusal('store_unavailable', 'revocations unknown');
  return revocation(decision.credential, {}, notBefore);
}

function log(decision: Respond, requestId: string | undefined): void {
  if (decision.refusal === undefined) return;
  // Code and reason only: never the token, never a cookie.
  console.log(
    JSON.stringify({ gate: 'refused', code: decision.refusal.code, reason: decision.refusal.reason, requestId }),
  );
}

export const handler = async (event: CloudFrontRequestEvent): Promise<CloudFrontRequestResult> => {
  let refused: Respond;
  let requestId: string | undefined;
  try {
    const cf = event?.Records?.[0]?.cf;
    requestId = cf?.config?.requestId;
    const request = cf?.request;
    const input = request && typeof request === 'object' ? toGateRequest(request) : undefined;
    if (!request || input === undefined) {
      refused = gate.refuse(refusal('malformed_request', 'no readable request in the event'), undefined);
    } else {
      const now = Math.floor(Date.now() / 1000);
      const decision = gate.decide(input, keys, now);
      if (decision.action === 'forward') {
        // Folded by the build: one without revocation carries none of it.
        const revoked =
          (typeof __TG_REVOCATION__ === 'undefined' || __TG_REVOCATION__) && revocations !== undefined
            ? await revocationRefusal(revocations, decision, input, now)
            : undefined;
        if (revoked === undefined) return forward(request, decision.uri);
        refused = gate.refuse(revoked, input);
      } else refused = decision;
    }
  } catch {
    // A malformed event must not become a 502 for the viewer, nor slip through: refuse.
    refused = gate.refuse(refusal('malformed_request', 'unreadable event'), undefined);
  }
  log(refused, requestId);
  return toResult(refused.response);
};
