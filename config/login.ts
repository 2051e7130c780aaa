/**
 * The `login` section of gatekeeper.config.json: how the login origin (`/auth/*`) checks identities, which key
 * mints tenant tokens, how CloudFront signing is done, and where the secrets live.
 *
 * Validated at build time by `validateConfig` (config/gate.ts), like the rest of the configuration. The result is
 * itself a valid input (every default written out), so a validated configuration can be validated again — the
 * build and the test helpers do exactly that.
 */
import { ConfigError, type GateConfig } from './gate';

/** Where a secret is read from, once per cold start. Never the secret itself: key material stays out of the repo. */
export type SecretSource = { file: string } | { ssmParameter: string } | { secretsManagerSecret: string };

/** Asymmetric JWS algorithms an identity provider may use. HMAC is refused: a shared secret is not an identity. */
export const IDENTITY_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
] as const;
export type IdentityAlgorithm = (typeof IDENTITY_ALGORITHMS)[number];

export interface PublicJwks {
  keys: { kty: string; [member: string]: unknown }[];
}

export interface IdentityConfig {
  /** The identity provider's `iss`, compared exactly (e.g. Cognito's `https://cognito-idp.<region>.amazonaws.com/<pool>`). */
  issuer: string;
  /** Accepted `aud` values (the app's client id). */
  audience: string[];
  /** The claim that names the tenant, e.g. `custom:tenant_id` for Cognito. */
  tenantClaim: string;
  /** An OIDC JWKS URL (fetched and cached per container), or null when `jwks` is given. */
  jwksUrl: string | null;
  /** A static JWKS (public keys only), or null when `jwksUrl` is given. */
  jwks: PublicJwks | null;
  algorithms: IdentityAlgorithm[];
  /**
   * The request header carrying the identity token, lower case. `authorization` (with `Bearer `) by default;
   * behind CloudFront origin access control (which signs with, and so overwrites, `Authorization`) use another
   * one, e.g. `x-identity-token`.
   */
  tokenHeader: string;
}

export type BindIpPolicy = 'never' | 'optional' | 'always';
/**
 * Where the viewer's address is read. `sourceIp`: the TCP peer of the function URL — right only when viewers
 * call it directly (local emulator). `cloudfront-viewer-address`: the `CloudFront-Viewer-Address` header that
 * CloudFront adds through the origin request policy — right only when the function URL can be reached through
 * CloudFront alone (AuthType AWS_IAM + origin access control), since anyone calling it directly could forge it.
 */
export type ViewerIpSource = 'sourceIp' | 'cloudfront-viewer-address';

export interface CloudFrontSigningConfig {
  /** The CloudFront public key ID (`Key-Pair-Id`) of the key in the distribution's trusted key group. */
  keyPairId: string;
  hashAlgorithm: 'SHA1' | 'SHA256';
  /** Set CloudFront signed cookies on login (scope: every file under pathPrefix). */
  signedCookies: boolean;
  /** Add CloudFront signed-URL parameters to per-file links. */
  signedUrls: boolean;
}

// A type alias, not an interface: code that inspects the section generically can still view it as a record.
export type LoginConfig = {
  identity: IdentityConfig;
  /** The gate key (one of `keys`) whose private half mints tenant tokens. */
  signingKid: string;
  sessionLifetimeSeconds: number;
  bindIp: BindIpPolicy;
  viewerIpSource: ViewerIpSource;
  links: { maxExpiresInSeconds: number; maxPaths: number };
  cloudfront: CloudFrontSigningConfig | null;
  secrets: { signingKey: SecretSource; cloudfrontPrivateKey: SecretSource | null };
};

/** The gate fields the login section is checked against. */
export type GateFieldsForLogin = Pick<
  GateConfig,
  'issuer' | 'keys' | 'maxTokenLifetimeSeconds' | 'maxLinkLifetimeSeconds'
>;

export const LOGIN_DEFAULTS = {
  sessionLifetimeSeconds: 900,
  maxPaths: 100,
  algorithms: ['RS256', 'ES256'] as IdentityAlgorithm[],
  tokenHeader: 'authorization',
  bindIp: 'optional' as BindIpPolicy,
  hashAlgorithm: 'SHA256' as const,
};

const AT = 'login';
/** Members that only a private or secret JWK carries. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function only(raw: Record<string, unknown>, at: string, allowed: string[]): void {
  for (const member of Object.keys(raw)) {
    if (!allowed.includes(member))
      throw new ConfigError(`${at}.${member}`, `unknown field (allowed: ${allowed.join(', ')})`);
  }
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (!isObject(value)) throw new ConfigError(at, 'required, an object');
  return value;
}

function text(raw: Record<string, unknown>, at: string, field: string, fallback?: string): string {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigError(
      `${at}.${field}`,
      fallback === undefined ? 'required, a non-empty string' : 'must be a non-empty string',
    );
  }
  return value;
}

function integer(
  raw: Record<string, unknown>,
  at: string,
  field: string,
  min: number,
  max: number,
  fallback: number,
): number {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${at}.${field}`, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function oneOf<T extends string>(
  raw: Record<string, unknown>,
  at: string,
  field: string,
  allowed: readonly T[],
  fallback?: T,
): T {
  const value = raw[field] ?? fallback;
  if (!allowed.includes(value as T)) {
    throw new ConfigError(
      `${at}.${field}`,
      `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}

function bool(raw: Record<string, unknown>, at: string, field: string, fallback: boolean): boolean {
  const value = raw[field] ?? fallback;
  if (typeof value !== 'boolean') throw new ConfigError(`${at}.${field}`, 'must be true or false');
  return value;
}

/** A JWKS URL must be https; plain http only for a provider on this machine (the local emulator's dev IdP). */
function jwksUrl(value: unknown, at: string): string {
  if (typeof value !== 'string') throw new ConfigError(at, 'must be a URL string');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(at, `is not a URL: ${JSON.stringify(value)}`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new ConfigError(at, 'must be https (plain http only for localhost)');
  }
  if (url.username !== '' || url.password !== '') throw new ConfigError(at, 'must not carry credentials');
  return value;
}

function staticJwks(value: unknown, at: string): PublicJwks {
  if (!isObject(value) || !Array.isArray(value.keys) || value.keys.length === 0) {
    throw new ConfigError(at, 'must be a JWKS: { "keys": [ public JWKs ] }');
  }
  const keys = value.keys.map((key: unknown, i: number) => {
    if (!isObject(key) || typeof key.kty !== 'string')
      throw new ConfigError(`${at}.keys[${i}]`, 'must be a JWK with "kty"');
    const secret = PRIVATE_JWK_MEMBERS.find((member) => key[member] !== undefined);
    if (secret !== undefined)
      throw new ConfigError(`${at}.keys[${i}]`, `holds private key material ("${secret}"); give public keys only`);
    if (key.kty === 'oct')
      throw new ConfigError(`${at}.keys[${i}]`, 'a symmetric key cannot be an identity provider key');
    return key as PublicJwks['keys'][number];
  });
  return { keys };
}

function identity(raw: unknown, gate: GateFieldsForLogin): IdentityConfig {
  const at = `${AT}.identity`;
  const section = object(raw, at);
  only(section, at, ['issuer', 'audience', 'tenantClaim', 'jwksUrl', 'jwks', 'algorithms', 'tokenHeader']);
  const issuer = text(section, at, 'issuer');
  // A tenant token must never be accepted as an identity: the two issuers have to differ.
  if (issuer === gate.issuer) throw new ConfigError(`${at}.issuer`, "must differ from the gate's own issuer");
  const rawAudience = section.audience;
  const audience = typeof rawAudience === 'string' ? [rawAudience] : rawAudience;
  if (!Array.isArray(audience) || audience.length === 0 || audience.some((a) => typeof a !== 'string' || a === '')) {
    throw new ConfigError(`${at}.audience`, 'required, a non-empty string or array of strings');
  }
  const tenantClaim = text(section, at, 'tenantClaim');
  const hasUrl = section.jwksUrl !== undefined && section.jwksUrl !== null;
  const hasJwks = section.jwks !== undefined && section.jwks !== null;
  if (hasUrl === hasJwks) throw new ConfigError(`${at}.jwksUrl`, 'give exactly one of jwksUrl (OIDC) or jwks (static)');
  const algorithms = section.algorithms ?? LOGIN_DEFAULTS.algorithms;
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new ConfigError(`${at}.algorithms`, `must be a non-empty array of ${IDENTITY_ALGORITHMS.join(', ')}`);
  }
  algorithms.forEach((alg, i) => {
    if (!(IDENTITY_ALGORITHMS as readonly unknown[]).includes(alg)) {
      throw new ConfigError(
        `${at}.algorithms[${i}]`,
        `must be one of ${IDENTITY_ALGORITHMS.join(', ')} (no HMAC, no none), got ${JSON.stringify(alg)}`,
      );
    }
  });
  const tokenHeader = text(section, at, 'tokenHeader', LOGIN_DEFAULTS.tokenHeader).toLowerCase();
  if (!/^[a-z0-9-]{1,64}$/.test(tokenHeader)) throw new ConfigError(`${at}.tokenHeader`, 'must be a header name');
  return {
    issuer,
    audience: audience as string[],
    tenantClaim,
    jwksUrl: hasUrl ? jwksUrl(section.jwksUrl, `${at}.jwksUrl`) : null,
    jwks: hasJwks ? staticJwks(section.jwks, `${at}.jwks`) : null,
    algorithms: algorithms as IdentityAlgorithm[],
    tokenHeader,
  };
}

function secretSource(raw: unknown, at: string): SecretSource {
  const source = object(raw, at);
  const kinds = ['file', 'ssmParameter', 'secretsManagerSecret'].filter((k) => source[k] !== undefined);
  if (kinds.length !== 1 || Object.keys(source).length !== 1) {
    throw new ConfigError(
      at,
      'must be exactly one of { "file": path }, { "ssmParameter": name }, { "secretsManagerSecret": id }',
    );
  }
  const kind = kinds[0] as 'file' | 'ssmParameter' | 'secretsManagerSecret';
  const value = source[kind];
  if (typeof value !== 'string' || value === '') throw new ConfigError(`${at}.${kind}`, 'must be a non-empty string');
  if (kind === 'file') return { file: value };
  if (kind === 'ssmParameter') return { ssmParameter: value };
  return { secretsManagerSecret: value };
}

function cloudfront(raw: unknown): CloudFrontSigningConfig | null {
  if (raw === undefined || raw === null) return null;
  const at = `${AT}.cloudfront`;
  const section = object(raw, at);
  only(section, at, ['keyPairId', 'hashAlgorithm', 'signedCookies', 'signedUrls']);
  const keyPairId = text(section, at, 'keyPairId');
  // CloudFront public key IDs are upper-case letters and digits (e.g. K2JCJMDEHXQW5F); they go into cookies and URLs.
  if (!/^[A-Z0-9]{1,128}$/.test(keyPairId))
    throw new ConfigError(`${at}.keyPairId`, 'must be a CloudFront public key ID (A-Z, 0-9)');
  const result: CloudFrontSigningConfig = {
    keyPairId,
    hashAlgorithm: oneOf(section, at, 'hashAlgorithm', ['SHA1', 'SHA256'] as const, LOGIN_DEFAULTS.hashAlgorithm),
    signedCookies: bool(section, at, 'signedCookies', true),
    signedUrls: bool(section, at, 'signedUrls', true),
  };
  if (!result.signedCookies && !result.signedUrls) {
    throw new ConfigError(
      `${at}.signedCookies`,
      'with both signedCookies and signedUrls false, remove the cloudfront section',
    );
  }
  return result;
}

/** Checks the raw `login` section against the gate's own fields; throws `ConfigError` naming the first bad field. */
export function validateLoginConfig(raw: unknown, gate: GateFieldsForLogin): LoginConfig {
  const section = object(raw, AT);
  only(section, AT, [
    'identity',
    'signingKid',
    'sessionLifetimeSeconds',
    'bindIp',
    'viewerIpSource',
    'links',
    'cloudfront',
    'secrets',
  ]);
  const id = identity(section.identity, gate);

  const signingKid = text(section, AT, 'signingKid');
  if (!gate.keys.some((key) => key.kid === signingKid)) {
    throw new ConfigError(`${AT}.signingKid`, `must name one of keys[].kid, got ${JSON.stringify(signingKid)}`);
  }
  const sessionLifetimeSeconds = integer(
    section,
    AT,
    'sessionLifetimeSeconds',
    1,
    gate.maxTokenLifetimeSeconds,
    Math.min(LOGIN_DEFAULTS.sessionLifetimeSeconds, gate.maxTokenLifetimeSeconds),
  );

  const bindIp = oneOf(section, AT, 'bindIp', ['never', 'optional', 'always'] as const, LOGIN_DEFAULTS.bindIp);
  // No default when binding is possible: behind CloudFront, `sourceIp` is an edge server's address, and a
  // binding to it would be silently wrong. The operator has to say where the viewer address comes from.
  const viewerIpSource =
    bindIp === 'never' && section.viewerIpSource === undefined
      ? 'sourceIp'
      : oneOf(section, AT, 'viewerIpSource', ['sourceIp', 'cloudfront-viewer-address'] as const);

  const linksAt = `${AT}.links`;
  const linksRaw = section.links === undefined ? {} : object(section.links, linksAt);
  only(linksRaw, linksAt, ['maxExpiresInSeconds', 'maxPaths']);
  const links = {
    maxExpiresInSeconds: integer(
      linksRaw,
      linksAt,
      'maxExpiresInSeconds',
      1,
      gate.maxLinkLifetimeSeconds,
      gate.maxLinkLifetimeSeconds,
    ),
    maxPaths: integer(linksRaw, linksAt, 'maxPaths', 1, 1000, LOGIN_DEFAULTS.maxPaths),
  };

  const cf = cloudfront(section.cloudfront);

  const secretsAt = `${AT}.secrets`;
  const secretsRaw = object(section.secrets, secretsAt);
  only(secretsRaw, secretsAt, ['signingKey', 'cloudfrontPrivateKey']);
  const signingKey = secretSource(secretsRaw.signingKey, `${secretsAt}.signingKey`);
  const hasCfKey = secretsRaw.cloudfrontPrivateKey !== undefined && secretsRaw.cloudfrontPrivateKey !== null;
  if (cf !== null && !hasCfKey)
    throw new ConfigError(`${secretsAt}.cloudfrontPrivateKey`, 'required when login.cloudfront is set');
  if (cf === null && hasCfKey)
    throw new ConfigError(`${secretsAt}.cloudfrontPrivateKey`, 'given without login.cloudfront');
  const cloudfrontPrivateKey = hasCfKey
    ? secretSource(secretsRaw.cloudfrontPrivateKey, `${secretsAt}.cloudfrontPrivateKey`)
    : null;

  return {
    identity: id,
    signingKid,
    sessionLifetimeSeconds,
    bindIp,
    viewerIpSource,
    links,
    cloudfront: cf,
    secrets: { signingKey, cloudfrontPrivateKey },
  };
}

/** A gate configuration whose login section is present (the login function is built only then). */
export type LoginGateConfig = GateConfig & { login: LoginConfig };

export function hasLogin(config: GateConfig): config is LoginGateConfig {
  return config.login !== undefined;
}
