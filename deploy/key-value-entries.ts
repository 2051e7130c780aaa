/**
 * The CloudFront Function's KeyValueStore entries, defined once: what `tenant-gate kvs` and the deploy write, what the
 * local emulator seeds, what the function's tests store, and what docs/deploy.md shows. The function reads them in
 * functions/cloudfront-function.ts (`storeKey`, `tenantDisabled`).
 *
 * - `key:<kid>` → `{"alg":"HS256","secret":"<base64url, ≥ 32 bytes>"}`: a verification key (HS256 only: a CloudFront
 *   Function can compute HMAC, nothing asymmetric). A bare secret is NOT read as a key.
 * - `tenant:<tenant>` → `disabled`: the kill switch refuses that tenant (403 tenant_disabled). Any other plain value,
 *   or no entry, leaves the tenant enabled; enabling deletes the entry.
 * - `tenant:<tenant>` → `{"disabled":true,"notBefore":1764300000,"users":true}` (revocation, src/revocation.ts): the
 *   same entry in JSON, so that one read gives both; every member optional. Written as plain `disabled` whenever
 *   that is all it says, so that a function built before revocation still reads it.
 * - `user:<tenant>:<sub>` → `1764300000`: the user's "not before" epoch; `users` in the tenant entry says some exist.
 *
 * Limits: key ≤ 512 bytes, value ≤ 1 KB (docs/platform.md#key-value-store).
 */
import { parseTenantEntry, parseUserEntry, USER_PREFIX, type TenantEntry } from '../src/revocation';

export { USER_PREFIX };
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

/** `user:<tenant>:<sub>`, refused when the store could not hold it or when it could name two users. */
export function userName(tenant: string, sub: string): string {
  if (tenant === '' || sub === '') throw new KeyValueEntryError('the tenant and the user must not be empty');
  // `user:a:b:c` would be user b:c of a and user c of a:b alike (the default tenantPattern admits no `:`).
  if (tenant.includes(':'))
    throw new KeyValueEntryError(`the tenant ${tenant} holds ":": no per-user entry can name it`);
  const key = USER_PREFIX + tenant + ':' + sub;
  if (Buffer.byteLength(key) > MAX_KEY_BYTES)
    throw new KeyValueEntryError(`the user ${sub.slice(0, 40)}… makes a store key over ${MAX_KEY_BYTES} bytes`);
  return key;
}

/**
 * A tenant entry's value as the writers read it, for a non-empty tenant: malformed is an error here (never
 * overwritten blindly).
 */
export function readTenantEntry(tenant: string, value: string | undefined): TenantEntry {
  if (tenant === '') throw new KeyValueEntryError('the tenant must not be empty');
  const entry = parseTenantEntry(value ?? '');
  if (entry === undefined)
    throw new KeyValueEntryError(
      `the entry ${TENANT_PREFIX}${tenant} is malformed (${JSON.stringify(value)}): fix it first`,
    );
  return entry;
}

/**
 * The value for a tenant entry, or undefined when it says nothing (the entry is then deleted). Members this
 * version does not know are kept: a later feature's member survives a revocation.
 */
export function tenantEntryValue(entry: TenantEntry): string | undefined {
  const others: Record<string, unknown> = { ...entry };
  delete others.disabled;
  delete others.notBefore;
  delete others.users;
  const notBefore = entry.notBefore ?? 0;
  const plain = notBefore === 0 && entry.users !== true && Object.keys(others).length === 0;
  if (plain) return entry.disabled === true ? TENANT_DISABLED : undefined;
  return JSON.stringify({
    ...(entry.disabled === true ? { disabled: true } : {}),
    ...(notBefore > 0 ? { notBefore } : {}),
    ...(entry.users === true ? { users: true } : {}),
    ...others,
  });
}

/** What to write: entries to put, keys to delete (applied together, under one ETag). */
export interface KeyValueChange {
  readonly puts: readonly KeyValueEntry[];
  readonly deletes: readonly string[];
  /** One line for the person who asked. */
  readonly summary: string;
}

function tenantChange(tenant: string, entry: TenantEntry, puts: KeyValueEntry[], deletes: string[]): void {
  const value = tenantEntryValue(entry);
  if (value === undefined) deletes.push(tenantName(tenant));
  else puts.push(checked({ key: tenantName(tenant), value }));
}

/**
 * Revokes what was issued before `at`: the tenant's credentials, or one user's. An epoch already later is kept
 * (a revocation is never narrowed by another one; `--undo` removes it).
 */
export function revocationChange(
  tenant: string,
  user: string | undefined,
  at: number,
  current: { readonly tenant: string | undefined; readonly user: string | undefined },
): KeyValueChange {
  const entry = readTenantEntry(tenant, current.tenant);
  const puts: KeyValueEntry[] = [];
  const deletes: string[] = [];
  if (user === undefined) {
    const notBefore = Math.max(entry.notBefore ?? 0, at);
    tenantChange(tenant, { ...entry, notBefore }, puts, deletes);
    return { puts, deletes, summary: `revoked every credential of ${tenant} issued before ${notBefore}` };
  }
  const key = userName(tenant, user);
  const previous = current.user === undefined ? 0 : (parseUserEntry(current.user) ?? 0);
  const notBefore = Math.max(previous, at);
  puts.push(checked({ key, value: String(notBefore) }));
  if (entry.users !== true) tenantChange(tenant, { ...entry, users: true }, puts, deletes);
  return { puts, deletes, summary: `revoked every credential of ${user} in ${tenant} issued before ${notBefore}` };
}

/** The kill switch, set or cleared in the tenant entry: its revocation members stay as they are. */
export function killSwitchChange(tenant: string, disabled: boolean, current: string | undefined): KeyValueChange {
  const entry = readTenantEntry(tenant, current);
  const puts: KeyValueEntry[] = [];
  const deletes: string[] = [];
  tenantChange(tenant, { ...entry, disabled }, puts, deletes);
  // Deleting an entry that is not there is an error for the API (ResourceNotFoundException): nothing to do.
  const change = current === undefined ? { puts, deletes: [] } : { puts, deletes };
  return { ...change, summary: `${tenant} ${disabled ? 'disabled' : 'enabled'}` };
}

/**
 * Undoes a revocation: the tenant's epoch, or the user's entry (and the tenant's `users` flag when no other user of
 * the tenant has one: `otherUsers`).
 */
export function undoRevocationChange(
  tenant: string,
  user: string | undefined,
  current: { readonly tenant: string | undefined; readonly user: string | undefined },
  otherUsers: boolean,
): KeyValueChange {
  const entry = readTenantEntry(tenant, current.tenant);
  const puts: KeyValueEntry[] = [];
  const deletes: string[] = [];
  if (user === undefined) {
    if ((entry.notBefore ?? 0) === 0) return { puts, deletes, summary: `${tenant} had no tenant-wide revocation` };
    tenantChange(tenant, { ...entry, notBefore: 0 }, puts, deletes);
    return { puts, deletes, summary: `undid the tenant-wide revocation of ${tenant}` };
  }
  const key = userName(tenant, user);
  if (current.user !== undefined) deletes.push(key);
  if (entry.users === true && !otherUsers) tenantChange(tenant, { ...entry, users: false }, puts, deletes);
  return {
    puts,
    deletes,
    summary:
      current.user === undefined
        ? `${user} in ${tenant} had no revocation`
        : `undid the revocation of ${user} in ${tenant}`,
  };
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
  if (entry.key.startsWith(TENANT_PREFIX)) {
    const tenant = parseTenantEntry(entry.value);
    if (tenant === undefined) return `${entry.key}  malformed (the gate refuses this tenant's credentials: 503)`;
    const said = [
      ...(tenant.disabled === true ? ['disabled'] : []),
      ...(tenant.notBefore ? [`revoked before ${tenant.notBefore}`] : []),
      ...(tenant.users === true ? ['has per-user revocations'] : []),
    ];
    return `${entry.key}  ${said.length > 0 ? said.join(', ') : `"${entry.value}" (not "disabled": enabled)`}`;
  }
  if (entry.key.startsWith(USER_PREFIX)) {
    const epoch = parseUserEntry(entry.value);
    return `${entry.key}  ${epoch === undefined ? 'malformed (the gate refuses this user: 503)' : `revoked before ${epoch}`}`;
  }
  return `${entry.key}  (not read by the gate)`;
}
