/**
 * Revocation: a tenant-wide and a per-user "not before" epoch (seconds). A credential issued before either is
 * refused, 401 `revoked`, whatever its kind (session, link, any later grant): the rule reads `iat` only.
 *
 * Where the epochs live (deploy/key-value-entries.ts writes them, docs/reference.md shows them):
 * - `tenant:<tenant>` → `disabled` (the kill switch, as before) or a JSON object
 *   `{"disabled":false,"notBefore":1764300000,"users":true}`: one read per request gives both. `users` says that the
 *   tenant has per-user entries, so that the others cost no second read.
 * - `user:<tenant>:<sub>` → `1764300000`: the user's epoch, read only when the tenant entry says `users`.
 *
 * Pure (no store access): the CloudFront Function reads the entries from its KeyValueStore, the login reads them
 * through the KeyValueStore API and hands them to Lambda@Edge; both judge them here. Written for njs (no classes,
 * destructuring, spread, for-of).
 */
import { refusal, type Refusal } from './errors';
import type { VerifiedToken } from './token';

/** What a tenant entry says (a member left out: false, or 0). */
export interface TenantEntry {
  disabled?: boolean;
  /** Credentials with an earlier `iat` are revoked. */
  notBefore?: number;
  /** Whether per-user entries exist for this tenant. */
  users?: boolean;
}

export const USER_PREFIX = 'user:';
/** "Every credential": the epoch a reader answers for a credential no per-user entry can name (see `userKey`). */
export const MAX_SAFE_EPOCH = 9007199254740991;
/** The store's key limit (docs/platform.md#key-value-store), in UTF-8 bytes. */
export const MAX_STORE_KEY_BYTES = 512;
/** An epoch as the store holds it: decimal digits, no sign, no exponent, at most 12 (year 33658). */
const EPOCH = /^(?:0|[1-9]\d{0,11})$/;

function isFlag(value: unknown): boolean {
  return value === undefined || value === true || value === false;
}

/**
 * A tenant entry's value ('' when there is none), or undefined when it is malformed. The plain strings predate
 * revocation and keep their meaning (`disabled`, anything else enabled); a value that opens with `{` is the JSON
 * form and must be exactly that — flags true or false, `notBefore` an epoch number — so that a truncated or
 * hand-mangled revocation never reads as "nothing revoked". Other members are ignored (later features).
 */
export function parseTenantEntry(value: string): TenantEntry | undefined {
  if (value.charAt(0) !== '{') return { disabled: value === 'disabled' };
  try {
    // Opening with `{`, it parses to an object or throws.
    const entry = JSON.parse(value) as { [member: string]: unknown };
    const notBefore = entry.notBefore;
    if (
      isFlag(entry.disabled) &&
      isFlag(entry.users) &&
      (notBefore === undefined || (typeof notBefore === 'number' && EPOCH.test('' + notBefore)))
    ) {
      return entry as TenantEntry;
    }
  } catch (_error) {
    // Not JSON: malformed.
  }
  return undefined;
}

/** A user entry's value: the epoch, or undefined when it is not one. */
export function parseUserEntry(value: string): number | undefined {
  return EPOCH.test(value) ? +value : undefined;
}

/**
 * `user:<tenant>:<sub>` for a credential of a tenant with per-user entries, or undefined when none can name it:
 * no `sub`, or a key over the store's limit — such a credential is refused (fail closed: it might be a revoked
 * user's). Unambiguous for tenants without `:` (the default tenantPattern admits none); the writers
 * (deploy/key-value-entries.ts) refuse a per-user entry for a tenant with one.
 */
export function userKey(
  credential: Pick<VerifiedToken, 'tenant' | 'subject'>,
  utf8Bytes: (text: string) => number,
): string | undefined {
  if (credential.subject === undefined) return undefined;
  const key = USER_PREFIX + credential.tenant + ':' + credential.subject;
  return utf8Bytes(key) > MAX_STORE_KEY_BYTES ? undefined : key;
}

/**
 * The verdict on a verified credential: revoked when issued before its tenant's epoch or its user's (0: no user
 * entry). The kill switch is the caller's (it is configured apart).
 */
export function revocation(credential: VerifiedToken, entry: TenantEntry, userEpoch: number): Refusal | undefined {
  return credential.iat < (entry.notBefore || 0) || credential.iat < userEpoch ? refusal('revoked', 'iat') : undefined;
}
