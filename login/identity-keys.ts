/**
 * The identity provider's public keys as `node:crypto` KeyObjects, made once per fetched JWKS.
 *
 * jose fetches the JWKS (`createRemoteJWKSet`: redirects refused, the JSON checked to be a key set, a timeout);
 * this module decides when: fresh for `JWKS_TTL_SECONDS`, one fetch in flight, and when a refresh fails the last
 * good keys keep serving for up to `JWKS_MAX_STALENESS_SECONDS` (24 h), with at most one attempt every
 * `JWKS_RETRY_INTERVAL_SECONDS`. A token naming a `kid` the set lacks refetches at most every
 * `JWKS_UNKNOWN_KID_COOLDOWN_SECONDS` (the provider rotated its keys).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, customFetch } from 'jose';
import type { IdentityConfig } from '../config/login';
import { LoginError } from './errors';
import {
  JWKS_FETCH_TIMEOUT_MS,
  JWKS_MAX_STALENESS_SECONDS,
  JWKS_RETRY_INTERVAL_SECONDS,
  JWKS_TTL_SECONDS,
  JWKS_UNKNOWN_KID_COOLDOWN_SECONDS,
} from './limits';
import { logDegraded, type DegradedReport } from './degraded';
import { createRefreshing } from './refreshing';
import { failureName } from './secrets';

/** One JWK of the set, with the members key selection reads (as jose's local key set selects). */
export interface IdentityKey {
  kid: unknown;
  kty: unknown;
  alg: unknown;
  use: unknown;
  crv: unknown;
  keyOps: unknown;
  ext: unknown;
  /** The public key, or null when the JWK does not import (jose would fail on it too, at use). */
  key: KeyObject | null;
}

export interface IdentityKeySource {
  /** The current keys (fresh, refreshed, or last good within 24 h); `identity_unavailable` when there are none. */
  keys(): Promise<readonly IdentityKey[]>;
  /** The keys again after a refetch, rate-limited: for a `kid` the current set lacks. */
  refetch(): Promise<readonly IdentityKey[]>;
}

/** A JWKS as jose returns it. */
export type Jwks = { keys: Record<string, unknown>[] };

function importKey(jwk: Record<string, unknown>): KeyObject | null {
  // A JWKS member with private parts is not a public key set (jose refuses such a set).
  if (jwk.d !== undefined || jwk.kty === 'oct') return null;
  try {
    return createPublicKey({ key: jwk as never, format: 'jwk' });
  } catch {
    return null;
  }
}

export function identityKeys(jwks: Jwks): IdentityKey[] {
  return jwks.keys.map((jwk) => ({
    kid: jwk.kid,
    kty: jwk.kty,
    alg: jwk.alg,
    use: jwk.use,
    crv: jwk.crv,
    keyOps: jwk.key_ops,
    ext: jwk.ext,
    key: importKey(jwk),
  }));
}

export interface RemoteOptions {
  /** Epoch seconds. */
  now?: () => number;
  /** The `fetch` jose uses (tests: a provider that stalls or goes down). */
  fetch?: typeof fetch;
  /** Told of every failed fetch (a log line by default). */
  report?: DegradedReport;
}

export function createIdentityKeySource(identity: IdentityConfig, options: RemoteOptions = {}): IdentityKeySource {
  if (identity.jwks !== null) {
    const keys = identityKeys(identity.jwks as Jwks);
    return { keys: async () => keys, refetch: async () => keys };
  }
  if (identity.jwksUrl === null) throw new Error('login.identity: no jwks and no jwksUrl');
  const remote = createRemoteJWKSet(new URL(identity.jwksUrl), {
    timeoutDuration: JWKS_FETCH_TIMEOUT_MS,
    ...(options.fetch === undefined ? {} : { [customFetch]: options.fetch }),
  });
  const report = options.report ?? logDegraded;
  const cache = createRefreshing({
    onFailure: (error, servingStale) => report('jwks', error, servingStale),
    async load() {
      try {
        await remote.reload();
      } catch (error) {
        // Names only: a provider's error page or malformed JSON is not echoed into a log.
        throw new LoginError('identity_unavailable', `JWKS: ${failureName(error)}`, { cause: error });
      }
      return identityKeys(remote.jwks() as Jwks);
    },
    now: options.now ?? (() => Math.floor(Date.now() / 1000)),
    ttlSeconds: JWKS_TTL_SECONDS,
    maxStalenessSeconds: JWKS_MAX_STALENESS_SECONDS,
    retryIntervalSeconds: JWKS_RETRY_INTERVAL_SECONDS,
  });
  return {
    keys: () => cache.get(),
    refetch: () => cache.refresh(JWKS_UNKNOWN_KID_COOLDOWN_SECONDS),
  };
}
