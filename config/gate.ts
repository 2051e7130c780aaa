/**
 * The gate's configuration: its shape, its defaults, and the one validation that runs at build time.
 *
 * Lambda@Edge has no environment variables and CloudFront Functions have no file system, so the build
 * validates `gatekeeper.config.json` once and embeds the result in each bundle. Runtime code only ever sees
 * a `GateConfig` that passed `validateConfig`.
 */
import { createPublicKey } from 'node:crypto';
import { validateLoginConfig, type LoginConfig } from './login';

export type HmacAlgorithm = 'HS256';
export type AsymmetricAlgorithm = 'ES256' | 'RS256' | 'EdDSA';
export type Algorithm = HmacAlgorithm | AsymmetricAlgorithm;

export interface HmacKeyConfig {
  kid: string;
  alg: HmacAlgorithm;
  /** base64url, at least 32 bytes once decoded (RFC 7518 §3.2: a key as long as the hash output). */
  secret: string;
}

export interface PublicKeyConfig {
  kid: string;
  alg: AsymmetricAlgorithm;
  publicKeyJwk: JsonWebKeyLike;
}

export type KeyConfig = HmacKeyConfig | PublicKeyConfig;

export interface JsonWebKeyLike {
  kty: string;
  [member: string]: unknown;
}

export interface CloudFrontFunctionConfig {
  /** `inline`: keys embedded in the function. `keyValueStore`: read `key:<kid>` from the store at request time. */
  keySource: 'inline' | 'keyValueStore';
  /** Refuse tenants for which the store holds `tenant:<tenant>` = `disabled`. Needs a store. */
  tenantKillSwitch: boolean;
}

export interface GateConfig {
  domain: string;
  issuer: string;
  audience: string;
  cookieName: string;
  tenantClaim: string;
  tenantPattern: string;
  originPrefix: string;
  pathPrefix: string;
  maxTokenLifetimeSeconds: number;
  maxLinkLifetimeSeconds: number;
  clockToleranceSeconds: number;
  maxTokenLength: number;
  linkTokenParam: string;
  corsOrigins: string[];
  loginUrl: string | null;
  keys: KeyConfig[];
  cloudfrontFunction: CloudFrontFunctionConfig;
  /** The login origin (`/auth/*`), validated by config/login.ts; absent when there is no login function. */
  login?: LoginConfig;
}

export const DEFAULTS = {
  cookieName: '__Host-tenant',
  tenantClaim: 'tid',
  tenantPattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$',
  originPrefix: '/tenants/{tenant}',
  pathPrefix: '/files/',
  maxLinkLifetimeSeconds: 172800,
  clockToleranceSeconds: 30,
  maxTokenLength: 4096,
  linkTokenParam: 'token',
} as const;

/** A build-time configuration error. Its message always names the offending field. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const KNOWN_FIELDS = new Set([
  '$schema',
  'domain',
  'issuer',
  'audience',
  'cookieName',
  'tenantClaim',
  'tenantPattern',
  'originPrefix',
  'pathPrefix',
  'maxTokenLifetimeSeconds',
  'maxLinkLifetimeSeconds',
  'clockToleranceSeconds',
  'maxTokenLength',
  'linkTokenParam',
  'corsOrigins',
  'loginUrl',
  'keys',
  'cloudfrontFunction',
  'login',
  'local',
]);
export const CONFIG_FIELDS: ReadonlySet<string> = KNOWN_FIELDS;

const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|^localhost$/;
// RFC 6265 cookie-name = token; the browser-enforced prefixes make `__Host-` the safe default.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
const SAFE_SEGMENT = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;
const KID = /^[\x21-\x7e]{1,128}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(raw: Record<string, unknown>, field: string, fallback?: string): string {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(
      field,
      fallback === undefined ? 'required, a non-empty string' : 'must be a non-empty string',
    );
  }
  return value;
}

function int(raw: Record<string, unknown>, field: string, min: number, max: number, fallback?: number): number {
  const value = raw[field] ?? fallback;
  if (value === undefined) throw new ConfigError(field, `required, an integer from ${min} to ${max}`);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function decodeBase64url(field: string, value: string): Buffer {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new ConfigError(field, 'must be base64url without padding');
  return Buffer.from(value, 'base64url');
}

function validateKey(raw: unknown, index: number, seen: Set<string>): KeyConfig {
  const at = `keys[${index}]`;
  if (!isObject(raw)) throw new ConfigError(at, 'must be an object');
  for (const member of Object.keys(raw)) {
    if (!['kid', 'alg', 'secret', 'publicKeyJwk'].includes(member)) {
      throw new ConfigError(`${at}.${member}`, 'unknown field');
    }
  }
  const kid = raw.kid;
  if (typeof kid !== 'string' || !KID.test(kid)) {
    throw new ConfigError(`${at}.kid`, 'required, 1 to 128 printable ASCII characters');
  }
  if (seen.has(kid)) throw new ConfigError(`${at}.kid`, `duplicate kid "${kid}"`);
  seen.add(kid);
  const alg = raw.alg;
  if (alg === 'HS256') {
    if (raw.publicKeyJwk !== undefined) throw new ConfigError(`${at}.publicKeyJwk`, 'not allowed with HS256');
    if (typeof raw.secret !== 'string') throw new ConfigError(`${at}.secret`, 'required for HS256 (base64url)');
    const bytes = decodeBase64url(`${at}.secret`, raw.secret);
    if (bytes.length < 32) {
      throw new ConfigError(`${at}.secret`, `must decode to at least 32 bytes, got ${bytes.length}`);
    }
    return { kid, alg, secret: raw.secret };
  }
  if (alg === 'ES256' || alg === 'RS256' || alg === 'EdDSA') {
    if (raw.secret !== undefined) throw new ConfigError(`${at}.secret`, `not allowed with ${alg}`);
    const jwk = raw.publicKeyJwk;
    if (!isObject(jwk) || typeof jwk.kty !== 'string') {
      throw new ConfigError(`${at}.publicKeyJwk`, `required for ${alg}: a public JWK`);
    }
    if ('d' in jwk) throw new ConfigError(`${at}.publicKeyJwk`, 'holds a private key ("d"); give the public key only');
    let key;
    try {
      key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    } catch (error) {
      throw new ConfigError(`${at}.publicKeyJwk`, `is not a valid public JWK (${(error as Error).message})`);
    }
    const details = key.asymmetricKeyDetails ?? {};
    const fits =
      (alg === 'ES256' && key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') ||
      (alg === 'RS256' && key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 2048) ||
      (alg === 'EdDSA' && key.asymmetricKeyType === 'ed25519');
    if (!fits) {
      const want = { ES256: 'an EC P-256 key', RS256: 'an RSA key of at least 2048 bits', EdDSA: 'an Ed25519 key' }[
        alg
      ];
      throw new ConfigError(`${at}.publicKeyJwk`, `must be ${want} for ${alg}`);
    }
    const publicKeyJwk: JsonWebKeyLike = { kty: jwk.kty };
    for (const member of ['crv', 'x', 'y', 'n', 'e']) if (jwk[member] !== undefined) publicKeyJwk[member] = jwk[member];
    return { kid, alg, publicKeyJwk };
  }
  throw new ConfigError(`${at}.alg`, `must be one of HS256, ES256, RS256, EdDSA, got ${JSON.stringify(alg)}`);
}

/**
 * Checks a raw configuration object and returns it with defaults filled in.
 * Throws `ConfigError` naming the first field that is wrong.
 */
export function validateConfig(raw: unknown): GateConfig {
  if (!isObject(raw)) throw new ConfigError('(root)', 'the configuration must be a JSON object');
  for (const field of Object.keys(raw)) {
    if (!KNOWN_FIELDS.has(field)) throw new ConfigError(field, 'unknown field (see gatekeeper.config.schema.json)');
  }
  const domain = str(raw, 'domain');
  if (!HOST.test(domain))
    throw new ConfigError('domain', `must be a lower-case host name, got ${JSON.stringify(domain)}`);
  const issuer = str(raw, 'issuer');
  const audience = str(raw, 'audience');

  const cookieName = str(raw, 'cookieName', DEFAULTS.cookieName);
  if (!COOKIE_NAME.test(cookieName)) throw new ConfigError('cookieName', 'must be an RFC 6265 cookie name');

  const tenantClaim = str(raw, 'tenantClaim', DEFAULTS.tenantClaim);
  const tenantPattern = str(raw, 'tenantPattern', DEFAULTS.tenantPattern);
  if (!tenantPattern.startsWith('^') || !tenantPattern.endsWith('$')) {
    throw new ConfigError('tenantPattern', 'must be anchored: start with ^ and end with $');
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(tenantPattern);
  } catch (error) {
    throw new ConfigError('tenantPattern', `is not a valid regular expression (${(error as Error).message})`);
  }
  // The pattern decides what lands in a path segment; refuse one that admits a traversal or a separator.
  for (const hostile of ['', '.', '..', 'a/b', 'a\\b', '%2e', 'a%2fb', 'a b', 'a\nb', '/']) {
    if (pattern.test(hostile)) {
      throw new ConfigError('tenantPattern', `admits ${JSON.stringify(hostile)}, which is not a safe path segment`);
    }
  }

  const originPrefix = str(raw, 'originPrefix', DEFAULTS.originPrefix);
  const prefixSegments = originPrefix.split('/');
  if (
    prefixSegments[0] !== '' ||
    prefixSegments.filter((s) => s === '{tenant}').length !== 1 ||
    prefixSegments.slice(1).some((s) => s !== '{tenant}' && !SAFE_SEGMENT.test(s)) ||
    prefixSegments.slice(1).some((s) => s === '.' || s === '..')
  ) {
    throw new ConfigError(
      'originPrefix',
      'must start with "/", contain "{tenant}" exactly once as a whole segment, no empty or dot segments, no trailing "/"',
    );
  }

  const pathPrefix = str(raw, 'pathPrefix', DEFAULTS.pathPrefix);
  if (
    !pathPrefix.startsWith('/') ||
    !pathPrefix.endsWith('/') ||
    (pathPrefix !== '/' &&
      pathPrefix
        .slice(1, -1)
        .split('/')
        .some((s) => !SAFE_SEGMENT.test(s) || s === '.' || s === '..'))
  ) {
    throw new ConfigError('pathPrefix', 'must start and end with "/" and hold only plain segments, e.g. "/files/"');
  }

  const maxTokenLifetimeSeconds = int(raw, 'maxTokenLifetimeSeconds', 1, 7 * 86400);
  const maxLinkLifetimeSeconds = int(raw, 'maxLinkLifetimeSeconds', 1, 30 * 86400, DEFAULTS.maxLinkLifetimeSeconds);
  const clockToleranceSeconds = int(raw, 'clockToleranceSeconds', 0, 300, DEFAULTS.clockToleranceSeconds);
  const maxTokenLength = int(raw, 'maxTokenLength', 256, 8192, DEFAULTS.maxTokenLength);
  const linkTokenParam = str(raw, 'linkTokenParam', DEFAULTS.linkTokenParam);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(linkTokenParam)) {
    throw new ConfigError('linkTokenParam', 'must be 1 to 64 characters of [A-Za-z0-9_-]');
  }
  if (['Expires', 'Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm'].includes(linkTokenParam)) {
    throw new ConfigError('linkTokenParam', "must not be one of CloudFront's signed-URL parameters");
  }

  const corsOrigins = raw.corsOrigins ?? [];
  if (!Array.isArray(corsOrigins)) throw new ConfigError('corsOrigins', 'must be an array of origins');
  corsOrigins.forEach((origin, i) => {
    if (typeof origin !== 'string' || !/^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/.test(origin)) {
      throw new ConfigError(`corsOrigins[${i}]`, 'must be an origin like "https://app.example.com" (no path, no "*")');
    }
  });

  const loginUrl = raw.loginUrl ?? null;
  if (
    loginUrl !== null &&
    (typeof loginUrl !== 'string' || !/^(?:https:\/\/[a-z0-9.-]+(?::\d{1,5})?)?\/[^?#\s]*$/.test(loginUrl))
  ) {
    throw new ConfigError('loginUrl', 'must be an https URL or an absolute path, without query or fragment');
  }

  if (!Array.isArray(raw.keys) || raw.keys.length === 0) {
    throw new ConfigError('keys', 'required, a non-empty array of verification keys');
  }
  const seen = new Set<string>();
  const keys = raw.keys.map((key, i) => validateKey(key, i, seen));

  const cff = raw.cloudfrontFunction ?? {};
  if (!isObject(cff)) throw new ConfigError('cloudfrontFunction', 'must be an object');
  for (const member of Object.keys(cff)) {
    if (member !== 'keySource' && member !== 'tenantKillSwitch') {
      throw new ConfigError(`cloudfrontFunction.${member}`, 'unknown field');
    }
  }
  const keySource = cff.keySource ?? 'inline';
  if (keySource !== 'inline' && keySource !== 'keyValueStore') {
    throw new ConfigError('cloudfrontFunction.keySource', 'must be "inline" or "keyValueStore"');
  }
  const tenantKillSwitch = cff.tenantKillSwitch ?? false;
  if (typeof tenantKillSwitch !== 'boolean') {
    throw new ConfigError('cloudfrontFunction.tenantKillSwitch', 'must be true or false');
  }

  return {
    domain,
    issuer,
    audience,
    cookieName,
    tenantClaim,
    tenantPattern,
    originPrefix,
    pathPrefix,
    maxTokenLifetimeSeconds,
    maxLinkLifetimeSeconds,
    clockToleranceSeconds,
    maxTokenLength,
    linkTokenParam,
    corsOrigins: corsOrigins as string[],
    loginUrl: loginUrl as string | null,
    keys,
    cloudfrontFunction: { keySource, tenantKillSwitch },
    ...(raw.login !== undefined
      ? { login: validateLoginConfig(raw.login, { issuer, keys, maxTokenLifetimeSeconds, maxLinkLifetimeSeconds }) }
      : {}),
  };
}
