/**
 * The login origin's limits under faults, each defined once. The function URL's own timeout is 10 s; every
 * dependency call here is bounded well below it, so an unavailable dependency answers 503 with `Retry-After`
 * (within 3 s) and never a Lambda timeout (502).
 */

/** One SDK call (SSM, Secrets Manager), retries included: the AbortSignal that ends it. */
export const SDK_CALL_TIMEOUT_MS = 2000;
/** Per attempt: TCP + TLS connect. */
export const SDK_CONNECTION_TIMEOUT_MS = 1000;
/** Per attempt: request sent to response read (thrown, not only warned: `throwOnRequestTimeout`). */
export const SDK_REQUEST_TIMEOUT_MS = 1500;
/** Attempts per SDK call (the SDK default is 3): one retry of a throttled or dropped call, then 503. */
export const SDK_MAX_ATTEMPTS = 2;

/** A secret read is fresh this long; after it the next request reads it again (a rotation is picked up). */
export const SECRET_TTL_SECONDS = 300;
/** When re-reading fails, the last good secret keeps serving until it is this old; then 503. */
export const SECRET_MAX_STALENESS_SECONDS = 3600;
/**
 * After a failed read, no new read for this long (the last good value, or 503, meanwhile): no stampede. As long as
 * `Retry-After`, so a viewer retrying when told finds a new attempt due.
 */
export const SECRET_RETRY_INTERVAL_SECONDS = 5;

/** The identity provider's JWKS: one fetch, timeout included. */
export const JWKS_FETCH_TIMEOUT_MS = 2000;
/** A fetched JWKS is fresh this long. */
export const JWKS_TTL_SECONDS = 600;
/**
 * When a refresh fails, the last good JWKS keeps verifying until it is this old (24 h): a provider outage does
 * not stop sign-in while its keys are still the ones it signs with. A constant, not configuration.
 */
export const JWKS_MAX_STALENESS_SECONDS = 24 * 3600;
/** After a failed fetch, no new fetch for this long. */
export const JWKS_RETRY_INTERVAL_SECONDS = 30;
/** A token naming an unknown `kid` refetches the JWKS (key rotation) at most this often. */
export const JWKS_UNKNOWN_KID_COOLDOWN_SECONDS = 30;

/** `Retry-After` on a 503: the next attempt may find the dependency back (or this container's retry due). */
export const RETRY_AFTER_SECONDS = 5;
