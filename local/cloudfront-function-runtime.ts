/**
 * Runs a built CloudFront Function (cloudfront-js-2.0 script) in Node's `vm`, with exactly the built-ins
 * CloudFront offers a function: `require('crypto')` (createHash / createHmac with md5, sha1, sha256),
 * `require('querystring')`, `cf.kvs()` for its KeyValueStore, Buffer, TextEncoder / TextDecoder, atob /
 * btoa, console. No process, no timers, no fs, no network. `Date.now()` reads the given clock.
 *
 * Node's engine is more permissive than CloudFront's: syntax fidelity is checked separately under njs.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import querystring from 'node:querystring';
import vm from 'node:vm';
import type { LocalKeyValueStore } from './key-value-store';

const ALGORITHMS = new Set(['md5', 'sha1', 'sha256']);
const ENCODINGS = new Set([undefined, 'hex', 'base64', 'base64url']);

function digestOnly<T extends { update(data: string | Buffer): T; digest(encoding?: string): string | Buffer }>(
  inner: T,
) {
  const wrapper = {
    update(data: string | Buffer) {
      inner.update(data);
      return wrapper;
    },
    digest(encoding?: string) {
      if (!ENCODINGS.has(encoding))
        throw new Error(`digest encoding ${encoding} is not supported by CloudFront Functions`);
      return encoding === undefined ? inner.digest() : inner.digest(encoding as 'hex');
    },
  };
  return wrapper;
}

const cryptoModule = Object.freeze({
  createHash(algorithm: string) {
    if (!ALGORITHMS.has(algorithm)) throw new Error(`hash ${algorithm} is not supported by CloudFront Functions`);
    return digestOnly(createHash(algorithm));
  },
  createHmac(algorithm: string, key: string | Buffer) {
    if (!ALGORITHMS.has(algorithm)) throw new Error(`hmac ${algorithm} is not supported by CloudFront Functions`);
    return digestOnly(createHmac(algorithm, key));
  },
});

/** The distribution tenant a request came in on (CloudFront SaaS Manager): its id and parameters. */
export interface DistributionTenantContext {
  id: string;
  parameters: Readonly<Record<string, string>>;
}

/**
 * Runs the function for one event. `distributionTenant`: the distribution tenant called, on a multi-tenant
 * distribution; absent, the function runs for a standard distribution, where `cf.distributionTenant` throws.
 */
export type CloudFrontFunctionHandler = (
  event: unknown,
  distributionTenant?: DistributionTenantContext,
) => Promise<unknown>;

/** What CloudFront Functions throws for `cf.distributionTenant` on a standard distribution (docs/platform.md#multi-tenant-distributions). */
export const NO_DISTRIBUTION_TENANT = 'distributionTenant module is not available';

export interface LoadOptions {
  /** The function's KeyValueStore, when it has one. */
  store?: LocalKeyValueStore;
  /** The distribution tenant every call runs for, unless the call names one (a multi-tenant distribution). */
  distributionTenant?: DistributionTenantContext;
  /** Milliseconds since the epoch for Date.now(); defaults to the real clock. */
  now?: () => number;
  log?: (line: string) => void;
}

/** Loads the script once, like CloudFront does per deployment; returns its `handler`. */
export function loadCloudFrontFunction(code: string, options: LoadOptions = {}): CloudFrontFunctionHandler {
  const lines = code.split('\n');
  let cf: unknown;
  // The distribution tenant of the call under way; undefined between calls and on a standard distribution.
  let calledTenant: DistributionTenantContext | undefined;
  // The runtime's `import cf from 'cloudfront'` (first line) becomes a context global here.
  if (lines[0]!.trim() === "import cf from 'cloudfront';") {
    lines[0] = '';
    const store = options.store;
    cf = Object.freeze({
      kvs: () => {
        if (!store) throw new Error('this function uses a KeyValueStore: pass options.store');
        return store.handle();
      },
      // Per call, as CloudFront gives it: only while the handler runs, and a TypeError on a standard distribution.
      get distributionTenant() {
        const tenant = calledTenant;
        if (tenant === undefined) throw new TypeError(NO_DISTRIBUTION_TENANT);
        return Object.freeze({
          id: tenant.id,
          parameters: Object.freeze({
            get: (name: unknown) =>
              typeof name === 'string' && Object.hasOwn(tenant.parameters, name) ? tenant.parameters[name] : undefined,
          }),
        });
      },
    });
  } else if (/^\s*import\s/m.test(code)) {
    throw new Error('a CloudFront Function may import only the cloudfront module, on its first line');
  }
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const context = vm.createContext({
    require(name: string) {
      if (name === 'crypto') return cryptoModule;
      if (name === 'querystring') return querystring;
      throw new Error(`Cannot find module '${name}' (CloudFront Functions offer crypto, querystring, cloudfront)`);
    },
    cf,
    Buffer,
    TextEncoder,
    TextDecoder,
    atob,
    btoa,
    console: Object.freeze({ log: (...args: unknown[]) => log(args.map(String).join(' ')) }),
  });
  vm.runInContext('"use strict";\n' + lines.join('\n'), context, { filename: 'cloudfront-function.js' });
  // The context's own Date: CloudFront freezes it at the function's start; here it reads the given clock.
  vm.runInContext('Date.now = function () { return __now(); };', Object.assign(context, { __now: now }));
  const handler = (context as { handler?: unknown }).handler;
  if (typeof handler !== 'function') throw new Error('the CloudFront Function defines no top-level handler(event)');
  const fixedTenant = options.distributionTenant;
  return (event, distributionTenant) => {
    calledTenant = distributionTenant ?? fixedTenant;
    try {
      // The handler reads the tenant synchronously before its first await (functions/cloudfront-function.ts).
      return Promise.resolve((handler as (event: unknown) => unknown)(event));
    } catch (error) {
      return Promise.reject(error as Error);
    } finally {
      calledTenant = undefined;
    }
  };
}

export function loadCloudFrontFunctionFile(file: string, options: LoadOptions = {}): CloudFrontFunctionHandler {
  return loadCloudFrontFunction(readFileSync(file, 'utf8'), options);
}
