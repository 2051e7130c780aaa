/**
 * CloudFront Function (cloudfront-js-2.0) viewer-request adapter: event → core decision → result.
 *
 * The runtime is an ES5.1-plus dialect (njs-based): this file and everything it imports from src/ avoid
 * destructuring, spread, classes, for-of, default parameters, Map and Set (see docs/platform.md#njs-as-a-stand-in). The build
 * wraps the bundle so that the runtime's own modules — `crypto`, and `cloudfront` for the KeyValueStore —
 * are handed to `init` by the top-level script, and `handler(event)` is a top-level function.
 *
 * Only HMAC can be computed here: HS256 tokens are verified; any other algorithm is a 401.
 */
import type { GateConfig } from '../config/gate';
import { constantTimeEqual } from '../src/constant-time';
import { createGate, credentialOf, type GateRequest, type Respond } from '../src/decision';
import { refusal } from '../src/errors';
import { createTokenVerifier, readTokenHeader, type KeyLookup, type VerificationKey } from '../src/token';

declare const __GATE_CONFIG__: GateConfig;
// Build-time constants (the same values as in the config) so that esbuild drops the unused paths:
// every byte counts under the 10 KB limit.
declare const __KEYS_IN_STORE__: boolean;
declare const __KILL_SWITCH__: boolean;

/** The two runtime modules the function uses, as CloudFront provides them. */
export interface CloudFrontRuntime {
  crypto: {
    createHmac(
      algorithm: 'sha256',
      key: Uint8Array,
    ): { update(data: string): { digest(encoding: 'base64url'): string } };
  };
  kvs: KeyValueStore | undefined;
}

/** The `cf.kvs()` handle: `get` rejects when the key is missing. */
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
const tokens = createTokenVerifier(config, decodeText);
const gate = createGate(config, tokens);
let runtime: CloudFrontRuntime;
let inlineKeys: { [kid: string]: VerificationKey } = {};

// `fatal`: invalid UTF-8 is refused, as the Lambda@Edge target refuses it.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(segment: string): string | undefined {
  try {
    return utf8.decode(Buffer.from(segment, 'base64url'));
  } catch (_error) {
    return undefined;
  }
}

function hmacKey(secret: string): VerificationKey | undefined {
  const bytes = Buffer.from(secret, 'base64url');
  if (bytes.length < 32) return undefined;
  return {
    alg: 'HS256',
    verify: function (signingInput, signature) {
      // Canonical base64url on both sides (the core checks the token's): equal strings, equal bytes.
      return constantTimeEqual(
        runtime.crypto.createHmac('sha256', bytes).update(signingInput).digest('base64url'),
        signature,
      );
    },
  };
}

export function init(given: CloudFrontRuntime): void {
  runtime = given;
  inlineKeys = {};
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

/** `key:<kid>` → `{"alg":"HS256","secret":"<base64url>"}`; anything else names no usable key. */
async function storeKey(kid: string): Promise<VerificationKey | undefined> {
  if (runtime.kvs === undefined || kid.length > 500) return undefined;
  let entry: unknown;
  try {
    entry = await runtime.kvs.get('key:' + kid, { format: 'json' });
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
  return entry.multiValue ? entry.multiValue.map((v) => v.value) : [entry.value];
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

export async function handle(event: CfEvent): Promise<object> {
  try {
    const gateRequest = event && typeof event === 'object' ? toGateRequest(event) : undefined;
    if (gateRequest === undefined)
      return answer(gate.refuse(refusal('malformed_request', 'no readable request'), undefined));

    let keys: KeyLookup = function (kid) {
      return inlineKeys[kid];
    };
    if (__KEYS_IN_STORE__) {
      // Read the one key the token names before the (synchronous) decision.
      const credential = credentialOf(gateRequest);
      const header =
        credential === undefined ? undefined : readTokenHeader(credential, config.maxTokenLength, decodeText);
      const kid = header !== undefined && header.ok ? header.header.kid : undefined;
      const key = kid === undefined ? undefined : await storeKey(kid);
      keys = function (wanted) {
        return wanted === kid ? key : undefined;
      };
    }

    const decision = gate.decide(gateRequest, keys, Math.floor(Date.now() / 1000));
    if (decision.action === 'respond') return answer(decision);

    if (__KILL_SWITCH__) {
      const disabled = await tenantDisabled(decision.tenant);
      if (disabled === undefined)
        return answer(gate.refuse(refusal('store_unavailable', 'kill switch unreadable'), gateRequest));
      if (disabled) return answer(gate.refuse(refusal('tenant_disabled', decision.tenant), gateRequest));
    }

    // Forward with only the uri rewritten, minus the credential: the origin never needs the token.
    const request = (event as CfEvent).request as CfRequest;
    request.uri = decision.uri;
    const cookies = request.cookies || {};
    const querystring = request.querystring || {};
    delete cookies[config.cookieName];
    const drop = linkTokenKeys(querystring);
    for (let i = 0; i < drop.length; i++) delete querystring[drop[i]];
    return request;
  } catch (_error) {
    // An exception here would be a 503 for the viewer: refuse instead.
    return answer(gate.refuse(refusal('malformed_request', 'unreadable event'), undefined));
  }
}
