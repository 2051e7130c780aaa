/**
 * The KeyValueStore data plane (`@aws-sdk/client-cloudfront-keyvaluestore`): every write is DescribeKeyValueStore →
 * ETag → PutKey/DeleteKey/UpdateKeys with IfMatch, re-read and retried when someone else wrote in between
 * (ConflictException). docs/platform.md#key-value-store.
 *
 * Signing: this API takes SigV4A only. The client's default signer (SignatureV4MultiRegion) signs SigV4A with
 * whichever implementation is registered: the CRT (`@aws-sdk/signature-v4-crt`, a native module) or the pure-JS
 * `@aws-sdk/signature-v4a`, which registers itself when imported. We import the JS one: no native build, works on
 * every Node the CLI runs on. test/deploy/key-value-store.test.ts proves a request is signed AWS4-ECDSA-P256-SHA256.
 */
import '@aws-sdk/signature-v4a';
import {
  CloudFrontKeyValueStoreClient,
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand,
  GetKeyCommand,
  ListKeysCommand,
  PutKeyCommand,
  UpdateKeysCommand,
} from '@aws-sdk/client-cloudfront-keyvaluestore';
import type { KeyValueChange, KeyValueEntry } from './key-value-entries';

/** The store's API lives in us-east-1 (global service); SigV4A signs for the region set `*`. */
export function keyValueStoreClient(): CloudFrontKeyValueStoreClient {
  return new CloudFrontKeyValueStoreClient({ region: 'us-east-1' });
}

const ATTEMPTS = 3;

function isConflict(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConflictException';
}

async function withETag<T>(
  client: CloudFrontKeyValueStoreClient,
  arn: string,
  write: (eTag: string) => Promise<T>,
): Promise<T> {
  let last: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const described = await client.send(new DescribeKeyValueStoreCommand({ KvsARN: arn }));
    if (described.ETag === undefined) throw new Error(`DescribeKeyValueStore ${arn} returned no ETag`);
    try {
      return await write(described.ETag);
    } catch (error) {
      if (!isConflict(error)) throw error;
      last = error;
    }
  }
  throw new Error(`the store ${arn} changed during each of ${ATTEMPTS} attempts (ConflictException); nothing written`, {
    cause: last,
  });
}

export async function putEntry(client: CloudFrontKeyValueStoreClient, arn: string, entry: KeyValueEntry) {
  return withETag(client, arn, (eTag) =>
    client.send(new PutKeyCommand({ KvsARN: arn, Key: entry.key, Value: entry.value, IfMatch: eTag })),
  );
}

export async function deleteEntry(client: CloudFrontKeyValueStoreClient, arn: string, key: string) {
  return withETag(client, arn, (eTag) => client.send(new DeleteKeyCommand({ KvsARN: arn, Key: key, IfMatch: eTag })));
}

/** Puts several entries in one UpdateKeys call (one ETag, all or nothing). */
export async function putEntries(
  client: CloudFrontKeyValueStoreClient,
  arn: string,
  entries: readonly KeyValueEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await withETag(client, arn, (eTag) =>
    client.send(
      new UpdateKeysCommand({
        KvsARN: arn,
        IfMatch: eTag,
        Puts: entries.map((e) => ({ Key: e.key, Value: e.value })),
      }),
    ),
  );
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceNotFoundException';
}

/** One entry's value, undefined when there is no such key. */
export async function getEntry(
  client: CloudFrontKeyValueStoreClient,
  arn: string,
  key: string,
): Promise<string | undefined> {
  try {
    return (await client.send(new GetKeyCommand({ KvsARN: arn, Key: key }))).Value;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Reads what a change depends on and writes it, all under one ETag: a write in between makes it start over. */
export async function changeEntries(
  client: CloudFrontKeyValueStoreClient,
  arn: string,
  compute: (read: {
    get(key: string): Promise<string | undefined>;
    keys(prefix: string): Promise<string[]>;
  }) => Promise<KeyValueChange>,
): Promise<KeyValueChange> {
  return withETag(client, arn, async (eTag) => {
    const change = await compute({
      get: (key) => getEntry(client, arn, key),
      keys: async (prefix) => (await listEntries(client, arn)).map((e) => e.key).filter((k) => k.startsWith(prefix)),
    });
    if (change.puts.length + change.deletes.length === 0) return change;
    await client.send(
      new UpdateKeysCommand({
        KvsARN: arn,
        IfMatch: eTag,
        Puts: change.puts.map((e) => ({ Key: e.key, Value: e.value })),
        Deletes: change.deletes.map((key) => ({ Key: key })),
      }),
    );
    return change;
  });
}

export async function listEntries(client: CloudFrontKeyValueStoreClient, arn: string): Promise<KeyValueEntry[]> {
  const out: KeyValueEntry[] = [];
  let next: string | undefined;
  do {
    const page = await client.send(new ListKeysCommand({ KvsARN: arn, NextToken: next }));
    for (const item of page.Items ?? []) out.push({ key: item.Key ?? '', value: item.Value ?? '' });
    next = page.NextToken;
  } while (next !== undefined);
  return out;
}
