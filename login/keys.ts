/**
 * The login origin's private keys, parsed once and checked against the configuration before first use.
 *
 * - The tenant-token signing key (`login.signingKid`): an HS256 secret (base64url text), or an ES256 / RS256 /
 *   EdDSA private key (PEM or private JWK). It must be the private half of the gate key of that kid, or every
 *   token minted would be refused at the edge — so that is checked at load, not discovered by viewers.
 * - The CloudFront private key (PEM, RSA-2048): parsed into a `KeyObject` once, because the signer given a
 *   PEM re-parses it on every call (docs/platform.md#signed-urls-and-cookies: about 3.5× slower).
 */
import { createPrivateKey, createPublicKey, createSecretKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { GateConfig, KeyConfig } from '../config/gate';
import { createKeyRing } from '../functions/key-ring';
import type { KeyLookup } from '../src/token';
import type { LoginConfig, SecretSource } from '../config/login';
import { LoginError } from './errors';
import { SECRET_MAX_STALENESS_SECONDS, SECRET_RETRY_INTERVAL_SECONDS, SECRET_TTL_SECONDS } from './limits';
import { logDegraded, type DegradedReport } from './degraded';
import { createRefreshing } from './refreshing';
import { describeSource, readSecret, type SecretReaders } from './secrets';

export interface SigningKey {
  kid: string;
  alg: KeyConfig['alg'];
  /** Parsed once at load: a secret key for HS256, a private key otherwise. */
  key: KeyObject;
}

export interface LoginKeys {
  signing: SigningKey;
  /** The CloudFront private key, or null when CloudFront signing is not configured. */
  cloudfront: KeyObject | null;
  /** The gate keys that verify session cookies here (see `withheldSecrets`). */
  verification: KeyLookup;
}

/**
 * The configuration as embedded in the login bundle: HS256 secrets blanked. An HS256 verification secret is
 * also a signing secret, and the bundle must hold no key material; the signing key's own secret comes back
 * from `login.secrets` when the keys load, and sessions signed by other HS256 kids (rotation) are refused here —
 * they live minutes, and the viewer logs in again.
 */
export function withheldSecrets<T extends Pick<GateConfig, 'keys'>>(config: T): T {
  return { ...config, keys: config.keys.map((key) => (key.alg === 'HS256' ? { ...key, secret: '' } : key)) };
}

function parsePrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.includes('-----BEGIN')) return createPrivateKey(trimmed);
  const jwk = JSON.parse(trimmed) as JsonWebKey;
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

/** Parses the signing key text for the configured gate key and proves it is that key's private half. */
export async function parseSigningKey(text: string, keyConfig: KeyConfig): Promise<SigningKey> {
  if (keyConfig.alg === 'HS256') {
    const secret = text.trim();
    if (!/^[A-Za-z0-9_-]{43,}$/.test(secret))
      throw new Error('the HS256 signing key must be base64url text of at least 32 bytes');
    // Withheld ('') in a built bundle: then only the edge can tell, and the build checked the file it read.
    if (keyConfig.secret !== '' && secret !== keyConfig.secret) {
      throw new Error(`the signing key is not the HS256 secret of gate key "${keyConfig.kid}"`);
    }
    return { kid: keyConfig.kid, alg: 'HS256', key: createSecretKey(Buffer.from(secret, 'base64url')) };
  }
  let privateKey: KeyObject;
  try {
    privateKey = parsePrivateKey(text);
  } catch {
    // Not the parser's message: JSON.parse quotes its input, and the input is the secret.
    throw new Error('the signing key is neither a private PEM nor a private JWK');
  }
  // Same public half as the configured verification key, member by member.
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, unknown>;
  const configured = keyConfig.publicKeyJwk;
  for (const member of ['kty', 'crv', 'x', 'y', 'n', 'e']) {
    if (publicJwk[member] !== configured[member]) {
      throw new Error(`the signing key is not the private half of gate key "${keyConfig.kid}" (${member} differs)`);
    }
  }
  return { kid: keyConfig.kid, alg: keyConfig.alg, key: privateKey };
}

/** CloudFront trusts RSA-2048 public keys in key groups; a private key of any other shape could never verify. */
export function parseCloudFrontPrivateKey(text: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(text.trim());
  } catch {
    throw new Error('the CloudFront private key is not a private PEM');
  }
  if (key.asymmetricKeyType !== 'rsa' || key.asymmetricKeyDetails?.modulusLength !== 2048) {
    throw new Error('the CloudFront private key must be RSA-2048');
  }
  return key;
}

/** The public half of a CloudFront private key, as the SPKI PEM CloudFront's console and API take. */
export function cloudFrontPublicKeyPem(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
}

/** The secrets' text, read in parallel: a stalled store costs one timeout, not one per secret. */
async function readAll(login: LoginConfig, readers: SecretReaders): Promise<{ signing: string; cf: string | null }> {
  const cfSource = login.cloudfront !== null ? login.secrets.cloudfrontPrivateKey : null;
  try {
    const [signing, cf] = await Promise.all([
      readSecret(login.secrets.signingKey, readers),
      cfSource === null ? null : readSecret(cfSource, readers),
    ]);
    return { signing, cf };
  } catch (error) {
    // A store that did not answer (timeout, throttling, network): the caller's retry may succeed — 503.
    throw new LoginError('secrets_unavailable', (error as Error).message, { cause: error });
  }
}

/** A stored value that is not what the configuration says: an operator's fix, not a retry — 500. */
function misconfigured(source: SecretSource, error: unknown): LoginError {
  return new LoginError('internal_error', `${describeSource(source)}: ${(error as Error).message}`);
}

export async function loadLoginKeys(
  config: GateConfig,
  login: LoginConfig,
  readers: SecretReaders,
): Promise<LoginKeys> {
  const keyConfig = config.keys.find((k) => k.kid === login.signingKid);
  if (keyConfig === undefined)
    throw new LoginError('internal_error', `login.signingKid "${login.signingKid}" is not a configured key`);
  const text = await readAll(login, readers);
  let signing: SigningKey;
  try {
    signing = await parseSigningKey(text.signing, keyConfig);
  } catch (error) {
    throw misconfigured(login.secrets.signingKey, error);
  }
  let cloudfront: KeyObject | null = null;
  if (text.cf !== null) {
    try {
      cloudfront = parseCloudFrontPrivateKey(text.cf);
    } catch (error) {
      throw misconfigured(login.secrets.cloudfrontPrivateKey!, error);
    }
  }
  const verification = createKeyRing(
    config.keys
      .map((key) =>
        key.alg === 'HS256' && key.kid === login.signingKid ? { ...key, secret: text.signing.trim() } : key,
      )
      .filter((key) => key.alg !== 'HS256' || key.secret !== ''),
  );
  return { signing, cloudfront, verification };
}

/**
 * The keys, shared by every request and read again after `SECRET_TTL_SECONDS` (a rotated secret is picked up
 * without a cold start). A failed re-read — the store down, or a malformed new value — keeps the last good keys
 * for up to `SECRET_MAX_STALENESS_SECONDS`; a failed first read is retried at most every
 * `SECRET_RETRY_INTERVAL_SECONDS`, and answered 503 (store) or 500 (malformed) meanwhile.
 */
export function createKeyLoader(
  config: GateConfig,
  login: LoginConfig,
  readers: SecretReaders,
  now: () => number = () => Math.floor(Date.now() / 1000),
  report: DegradedReport = logDegraded,
): () => Promise<LoginKeys> {
  const keys = createRefreshing({
    onFailure: (error, servingStale) => report('secrets', error, servingStale),
    load: () => loadLoginKeys(config, login, readers),
    now,
    ttlSeconds: SECRET_TTL_SECONDS,
    maxStalenessSeconds: SECRET_MAX_STALENESS_SECONDS,
    retryIntervalSeconds: SECRET_RETRY_INTERVAL_SECONDS,
  });
  return () => keys.get();
}
