/**
 * CloudFront Function (cloudfront-js-2.0) viewer-request adapter: event → core decision → result.
 *
 * The runtime is an ES5.1-plus dialect (njs-based): this file and everything it imports from src/ avoid
 * destructuring, spread, classes, for-of, default parameters, Map and Set (see docs/platform.md#njs-as-a-stand-in). The build
 * wraps the bundle so that the runtime's own modules — `crypto`, and `cloudfront` for the KeyValueStore —
 * are handed to `init` by the top-level script, and `handler(event)` is a top-level function.
 *
 * With inline keys and no kill switch nothing here awaits: `handle` returns the result itself, and the build
 * declares a plain `function handler` (an async one would cost njs two promise round trips a request). Only
 * a function that reads its KeyValueStore is async.
 *
 * Only HMAC can be computed here: HS256 tokens are verified; any other algorithm is a 401.
 */
import type { GateConfig } from '../config/gate';
import { constantTimeEqualDigests } from '../src/constant-time';
import { createGate, credentialOf, type Decision, type Forward, type GateRequest, type Respond } from '../src/decision';
import { refusal, type Refusal } from '../src/errors';
import { isGrantPath } from '../src/grant';
import { parseTenantEntry, parseUserEntry, revocation, userKey } from '../src/revocation';
import { END, MAX_URI_LENGTH, originPrefixParts, originUri, PLAIN_PATH, type OriginPrefix } from '../src/tenant-path';
import { CANONICAL_BASE64URL_32, mintedHeader, tenantFailure } from '../src/token-rules';
import {
  createTokenVerifier,
  readTokenHeader,
  SESSION_TYP,
  type Base64urlPort,
  type KeyLookup,
  type VerificationKey,
  type VerifiedToken,
} from '../src/token';

declare const __GATE_CONFIG__: GateConfig;
// Build-time constants (the same values as in the config) so that esbuild drops the unused paths:
// every byte counts under the 10 KB limit.
declare const __KEYS_IN_STORE__: boolean;
declare const __KILL_SWITCH__: boolean;
/** Revocation (cloudfrontFunction.revocation): read the tenant entry's epochs; implies the store. */
declare const __TG_REVOCATION__: boolean;
/** False only in the test build that holds the fast path to the general one. */
declare const __TG_FAST_PATH__: boolean;
declare const __TG_CORS__: boolean | undefined;
declare const __TG_LOGIN_REDIRECT__: boolean | undefined;
/** True when the configuration binds credentials to distribution tenants (src/distribution-tenant.ts). */
declare const __TG_DISTRIBUTION_TENANT__: boolean;
declare const __TG_ORIGIN_PATH_BY_PARAMETER__: boolean;
declare const __TG_GRANTS__: boolean | undefined;

function NO_HEADER(): undefined {
  return undefined;
}

/** The two runtime modules the function uses, as CloudFront provides them. */
export interface CloudFrontRuntime {
  crypto: {
    createHmac(algorithm: 'sha256', key: Uint8Array): { update(data: string): { digest(): Uint8Array } };
  };
  kvs: KeyValueStore | undefined;
  /**
   * The called distribution tenant's tenant parameter: the build's wrapper reads
   * `cf.distributionTenant.parameters.get(<parameter>)` per request (the runtime offers it only inside the handler),
   * and answers undefined where that throws, on a standard distribution (docs/platform.md#multi-tenant-distributions).
   */
  tenantParameter?: () => unknown;
}

/**
 * The `cf.kvs()` handle: `get` rejects when the key is missing, and, like any read, when the store cannot be
 * read; `exists` resolves to a boolean (docs/platform.md#key-value-store).
 */
export interface KeyValueStore {
  get(key: string, options: { format: 'string' | 'json' }): Promise<unknown>;
  exists(key: string): Promise<boolean>;
}

interface CfValue {
  value: string;
  multiValue?: { value: string }[];
}
type CfMap = { [name: string]: CfValue };
interface CfRequest {
  method: string;
  uri: string;
  querystring: CfMap;
  headers: CfMap;
  cookies: CfMap;
}
interface CfEvent {
  viewer?: { ip?: string };
  request?: CfRequest;
}

const config = __GATE_CONFIG__;
const tokensPort = base64url();
const tokens = createTokenVerifier(config, tokensPort);
const gate = createGate(config, tokens);
let runtime: CloudFrontRuntime;
/** No prototype (set by `init`): a kid such as `constructor` names nothing. */
let inlineKeys: { [kid: string]: HmacKey };

// `fatal`: invalid UTF-8 is refused, as the Lambda@Edge target refuses it. `ignoreBOM`: a leading byte-order
// mark is kept, so that JSON.parse refuses it as on Lambda@Edge — a JSON text must not begin with one
// (RFC 8259 §8.1). The default would strip it silently.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The runtime's Buffer and TextDecoder, for the core's token rules. */
function base64url(): Base64urlPort {
  return {
    segmentBytes: function (segment) {
      return Buffer.from(segment, 'base64url');
    },
    encode: function (bytes) {
      return (bytes as Buffer).toString('base64url');
    },
    text: function (bytes) {
      try {
        return utf8.decode(bytes);
      } catch (_error) {
        return undefined;
      }
    },
  };
}

/** An HS256 key, with its raw HMAC for the fast path. */
interface HmacKey extends VerificationKey {
  mac(signingInput: string): Uint8Array;
}

function hmacKey(secret: string): HmacKey | undefined {
  const bytes = Buffer.from(secret, 'base64url');
  if (bytes.length < 32) return undefined;
  function mac(signingInput: string): Uint8Array {
    return runtime.crypto.createHmac('sha256', bytes).update(signingInput).digest();
  }
  return {
    alg: 'HS256',
    mac: mac,
    verify: function (signingInput, _signature, signatureBytes) {
      // Raw digest bytes against the signature's (decoded once by the core): under njs a comparison of 32
      // bytes costs a seventh of one of 43 characters, and of eight words half of that.
      return constantTimeEqualDigests(mac(signingInput), signatureBytes);
    },
  };
}

export function init(given: CloudFrontRuntime): void {
  runtime = given;
  inlineKeys = Object.create(null);
  if (!__KEYS_IN_STORE__) {
    for (let i = 0; i < config.keys.length; i++) {
      const key = config.keys[i];
      if (key.alg === 'HS256') {
        const imported = hmacKey(key.secret);
        if (imported !== undefined) inlineKeys[key.kid] = imported;
      }
    }
  }
  if (__TG_FAST_PATH__ && !__KEYS_IN_STORE__ && !__KILL_SWITCH__) initFastPath();
}

function inlineKey(kid: string): VerificationKey | undefined {
  return inlineKeys[kid];
}

/** What `storeKey` answers when the store could not be read: not "no such key", which is a 401. */
const STORE_DOWN = null;

/**
 * `key:<kid>` → `{"alg":"HS256","secret":"<base64url>"}`; anything else names no usable key (undefined).
 * STORE_DOWN when the store cannot be read: `get` rejects alike for a missing key and for an outage, so a
 * rejection is followed by `exists`, which tells them apart.
 */
async function storeKey(kid: string): Promise<VerificationKey | undefined | typeof STORE_DOWN> {
  const store = runtime.kvs;
  if (store === undefined || kid.length > 500) return undefined;
  const name = 'key:' + kid;
  let text: unknown;
  try {
    text = await store.get(name, { format: 'string' });
  } catch (_error) {
    try {
      return (await store.exists(name)) ? STORE_DOWN : undefined;
    } catch (_again) {
      return STORE_DOWN;
    }
  }
  let entry: unknown;
  try {
    entry = JSON.parse(text as string);
  } catch (_error) {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null) return undefined;
  const record = entry as { alg?: unknown; secret?: unknown };
  if (record.alg !== 'HS256' || typeof record.secret !== 'string' || !/^[A-Za-z0-9_-]+$/.test(record.secret))
    return undefined;
  return hmacKey(record.secret);
}

/** Every value of a cookie or query parameter: CloudFront puts the first in `value`, all in `multiValue`. */
function values(entry: CfValue | undefined): string[] {
  if (!entry) return [];
  return entry.multiValue
    ? entry.multiValue.map(function (v) {
        return v.value;
      })
    : [entry.value];
}

/** Query keys that decode to the link-token parameter; counted together, like the Lambda@Edge target. */
function linkTokenKeys(querystring: CfMap): string[] {
  const keys: string[] = [];
  for (const name in querystring) {
    let decoded: string | undefined;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch (_error) {
      // A name that cannot be decoded cannot be the parameter.
    }
    if (decoded === config.linkTokenParam) keys.push(name);
  }
  return keys;
}

function toGateRequest(event: CfEvent): GateRequest | undefined {
  const request = event.request;
  if (typeof request !== 'object' || request === null) return undefined;
  const headers = request.headers || {};
  const querystring = request.querystring || {};
  const cookies = request.cookies || {};
  if (typeof headers !== 'object' || typeof cookies !== 'object' || typeof querystring !== 'object') return undefined;
  const keys = linkTokenKeys(querystring);
  let linkTokens: string[] = [];
  for (let i = 0; i < keys.length; i++) linkTokens = linkTokens.concat(values(querystring[keys[i]]));
  return {
    method: request.method,
    uri: request.uri,
    tokenCookies: values(cookies[config.cookieName]),
    linkTokens: linkTokens,
    viewerIp: event.viewer && typeof event.viewer.ip === 'string' ? event.viewer.ip : '',
    // Read only by the web features (CORS, login redirect): left out of a build without them.
    header:
      typeof __TG_CORS__ === 'undefined' || __TG_CORS__ || __TG_LOGIN_REDIRECT__ !== false
        ? function (name) {
            const entry = headers[name];
            return entry ? entry.value : undefined;
          }
        : NO_HEADER,
  };
}

function answer(refused: Respond): object {
  if (refused.refusal !== undefined) console.log('refused ' + refused.refusal.code + ' ' + refused.refusal.reason);
  const response = refused.response;
  const headers: { [name: string]: { value: string } } = {};
  for (const name in response.headers) headers[name] = { value: response.headers[name] };
  const result: { [field: string]: unknown } = { statusCode: response.status, headers: headers };
  if (response.body !== '') result.body = { encoding: 'text', data: response.body };
  return result;
}

/** Why an event was refused as malformed (one string: every byte counts). */
const UNREADABLE = 'unreadable event';

function malformed(reason: string): object {
  return answer(gate.refuse(refusal('malformed_request', reason), undefined));
}

/** Forward with only the uri rewritten, minus the credential: the origin never needs the token. */
function forward(event: CfEvent, decision: Forward): object {
  const request = event.request as CfRequest;
  request.uri = decision.uri;
  if (request.cookies) delete request.cookies[config.cookieName];
  // A link token, when present, was the credential: with a session credential there is none to drop.
  if (decision.credential.kind === 'link') {
    const drop = linkTokenKeys(request.querystring);
    for (let i = 0; i < drop.length; i++) delete request.querystring[drop[i]];
  }
  return request;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** `"disabled":true` in a tenant entry's JSON form (src/revocation.ts); no JSON parser for one member. */
const DISABLED_MEMBER = /"disabled"\s*:\s*true/;

/** Called as a method: njs crashes on its built-ins called detached (measured, njs 0.7.9). */
function utf8Bytes(text: string): number {
  return Buffer.byteLength(text);
}

/** A store entry's value, undefined when there is none; rejects when the store cannot be read. */
async function storeValue(name: string): Promise<string | undefined> {
  const store = runtime.kvs!;
  return (await store.exists(name)) ? ((await store.get(name, { format: 'string' })) as string) : undefined;
}

/**
 * What the store says of a credential the decision accepted: the kill switch and revocation, from one read of
 * `tenant:<tenant>`, and of `user:<tenant>:<sub>` only when that entry says the tenant has per-user entries
 * (src/revocation.ts). A store that cannot be read, or an entry that cannot be read as one, refuses (503): the
 * kill switch has always failed closed, and a revocation must too.
 */
async function storeRefusal(credential: VerifiedToken): Promise<Refusal | undefined> {
  let value: string | undefined;
  try {
    value = await storeValue('tenant:' + credential.tenant);
  } catch (_error) {
    return refusal('store_unavailable', 'tenant entry unreadable');
  }
  // Each build folds the condition and keeps one branch: revocation's code, or the kill switch's regex.
  return __TG_REVOCATION__
    ? revocationRefusal(credential, value)
    : // Without revocation, the JSON form (written once a tenant has a revocation too) still says `disabled`.
      value === 'disabled' || DISABLED_MEMBER.test(value!)
      ? refusal('tenant_disabled', credential.tenant)
      : undefined;
}

/** The tenant entry's value (undefined: none) read as kill switch and epochs; the user entry when it says so. */
async function revocationRefusal(credential: VerifiedToken, value: string | undefined): Promise<Refusal | undefined> {
  const entry = parseTenantEntry(value || '');
  if (entry === undefined) return refusal('store_unavailable', 'tenant entry malformed');
  if (__KILL_SWITCH__ && entry.disabled) return refusal('tenant_disabled', credential.tenant);
  let epoch: number | undefined = 0;
  if (entry.users) {
    const key = userKey(credential, utf8Bytes);
    if (key === undefined) return refusal('revoked', 'no usable sub');
    let user: string | undefined;
    try {
      // Awaited apart: njs 0.7.9 crashes on an `await` inside a call's arguments (measured).
      user = await storeValue(key);
    } catch (_error) {
      return refusal('store_unavailable', 'user entry unreadable');
    }
    epoch = parseUserEntry(user || '0');
    if (epoch === undefined) return refusal('store_unavailable', 'user entry malformed');
  }
  return revocation(credential, entry, epoch);
}

/** The function when it reads its KeyValueStore (keys, kill switch, revocation, or several). */
async function handleWithStore(event: CfEvent): Promise<object> {
  try {
    const gateRequest = event && typeof event === 'object' ? toGateRequest(event) : undefined;
    if (gateRequest === undefined) return malformed(UNREADABLE);
    // Anything but a non-empty string is unreadable: the decision refuses (src/distribution-tenant.ts).
    if (__TG_DISTRIBUTION_TENANT__) gateRequest.siteTenant = runtime.tenantParameter!();

    let keys: KeyLookup = inlineKey;
    let storeDown = false;
    if (__KEYS_IN_STORE__) {
      // Read the one key the token names before the (synchronous) decision.
      const credential =
        (typeof __TG_GRANTS__ === 'undefined' ? config.grants !== null : __TG_GRANTS__) &&
        isGrantPath(config, gateRequest.uri)
          ? gateRequest.uri.slice(config.grants!.pathPrefix.length).split('/')[0]
          : credentialOf(gateRequest);
      const header =
        credential === undefined ? undefined : readTokenHeader(credential, config.maxTokenLength, tokensPort);
      const kid = header !== undefined && header.ok ? header.header.kid : undefined;
      const key = kid === undefined ? undefined : await storeKey(kid);
      storeDown = key === STORE_DOWN;
      keys = function (wanted) {
        return wanted === kid && key !== STORE_DOWN ? key : undefined;
      };
    }

    const decision: Decision = gate.decide(gateRequest, keys, nowSeconds());
    if (decision.action === 'respond') {
      // An outage is not a missing key: a 503 the viewer may retry, never a 401 that sends them to log in.
      if (storeDown && decision.refusal !== undefined && decision.refusal.reason === 'kid_unknown') {
        return answer(gate.refuse(refusal('store_unavailable', 'key store unreadable'), gateRequest));
      }
      return answer(decision);
    }

    if (__KILL_SWITCH__ || __TG_REVOCATION__) {
      const refused = await storeRefusal(decision.credential);
      if (refused !== undefined) return answer(gate.refuse(refused, gateRequest));
    }
    return forward(event, decision);
  } catch (_error) {
    // An exception here would be a 503 for the viewer: refuse instead.
    return malformed(UNREADABLE);
  }
}

/**
 * The common request — GET or HEAD of a plain path under the prefix, one session cookie, an HS256 token whose
 * header segment is one the function's own keys predict and whose claims pass — in few calls: under njs each call
 * costs about a thousand instructions (docs/platform.md#njs-as-a-stand-in). It only ever accepts: anything it is not
 * sure of (any failed or unusual check) is left to the general path (undefined), which judges it by the rules of
 * src/. Every check here is one of those rules, stricter where that is cheaper (an `aud` array, a `nbf`, a query
 * parameter that may be the link token, a repeated cookie, a header written another way: all left to the general
 * path). It learns nothing from earlier requests that it needs: AWS does not say whether a function's global
 * state outlives a request (docs/platform.md#cloudfront-functions-runtime), and a fast path that needed it would
 * never run where it does not. A test build without this path must agree with the default one
 * (test/cross-target.test.ts, and test/distribution-tenant.test.ts on a multi-tenant distribution).
 */
let FAST_TOKEN: RegExp;
let FAST_TENANT: RegExp;
let FAST_ORIGIN: OriginPrefix;
/** A query parameter name that may decode to the link-token parameter. */
const ESCAPED_NAME = /[%+]/;
/**
 * Each inline key by the header segment of the session tokens tenant-gate's minters sign with it (`mintedHeader`):
 * that header's verdict is known without reading it (alg HS256, typ session, that kid, nothing else). No prototype.
 */
let fastKeys: { [segment: string]: HmacKey };
/** The tenant of the last request this path accepted, when the context outlives a request: its checks passed. */
let fastTenant: string | undefined;

/** Set up by `init`, so that a build without the fast path carries none of it. */
function initFastPath(): void {
  // The header segment is looked up among the predicted ones; the payload is re-encoded below.
  FAST_TOKEN = new RegExp('^(([^.]+)\\.([^.]+))\\.(' + CANONICAL_BASE64URL_32 + ')' + END);
  FAST_TENANT = new RegExp(config.tenantPattern);
  FAST_ORIGIN = originPrefixParts(config.originPrefix);
  fastKeys = Object.create(null);
  for (const kid in inlineKeys) {
    fastKeys[Buffer.from(mintedHeader('HS256', SESSION_TYP, kid)).toString('base64url')] = inlineKeys[kid];
  }
}

function fastForward(event: CfEvent): object | undefined {
  const request = event.request as CfRequest;
  // The general path refuses a map of the wrong type (400) and reads a missing one as empty: both left to it.
  // A request that is no object throws below, a 400 on both paths.
  if (typeof request.headers !== 'object' || typeof request.querystring !== 'object') return undefined;
  const method = request.method;
  const uri = request.uri;
  if (
    (method !== 'GET' && method !== 'HEAD') ||
    typeof uri !== 'string' ||
    uri.length > MAX_URI_LENGTH ||
    // The prefix ends with `/` and PLAIN_PATH refuses a trailing one: the prefix alone cannot pass.
    uri.lastIndexOf(config.pathPrefix, 0) !== 0 ||
    !PLAIN_PATH.test(uri)
  ) {
    return undefined;
  }
  for (const name in request.querystring) {
    if (name === config.linkTokenParam || ESCAPED_NAME.test(name)) return undefined;
  }
  const cookie = request.cookies && request.cookies[config.cookieName];
  if (!cookie || cookie.multiValue !== undefined) return undefined;
  const token = cookie.value;
  if (typeof token !== 'string' || token.length > config.maxTokenLength) return undefined;
  const parts = FAST_TOKEN.exec(token);
  if (parts === null) return undefined;
  const key = fastKeys[parts[2]];
  if (key === undefined || !constantTimeEqualDigests(key.mac(parts[1]), Buffer.from(parts[4], 'base64url'))) {
    return undefined;
  }
  // The payload's canonical form as `canonicalBytes` checks it (a cheaper pattern does not exist under njs).
  const payload = Buffer.from(parts[3], 'base64url');
  if (payload.toString('base64url') !== parts[3]) return undefined;
  const now = nowSeconds();
  const tolerance = config.clockToleranceSeconds;
  let claims: { [name: string]: unknown };
  try {
    claims = JSON.parse(utf8.decode(payload));
    const exp = claims.exp;
    const iat = claims.iat;
    // `x - x === 0`: a finite number (NumericDate), without a call. A `null` payload throws here: general path.
    if (
      claims.iss !== config.issuer ||
      claims.aud !== config.audience ||
      typeof exp !== 'number' ||
      exp - exp !== 0 ||
      typeof iat !== 'number' ||
      iat - iat !== 0 ||
      exp <= now - tolerance ||
      iat > now + tolerance ||
      claims.nbf !== undefined ||
      exp - iat > config.maxTokenLifetimeSeconds
    ) {
      return undefined;
    }
  } catch (_error) {
    return undefined;
  }
  const tenant = claims[config.tenantClaim];
  if (fastTenant === undefined || tenant !== fastTenant) {
    if (tenantFailure(tenant, FAST_TENANT) !== undefined) return undefined;
    fastTenant = tenant as string;
  }
  // On a multi-tenant distribution, the called tenant's own credential only: anything else is the general path's
  // to refuse (503 unreadable, 403 another tenant's).
  if (__TG_DISTRIBUTION_TENANT__ && runtime.tenantParameter!() !== tenant) return undefined;
  // With `originPath: "parameter"` the origin's path names the tenant's folder: the uri goes as the viewer sent it.
  if (!__TG_ORIGIN_PATH_BY_PARAMETER__) request.uri = originUri(FAST_ORIGIN, tenant as string, uri);
  delete request.cookies[config.cookieName];
  return request;
}

/** The handler's work: synchronous unless the function reads its KeyValueStore. */
export function handle(event: CfEvent): object | Promise<object> {
  if (__KEYS_IN_STORE__ || __KILL_SWITCH__ || __TG_REVOCATION__) return handleWithStore(event);
  try {
    // An event that is no object throws in fastForward: the 400 the general path gives it.
    const forwarded = __TG_FAST_PATH__ && !__KEYS_IN_STORE__ && !__KILL_SWITCH__ ? fastForward(event) : undefined;
    if (forwarded !== undefined) return forwarded;
    const gateRequest = event && typeof event === 'object' ? toGateRequest(event) : undefined;
    if (gateRequest === undefined) return malformed(UNREADABLE);
    // Anything but a non-empty string is unreadable: the decision refuses (src/distribution-tenant.ts).
    if (__TG_DISTRIBUTION_TENANT__) gateRequest.siteTenant = runtime.tenantParameter!();
    const decision = gate.decide(gateRequest, inlineKey, nowSeconds());
    if (decision.action === 'respond') return answer(decision);
    return forward(event, decision);
  } catch (_error) {
    // An exception here would be a 503 for the viewer: refuse instead.
    return malformed(UNREADABLE);
  }
}
