/**
 * A local stand-in for a CloudFront KeyValueStore, with the API a function sees (`get`, `exists`, `meta`)
 * and the store's limits: key ≤ 512 bytes, value ≤ 1 KB, whole store ≤ 5 MB.
 */
export const KVS_LIMITS = { keyBytes: 512, valueBytes: 1024, storeBytes: 5 * 1024 * 1024 } as const;

export class LocalKeyValueStore {
  readonly #data = new Map<string, string>();
  /** When set, every read fails, as a store outage would (tests of the fail-closed paths). */
  failing = false;

  constructor(entries: Record<string, string> = {}) {
    for (const [key, value] of Object.entries(entries)) this.put(key, value);
  }

  put(key: string, value: string): void {
    const keyBytes = Buffer.byteLength(key);
    const valueBytes = Buffer.byteLength(value);
    if (keyBytes === 0 || keyBytes > KVS_LIMITS.keyBytes)
      throw new Error(`KeyValueStore key of ${keyBytes} bytes: limit ${KVS_LIMITS.keyBytes}`);
    if (valueBytes > KVS_LIMITS.valueBytes)
      throw new Error(`KeyValueStore value of ${valueBytes} bytes: limit ${KVS_LIMITS.valueBytes}`);
    const old = this.#data.get(key);
    const size =
      this.size() - (old === undefined ? 0 : Buffer.byteLength(key) + Buffer.byteLength(old)) + keyBytes + valueBytes;
    if (size > KVS_LIMITS.storeBytes)
      throw new Error(`KeyValueStore would hold ${size} bytes: limit ${KVS_LIMITS.storeBytes}`);
    this.#data.set(key, value);
  }

  /** Puts entries made by deploy/key-value-entries.ts (the format the deploy and `tenant-gate kvs` write). */
  seed(entries: readonly { readonly key: string; readonly value: string }[]): void {
    for (const entry of entries) this.put(entry.key, entry.value);
  }

  delete(key: string): void {
    this.#data.delete(key);
  }

  size(): number {
    let total = 0;
    for (const [key, value] of this.#data) total += Buffer.byteLength(key) + Buffer.byteLength(value);
    return total;
  }

  entries(): Record<string, string> {
    return Object.fromEntries(this.#data);
  }

  /** The handle `cf.kvs()` returns inside the function. */
  handle() {
    return {
      get: async (key: string, options?: { format?: 'string' | 'json' | 'bytes' }): Promise<unknown> => {
        if (this.failing) throw new Error('KeyValueStore unavailable');
        const value = this.#data.get(key);
        // CloudFront: "get" rejects when the key does not exist.
        if (value === undefined) throw new Error(`Key ${key} not found`);
        if (options?.format === 'json') return JSON.parse(value);
        if (options?.format === 'bytes') return new TextEncoder().encode(value);
        return value;
      },
      exists: async (key: string): Promise<boolean> => {
        if (this.failing) throw new Error('KeyValueStore unavailable');
        return this.#data.has(key);
      },
      meta: async () => ({
        creationDateTime: '2026-11-01T00:00:00Z',
        lastUpdatedDateTime: '2026-11-01T00:00:00Z',
        keyCount: this.#data.size,
      }),
    };
  }
}
