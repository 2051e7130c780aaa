/** What only the CloudFront Function target does: its size budget, its script shape, its KeyValueStore. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArtifacts, CLOUDFRONT_FUNCTION_MAX_BYTES } from '../build/artifacts';
import { keyEntry } from '../deploy/key-value-entries';
import { KVS_LIMITS, LocalKeyValueStore } from '../local/key-value-store';
import { cloudFrontFunctionEvent, cloudFrontFunctionOutcome, njsRunner, vmRunner } from './helpers/cloudfront-function';
import { CONFIG, ROOT } from './helpers/keys';
import { built } from './helpers/targets';
import { canRun, NJS } from './helpers/tools';
import { mint } from './helpers/tokens';
import { createSecretKey, randomBytes } from 'node:crypto';

const FILE = '/files/report.pdf';
const request = (token: string | undefined) =>
  cloudFrontFunctionEvent({
    name: '',
    uri: FILE,
    cookies: token ? [`__Host-tenant=${token}`] : [],
    expect: { status: 0 },
  });

/** A token signed with a given raw secret, naming `kid`. */
function tokenFor(kid: string, secret: Buffer, claims: Record<string, unknown> = {}): string {
  return mint({ header: { kid }, claims, signKey: createSecretKey(secret) });
}

async function buildVariant(overrides: Record<string, unknown>): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'tenant-gate-cff-'));
  await buildArtifacts({ config: { ...CONFIG, ...overrides }, outdir, root: ROOT });
  return join(outdir, 'cloudfront-function', 'index.js');
}

describe('CloudFront Function artifact', () => {
  it("fits CloudFront's 10 KB limit, with and without the web features, and with scopes", async () => {
    for (const variant of ['default', 'web', 'scopes'] as const) {
      const code = readFileSync(join(await built(variant), 'cloudfront-function', 'index.js'));
      expect(code.length).toBeLessThanOrEqual(CLOUDFRONT_FUNCTION_MAX_BYTES);
    }
  });

  it("is one script: a top-level handler, no exports, only the runtime's modules", async () => {
    const code = readFileSync(join(await built('default'), 'cloudfront-function', 'index.js'), 'utf8');
    // The runtime's crypto module first (terser renames the variable, never the module).
    expect(code).toMatch(/^var [\w$]+=require\("crypto"\);/);
    // Inline keys, no store: nothing to await, so a plain function (docs/platform.md#cloudfront-functions-runtime),
    // declared at the top level (after a statement, not inside a block or an expression).
    expect(code).toMatch(/[;}]function handler\([\w$]+\)\{/);
    expect(code).not.toMatch(/async/);
    expect(code).not.toMatch(/\bexport\b|module\.exports|exports\./);
    expect([...code.matchAll(/require\((['"])([^'"]+)\1\)/g)].map((m) => m[2])).toEqual(['crypto']);
    // Asymmetric keys cannot be used here and are not embedded; neither is the login section.
    expect(code).not.toContain('publicKeyJwk');
    expect(code).not.toContain('es-2026-11');
  });

  it('a build that would exceed the limit fails, and says why', async () => {
    const keys = Array.from({ length: 150 }, (_, i) => ({
      kid: `hs-${i}`,
      alg: 'HS256',
      secret: randomBytes(32).toString('base64url'),
    }));
    await expect(buildVariant({ keys: [...CONFIG.keys, ...keys] })).rejects.toThrow(
      /CloudFront Function is \d+ bytes, over CloudFront's limit of 10240 bytes/,
    );
  });

  it('over the limit with features, it says what each one costs and where they all fit', async () => {
    const over = { grants: {}, cloudfrontFunction: { keySource: 'inline', tenantKillSwitch: true, revocation: true } };
    const error = await buildVariant(over).then(
      () => undefined,
      (e: unknown) => String(e),
    );
    expect(error).toMatch(/over CloudFront's limit of 10240 bytes by \d+\./);
    const costs = Object.fromEntries(
      [...(error ?? '').matchAll(/([\w.]+) \+(\d+) B/g)].map((m) => [m[1], Number(m[2])] as const),
    );
    expect(Object.keys(costs)).toEqual([
      'grants',
      'cloudfrontFunction.revocation',
      'cloudfrontFunction.tenantKillSwitch',
    ]);
    // Each figure is the build's size without that feature: dropping the dearest one fits.
    expect(costs.grants).toBeGreaterThan(400);
    expect(costs['cloudfrontFunction.revocation']).toBeGreaterThan(800);
    await expect(buildVariant({ ...over, grants: null })).resolves.toBeDefined();
    expect(error).toContain('use the Lambda@Edge gate');
  });
});

describe('malformed CloudFront Functions events give a 400', () => {
  let run: (event: unknown) => Promise<unknown>;
  beforeAll(async () => {
    run = vmRunner(join(await built('default'), 'cloudfront-function', 'index.js'));
  });
  it.each([
    ['null', null],
    ['no request', { viewer: { ip: '192.0.2.1' } }],
    ['request a string', { request: 'GET /files/a' }],
    ['cookies a string', { request: { method: 'GET', uri: FILE, headers: {}, cookies: 'x', querystring: {} } }],
    ['uri missing', { request: { method: 'GET', headers: {}, cookies: {}, querystring: {} } }],
    [
      'a cookie entry null',
      { request: { method: 'GET', uri: FILE, headers: {}, cookies: { '__Host-tenant': null }, querystring: {} } },
    ],
  ])('%s', async (_name, event) => {
    const outcome = cloudFrontFunctionOutcome(await run(event));
    expect(outcome.status).toBeGreaterThanOrEqual(400);
    expect(outcome.status).toBeLessThan(500);
  });
});

describe('keys from the KeyValueStore: rotation without a redeploy', () => {
  const current = randomBytes(32);
  const next = randomBytes(32);
  let file: string;
  beforeAll(async () => {
    file = await buildVariant({ cloudfrontFunction: { keySource: 'keyValueStore', tenantKillSwitch: false } });
  });
  const entry = (secret: Buffer) => keyEntry('unused', secret.toString('base64url')).value;

  it('embeds no key in the artifact and imports the store on its first line', () => {
    const code = readFileSync(file, 'utf8');
    expect(code.split('\n')[0]).toBe("import cf from 'cloudfront';");
    for (const key of CONFIG.keys) if (key.alg === 'HS256') expect(code).not.toContain(key.secret);
  });

  it('accepts a token whose kid is in the store, and follows the store as keys come and go', async () => {
    const store = new LocalKeyValueStore({ 'key:k-2026-11': entry(current) });
    const run = vmRunner(file, store);
    const status = async (token: string) => cloudFrontFunctionOutcome(await run(request(token))).status;
    expect(await status(tokenFor('k-2026-11', current))).toBe('forward');
    expect(await status(tokenFor('k-2026-12', next))).toBe(401);
    store.put('key:k-2026-12', entry(next));
    expect(await status(tokenFor('k-2026-12', next))).toBe('forward');
    store.delete('key:k-2026-11');
    expect(await status(tokenFor('k-2026-11', current))).toBe(401);
  });

  it.each([
    ['a short secret', JSON.stringify({ alg: 'HS256', secret: randomBytes(16).toString('base64url') })],
    ['another algorithm', JSON.stringify({ alg: 'RS256', secret: randomBytes(32).toString('base64url') })],
    ['not JSON', 'secret'],
    ['a secret in standard base64', JSON.stringify({ alg: 'HS256', secret: 'ab+/'.repeat(11) })],
  ])('refuses a store entry with %s (401)', async (_name, value) => {
    const secret = randomBytes(32);
    const run = vmRunner(file, new LocalKeyValueStore({ 'key:k': value }));
    expect(cloudFrontFunctionOutcome(await run(request(tokenFor('k', secret)))).status).toBe(401);
  });

  it('is async: it awaits its store', () => {
    expect(readFileSync(file, 'utf8')).toMatch(/[;}\n]async function handler\([\w$]+\)\{/);
  });

  it('answers 503 store_unavailable with Retry-After when the store cannot be read: an outage is no missing key', async () => {
    const store = new LocalKeyValueStore({ 'key:k': entry(current) });
    store.failing = true;
    const run = vmRunner(file, store);
    const outcome = cloudFrontFunctionOutcome(await run(request(tokenFor('k', current))));
    expect(outcome).toMatchObject({ status: 503, code: 'store_unavailable' });
    if (outcome.status === 'forward') return;
    expect(outcome.headers).toMatchObject({ 'retry-after': '5', 'cache-control': 'no-store' });
  });

  it.each([
    ['no credential', undefined, 401, 'missing_credentials'],
    ['a token that is not a JWS', 'not-a-token', 401, 'invalid_token'],
  ])('still judges what needs no key first during an outage: %s', async (_name, token, status, code) => {
    const store = new LocalKeyValueStore({});
    store.failing = true;
    expect(cloudFrontFunctionOutcome(await vmRunner(file, store)(request(token)))).toMatchObject({ status, code });
  });

  it('a key missing from a readable store stays a 401', async () => {
    const run = vmRunner(file, new LocalKeyValueStore({}));
    expect(cloudFrontFunctionOutcome(await run(request(tokenFor('k', current))))).toMatchObject({
      status: 401,
      code: 'invalid_token',
    });
  });

  it.runIf(canRun(NJS))('answers 503 store_unavailable under njs too when the store cannot be read', async () => {
    const run = njsRunner(file, { 'key:k': entry(current) }, undefined, true);
    const outcome = cloudFrontFunctionOutcome(await run(request(tokenFor('k', current))));
    expect(outcome).toMatchObject({ status: 503, code: 'store_unavailable' });
    if (outcome.status !== 'forward') expect(outcome.headers['retry-after']).toBe('5');
  });

  it.runIf(canRun(NJS))('works the same under njs', async () => {
    const run = njsRunner(file, { 'key:k-2026-11': entry(current) });
    expect(cloudFrontFunctionOutcome(await run(request(tokenFor('k-2026-11', current))))).toMatchObject({
      status: 'forward',
      uri: '/tenants/acme/files/report.pdf',
    });
    expect(cloudFrontFunctionOutcome(await run(request(tokenFor('k-2026-12', next))))).toMatchObject({ status: 401 });
  });
});

describe('tenant kill switch', () => {
  let file: string;
  beforeAll(async () => {
    file = await buildVariant({ cloudfrontFunction: { keySource: 'inline', tenantKillSwitch: true } });
  });
  const acme = mint();
  const globex = mint({ claims: { tid: 'globex' } });

  it('refuses a tenant marked disabled with 403, and only that tenant', async () => {
    const store = new LocalKeyValueStore({ 'tenant:acme': 'disabled' });
    const run = vmRunner(file, store);
    expect(cloudFrontFunctionOutcome(await run(request(acme)))).toMatchObject({ status: 403, code: 'tenant_disabled' });
    expect(cloudFrontFunctionOutcome(await run(request(globex)))).toMatchObject({
      status: 'forward',
      uri: '/tenants/globex/files/report.pdf',
    });
    store.put('tenant:acme', 'enabled');
    expect(cloudFrontFunctionOutcome(await run(request(acme)))).toMatchObject({ status: 'forward' });
  });

  it('answers 503 store_unavailable with Retry-After when the store cannot be read, rather than guess', async () => {
    const store = new LocalKeyValueStore({});
    store.failing = true;
    expect(cloudFrontFunctionOutcome(await vmRunner(file, store)(request(acme)))).toMatchObject({
      status: 503,
      code: 'store_unavailable',
      headers: { 'retry-after': '5' },
    });
  });

  it('still judges the token first: no store read decides a bad credential', async () => {
    const store = new LocalKeyValueStore({});
    store.failing = true;
    expect(cloudFrontFunctionOutcome(await vmRunner(file, store)(request(undefined)))).toMatchObject({
      status: 401,
      code: 'missing_credentials',
    });
  });

  it.runIf(canRun(NJS))('works the same under njs', async () => {
    const run = njsRunner(file, { 'tenant:acme': 'disabled' });
    expect(cloudFrontFunctionOutcome(await run(request(acme)))).toMatchObject({ status: 403, code: 'tenant_disabled' });
    expect(cloudFrontFunctionOutcome(await run(request(globex)))).toMatchObject({ status: 'forward' });
  });
});

describe("the local KeyValueStore keeps CloudFront's limits", () => {
  it.each([
    ['a key over 512 bytes', () => new LocalKeyValueStore({ ['k'.repeat(KVS_LIMITS.keyBytes + 1)]: 'v' })],
    ['a value over 1 KB', () => new LocalKeyValueStore({ k: 'v'.repeat(KVS_LIMITS.valueBytes + 1) })],
    [
      'a store over 5 MB',
      () => {
        const store = new LocalKeyValueStore();
        for (let i = 0; i < 6000; i++) store.put(`k${i}`.padEnd(100, 'x'), 'v'.repeat(1000));
      },
    ],
  ])('refuses %s', (_name, make) => {
    expect(make).toThrow(/limit/);
  });

  it('get rejects a missing key, exists says false', async () => {
    const handle = new LocalKeyValueStore({ a: '{"x":1}' }).handle();
    await expect(handle.get('b', { format: 'string' })).rejects.toThrow();
    expect(await handle.exists('b')).toBe(false);
    expect(await handle.get('a', { format: 'json' })).toEqual({ x: 1 });
  });
});

describe('CloudFront Function with scopes', () => {
  it('carries no byte of them without: the default build names no scope code, the scopes build does', async () => {
    const plain = readFileSync(join(await built('default'), 'cloudfront-function', 'index.js'), 'utf8');
    const scoped = readFileSync(join(await built('scopes'), 'cloudfront-function', 'index.js'), 'utf8');
    // Token failures are numbered in this build (test/log-reasons.test.ts): the names are in neither.
    for (const marker of ['{sub}', 'scope_denied', 'decodeURIComponent(']) {
      expect(scoped).toContain(marker);
    }
    for (const marker of ['{sub}', 'scope_denied', 'sub_invalid', 'scope_claim_invalid']) {
      expect(plain).not.toContain(marker);
    }
  });
});
