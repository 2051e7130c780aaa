/**
 * The CloudFront Function's KeyValueStore entries, defined once: what `tenant-gate kvs` and the deploy write, what the
 * local emulator seeds, what the function's tests store, and what docs/deploy.md shows. The function reads them in
 * functions/cloudfront-function.ts (`storeKey`, `tenantDisabled`).
 *
 * - `key:<kid>` → `{"alg":"HS256","secret":"<base64url, ≥ 32 bytes>"}`: a verification key (HS256 only: a CloudFront
 *   Function can compute HMAC, nothing asymmetric). A bare secret is NOT read as a key.
 * - `tenant:<tenant>` → `disabled`: the kill switch refuses that tenant (403 tenant_disabled). Any other value, or no
 *   entry, leaves the tenant enabled; enabling deletes the entry.
 *
 * Limits: key ≤ 512 bytes, value ≤ 1 KB (docs/platform.md#key-value-store).
 */
export const KEY_PREFIX = 'key:';
export const TENANT_PREFIX = 'tenant:';
export const TENANT_DISABLED = 'disabled';
export const MAX_KEY_BYTES = 512;
export const MAX_VALUE_BYTES = 1024;

export interface KeyValueEntry {
  readonly key: string;
  readonly value: string;
}

export class KeyValueEntryError extends Error {
  readonly code = 'ERR_KVS_ENTRY_INVALID';
  override name = 'KeyValueEntryError';
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function checked(entry: KeyValueEntry): KeyValueEntry {
  if (Buffer.byteLength(entry.key) > MAX_KEY_BYTES)
    throw new KeyValueEntryError(`the store key ${entry.key.slice(0, 40)}… is over ${MAX_KEY_BYTES} bytes`);
  if (Buffer.byteLength(entry.value) > MAX_VALUE_BYTES)
    throw new KeyValueEntryError(`the value of ${entry.key} is over ${MAX_VALUE_BYTES} bytes`);
  return entry;
}

/** `key:<kid>` holding an HS256 secret (base64url of at least 32 bytes, as the gate config requires). */
export function keyEntry(kid: string, secret: string): KeyValueEntry {
  if (kid === '') throw new KeyValueEntryError('the kid must not be empty');
  if (!BASE64URL.test(secret) || Buffer.from(secret, 'base64url').length < 32)
    throw new KeyValueEntryError(`the secret for ${kid} must be base64url of at least 32 bytes`);
  return checked({ key: KEY_PREFIX + kid, value: JSON.stringify({ alg: 'HS256', secret }) });
}

export function keyName(kid: string): string {
  return KEY_PREFIX + kid;
}

export function tenantName(tenant: string): string {
  return TENANT_PREFIX + tenant;
}

/** `tenant:<tenant>` → `disabled`. */
export function disabledTenantEntry(tenant: string): KeyValueEntry {
  if (tenant === '') throw new KeyValueEntryError('the tenant must not be empty');
  return checked({ key: TENANT_PREFIX + tenant, value: TENANT_DISABLED });
}

/** The entries a gate config's HS256 keys give (what the deploy puts in the store before testing the function). */
export function keyEntriesOf(
  keys: readonly { readonly kid: string; readonly alg: string; readonly secret?: string }[],
) {
  const out: KeyValueEntry[] = [];
  for (const key of keys) if (key.alg === 'HS256' && key.secret) out.push(keyEntry(key.kid, key.secret));
  return out;
}

/** How `kvs list` shows an entry: never the secret. */
export function describeEntry(entry: KeyValueEntry): string {
  if (entry.key.startsWith(KEY_PREFIX)) {
    let alg: string;
    try {
      const parsed = JSON.parse(entry.value) as { alg?: unknown; secret?: unknown };
      alg = typeof parsed.alg === 'string' && typeof parsed.secret === 'string' ? parsed.alg : 'unreadable';
    } catch {
      alg = 'unreadable (not JSON: the function ignores it)';
    }
    return `${entry.key}  ${alg} key (secret not shown)`;
  }
  if (entry.key.startsWith(TENANT_PREFIX))
    return `${entry.key}  ${entry.value === TENANT_DISABLED ? 'disabled' : `"${entry.value}" (not "disabled": enabled)`}`;
  return `${entry.key}  (not read by the gate)`;
}
