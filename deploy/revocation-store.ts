/**
 * Revocation entries in a KeyValueStore, for the writers (`tenant-gate revoke`, the login's "sign out everywhere")
 * and for the readers that cannot read the store from a function (the login, answering Lambda@Edge): the entry
 * format of deploy/key-value-entries.ts, the rule of src/revocation.ts.
 *
 * Two stores behind one interface: the real one through the KeyValueStore API (SigV4A, ETag/IfMatch:
 * deploy/key-value-store-api.ts), and the local distribution's (local/key-value-store.ts).
 */
import {
  DescribeKeyValueStoreCommand,
  type CloudFrontKeyValueStoreClient,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import { MAX_SAFE_EPOCH, parseTenantEntry, parseUserEntry, userKey } from '../src/revocation';
import {
  revocationChange,
  tenantName,
  undoRevocationChange,
  userName,
  USER_PREFIX,
  type KeyValueChange,
} from './key-value-entries';
import { changeEntries, getEntry } from './key-value-store-api';
import type { LocalKeyValueStore } from '../local/key-value-store';

/** What a change reads: entries by key, and the keys under a prefix. */
export interface EntryReader {
  get(key: string): Promise<string | undefined>;
  keys(prefix: string): Promise<string[]>;
}

/** A store the revocation entries live in. */
export interface EntryStore {
  get(key: string): Promise<string | undefined>;
  /** Reads and writes as one: a concurrent write makes it read again (or fails), never lost. */
  change(compute: (read: EntryReader) => Promise<KeyValueChange>): Promise<KeyValueChange>;
}

export class RevocationEntryError extends Error {
  readonly code = 'ERR_REVOCATION_ENTRY_MALFORMED';
  override name = 'RevocationEntryError';
}

/**
 * The epoch a credential of this tenant and user must not be issued before, as the CloudFront Function would
 * judge it from the same entries: the later of the tenant's and the user's; MAX_SAFE_EPOCH when the tenant has
 * per-user entries and the credential names no usable user (refused, as at the edge). A malformed entry throws
 * (the caller fails closed).
 */
export async function notBeforeOf(store: EntryStore, tenant: string, subject: string | undefined): Promise<number> {
  const value = await store.get(tenantName(tenant));
  const entry = parseTenantEntry(value ?? '');
  if (entry === undefined) throw new RevocationEntryError(`${tenantName(tenant)} is malformed`);
  const tenantEpoch = entry.notBefore ?? 0;
  if (entry.users !== true) return tenantEpoch;
  const key = userKey({ tenant, subject }, (text) => Buffer.byteLength(text));
  if (key === undefined) return MAX_SAFE_EPOCH;
  const user = await store.get(key);
  const epoch = parseUserEntry(user ?? '0');
  if (epoch === undefined) throw new RevocationEntryError(`${key} is malformed`);
  return Math.max(tenantEpoch, epoch);
}

/** Revokes what was issued before `at`, for the tenant or one user (deploy/key-value-entries.ts `revocationChange`). */
export function revoke(store: EntryStore, tenant: string, user: string | undefined, at: number) {
  return store.change(async (read) =>
    revocationChange(tenant, user, at, {
      tenant: await read.get(tenantName(tenant)),
      user: user === undefined ? undefined : await read.get(userName(tenant, user)),
    }),
  );
}

/** Undoes a revocation of the tenant or of one user. */
export function undoRevocation(store: EntryStore, tenant: string, user: string | undefined) {
  return store.change(async (read) => {
    const key = user === undefined ? undefined : userName(tenant, user);
    const others =
      key === undefined ? [] : (await read.keys(`${USER_PREFIX}${tenant}:`)).filter((other) => other !== key);
    return undoRevocationChange(
      tenant,
      user,
      { tenant: await read.get(tenantName(tenant)), user: key === undefined ? undefined : await read.get(key) },
      others.length > 0,
    );
  });
}

/**
 * The store behind the KeyValueStore API. GetKey answers ResourceNotFoundException for a missing key and for a
 * missing store alike (docs/platform.md#key-value-store): the store is described once before any "missing" is
 * trusted, so a wrong ARN fails closed instead of reading as "nothing revoked".
 */
export function apiEntryStore(client: CloudFrontKeyValueStoreClient, arn: string): EntryStore {
  let described: Promise<unknown> | undefined;
  return {
    async get(key) {
      described ??= client.send(new DescribeKeyValueStoreCommand({ KvsARN: arn })).catch((error: unknown) => {
        described = undefined;
        throw error;
      });
      await described;
      return getEntry(client, arn, key);
    },
    change: (compute) => changeEntries(client, arn, compute),
  };
}

/** The local distribution's store: one process, so a change is atomic as it stands. */
export function localEntryStore(store: LocalKeyValueStore): EntryStore {
  const read: EntryReader = {
    get: async (key) => {
      if (store.failing) throw new Error('KeyValueStore unavailable');
      return store.entries()[key];
    },
    keys: async (prefix) => Object.keys(store.entries()).filter((k) => k.startsWith(prefix)),
  };
  return {
    get: read.get,
    async change(compute) {
      const change = await compute(read);
      for (const entry of change.puts) store.put(entry.key, entry.value);
      for (const key of change.deletes) store.delete(key);
      return change;
    },
  };
}
