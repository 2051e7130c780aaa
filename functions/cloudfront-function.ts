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
import { constantTimeEqualBytes } from '../src/constant-time';
import { createGate, credentialOf, type Decision, type Forward, type GateRequest, type Respond } from '../src/decision';
import { refusal } from '../src/errors';
import {
  createTokenVerifier,
  readTokenHeader,
  type Base64urlPort,
  type KeyLookup,
  type VerificationKey,
} from '../src/token';

declare const __GATE_CONFIG__: GateConfig;
// Build-time constants (the same values as in the config) so that esbuild drops the unused paths:
// every byte counts under the 10 KB limit.
declare const __KEYS_IN_STORE__: boolean;
declare const __KILL_SWITCH__: boolean;

/** The two runtime modules the function uses, as CloudFront provides them. */
export interface CloudFrontRuntime {
  crypto: {
    createHmac(algorithm: 'sha256', key: Uint8Array): { update(data: string): { digest(): Uint8Array } };
  };
  kvs: KeyValueStore | undefined;
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
let inlineKeys: { [kid: string]: VerificationKey };

/** The runtime's Buffer and TextDecoder, for the core's token rules. */
function base64url(): Base64urlPort {
  // `fatal`: invalid UTF-8 is refused, as the Lambda@Edge target refuses it. `ignoreBOM`: a leading byte-order
  // mark is kept, so that JSON.parse refuses it as on Lambda@Edge — a JSON text must not begin with one
  // (RFC 8259 §8.1). The default would strip it silently.
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  return {
    decode: function (segment) {
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

function hmacKey(secret: string): VerificationKey | undefined {
  const bytes = Buffer.from(secret, 'base64url');
  if (bytes.length < 32) return undefined;
  return {
    alg: 'HS256',
    verify: function (signingInput, _signature, signatureBytes) {
      // Raw digest bytes against the signature's (decoded once by the core): under njs a 32-byte loop costs a
      // seventh of a 43-character one.
      return constantTimeEqualBytes(
        runtime.crypto.createHmac('sha256', bytes).update(signingInput).digest(),
        signatureBytes,
      );
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
    header: function (name) {
      const entry = headers[name];
      return entry ? entry.value : undefined;
    },
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

async function tenantDisabled(tenant: string): Promise<boolean | undefined> {
  try {
    const store = runtime.kvs!;
    return (
      (await store.exists('tenant:' + tenant)) &&
      (await store.get('tenant:' + tenant, { format: 'string' })) === 'disabled'
    );
  } catch (_error) {
    return undefined;
  }
}

/** The function when it reads its KeyValueStore (keys, kill switch, or both). */
async function handleWithStore(event: CfEvent): Promise<object> {
  try {
    const gateRequest = event && typeof event === 'object' ? toGateRequest(event) : undefined;
    if (gateRequest === undefined) return malformed('no readable request');

    let keys: KeyLookup = inlineKey;
    let storeDown = false;
    if (__KEYS_IN_STORE__) {
      // Read the one key the token names before the (synchronous) decision.
      const credential = credentialOf(gateRequest);
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

    if (__KILL_SWITCH__) {
      const disabled = await tenantDisabled(decision.tenant);
      if (disabled === undefined)
        return answer(gate.refuse(refusal('store_unavailable', 'kill switch unreadable'), gateRequest));
      if (disabled) return answer(gate.refuse(refusal('tenant_disabled', decision.tenant), gateRequest));
    }
    return forward(event, decision);
  } catch (_error) {
    // An exception here would be a 503 for the viewer: refuse instead.
    return malformed('unreadable event');
  }
}

/** The handler's work: synchronous unless the function reads its KeyValueStore. */
export function handle(event: CfEvent): object | Promise<object> {
  if (__KEYS_IN_STORE__ || __KILL_SWITCH__) return handleWithStore(event);
  try {
    const gateRequest = event && typeof event === 'object' ? toGateRequest(event) : undefined;
    if (gateRequest === undefined) return malformed('no readable request');
    const decision = gate.decide(gateRequest, inlineKey, nowSeconds());
    return decision.action === 'respond' ? answer(decision) : forward(event, decision);
  } catch (_error) {
    // An exception here would be a 503 for the viewer: refuse instead.
    return malformed('unreadable event');
  }
}
