/**
 * The key-value store: one entry format (deploy/key-value-entries.ts), the data-plane client signed with SigV4A by the
 * pure-JS signer, ETag/IfMatch writes, and `tenant-gate kvs` against the stateful fake (test/fakes/aws.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeKeyValueStoreCommand } from '@aws-sdk/client-cloudfront-keyvaluestore';
import { SignatureV4MultiRegion } from '@aws-sdk/signature-v4-multi-region';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  KeyValueEntryError,
  describeEntry,
  disabledTenantEntry,
  keyEntriesOf,
  keyEntry,
} from '../../deploy/key-value-entries';
import { keyValueStoreClient, putEntry } from '../../deploy/key-value-store-api';
import { ensureKeyValueStore } from '../../deploy/key-value-store-resource';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { FakeAws } from '../fakes/aws';
import { runCli } from '../helpers/cli';

const ROOT = join(import.meta.dirname, '..', '..');
const SECRET = 'BPNsz6TOFt864AUcYivq-vAQJvvvnoJ380CoAKgfxuA';
const NOW = Date.parse('2026-11-28T21:00:00Z');

describe('entries', () => {
  it('key:<kid> holds {"alg":"HS256","secret":…}, tenant:<t> holds disabled', () => {
    expect(keyEntry('hs-2026-11', SECRET)).toEqual({
      key: 'key:hs-2026-11',
      value: `{"alg":"HS256","secret":"${SECRET}"}`,
    });
    expect(disabledTenantEntry('acme')).toEqual({ key: 'tenant:acme', value: 'disabled' });
    expect(
      keyEntriesOf([
        { kid: 'a', alg: 'HS256', secret: SECRET },
        { kid: 'b', alg: 'ES256' },
      ]).map((e) => e.key),
    ).toEqual(['key:a']);
  });

  it.each([
    ['an empty kid', () => keyEntry('', SECRET)],
    ['a short secret', () => keyEntry('k', 'c2hvcnQ')],
    ['a secret in standard base64', () => keyEntry('k', 'ab+/'.repeat(11))],
    ['a kid over 512 bytes', () => keyEntry('k'.repeat(600), SECRET)],
    ['an empty tenant', () => disabledTenantEntry('')],
  ])('refuses %s', (_name, make) => {
    expect(make).toThrow(KeyValueEntryError);
  });

  it('describes entries without their secret', () => {
    const shown = describeEntry(keyEntry('k', SECRET));
    expect(shown).toBe('key:k  HS256 key (secret not shown)');
    expect(shown).not.toContain(SECRET);
    expect(describeEntry({ key: 'key:bare', value: SECRET })).not.toContain(SECRET);
    expect(describeEntry({ key: 'tenant:acme', value: 'disabled' })).toBe('tenant:acme  disabled');
  });
});

describe('the KeyValueStore client', () => {
  it('signs with SigV4A through the pure-JS signer (no CRT)', async () => {
    const client = keyValueStoreClient();
    expect(SignatureV4MultiRegion.sigv4aDependency()).toBe('js');
    let seen: Record<string, string> = {};
    client.config.credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI' });
    client.config.requestHandler = {
      handle: async (request: { headers: Record<string, string> }) => {
        seen = request.headers;
        throw Object.assign(new Error('stop here'), { name: 'StopHere' });
      },
    } as never;
    await expect(
      client.send(
        new DescribeKeyValueStoreCommand({
          KvsARN: 'arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
        }),
      ),
    ).rejects.toThrow('stop here');
    expect(seen['authorization']).toMatch(
      /^AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/cloudfront-keyvaluestore\/aws4_request/,
    );
    expect(seen['x-amz-region-set']).toBe('*');
  });
});

describe('tenant-gate kvs, against the fake', () => {
  let aws: FakeAws;
  let restore: () => void;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tenant-gate-kvs-'));
    writeFileSync(join(dir, 'secret.txt'), `${SECRET}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    aws = new FakeAws(NOW);
    restore = aws.install();
  });
  afterEach(() => restore());

  const cli = (...argv: string[]) => runCli(argv, dir);

  it('puts a key, disables and enables a tenant, deletes the key; each write with the ETag of the moment', async () => {
    const store = aws.createStore('tenant-gate-dev');
    expect(
      (await cli('kvs', 'put-key', '--stage', 'dev', '--kid', 'hs-2026-11', '--secret-file', 'secret.txt')).code,
    ).toBe(0);
    expect(
      (
        await cli(
          'kvs',
          'put-key',
          '--arn',
          store.arn,
          '--kid',
          'hs-2026-10',
          '--config',
          join(ROOT, 'gatekeeper.config.json'),
        )
      ).code,
    ).toBe(0);
    expect((await cli('kvs', 'disable-tenant', '--stage', 'dev', '--tenant', 'globex')).code).toBe(0);
    expect(store.data.entries()).toEqual({
      'key:hs-2026-11': keyEntry('hs-2026-11', SECRET).value,
      'key:hs-2026-10': expect.stringMatching(/^\{"alg":"HS256","secret":"[A-Za-z0-9_-]+"\}$/),
      'tenant:globex': 'disabled',
    });
    const listed = await cli('kvs', 'list', '--stage', 'dev');
    expect(listed.out).toContain('3 entries');
    expect(listed.out).toContain('tenant:globex  disabled');
    expect(listed.out).not.toContain(SECRET);
    expect((await cli('kvs', 'enable-tenant', '--stage', 'dev', '--tenant', 'globex')).code).toBe(0);
    expect((await cli('kvs', 'delete-key', '--stage', 'dev', '--kid', 'hs-2026-10')).code).toBe(0);
    expect(Object.keys(store.data.entries())).toEqual(['key:hs-2026-11']);
    // disable/enable read the entry first (it may carry revocations) and write it with UpdateKeys.
    const writes = aws.calls.filter((c) => /PutKey|DeleteKey|UpdateKeys/.test(c)).length;
    expect(aws.calls.filter((c) => c === 'KeyValueStore.DescribeKeyValueStore').length).toBe(writes);
  });

  it('re-reads the ETag and retries when someone else wrote in between (ConflictException)', async () => {
    const store = aws.createStore('tenant-gate-dev');
    const client = keyValueStoreClient();
    let raced = false;
    // Another writer bumps the ETag right after our Describe, once.
    aws.calls.push = ((name: string) => {
      if (name === 'KeyValueStore.PutKey' && !raced) {
        raced = true;
        store.eTag++;
      }
      return Array.prototype.push.call(aws.calls, name);
    }) as typeof aws.calls.push;
    await putEntry(client, store.arn, disabledTenantEntry('acme'));
    expect(raced).toBe(true);
    expect(store.data.entries()).toEqual({ 'tenant:acme': 'disabled' });
    expect(aws.calls.filter((c) => c === 'KeyValueStore.PutKey')).toHaveLength(2);
  });

  it.each([
    [['kvs'], /first argument must be one of/],
    [['kvs', 'list'], /exactly one of --stage and --arn/],
    [['kvs', 'list', '--arn', 'arn:aws:s3:::bucket'], /not a key-value store ARN/],
    [['kvs', 'put-key', '--stage', 'dev', '--kid', 'k'], /exactly one of --secret-file and --config/],
    [['kvs', 'put-key', '--stage', 'dev', '--kid', 'k', '--secret', SECRET], /Unknown option '--secret'/],
    [['kvs', 'disable-tenant', '--stage', 'dev'], /needs --tenant/],
    [['kvs', 'delete-key', '--stage', 'dev'], /needs --kid/],
  ])('%j is a usage error', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toContain(SECRET);
  });

  it('a short secret file is refused without echoing it', async () => {
    aws.createStore('tenant-gate-dev');
    writeFileSync(join(dir, 'short.txt'), 'c2hvcnRzZWNyZXQ\n');
    const r = await cli('kvs', 'put-key', '--stage', 'dev', '--kid', 'k', '--secret-file', 'short.txt');
    expect(r.code).toBe(2);
    expect(r.err).not.toContain('c2hvcnRzZWNyZXQ');
  });

  it('says when the stage has no store', async () => {
    const r = await cli('kvs', 'list', '--stage', 'prod');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ERR_KVS_NOT_FOUND: no key-value store tenant-gate-prod/);
  });

  it('the deploy finds the store by name, or creates it once', async () => {
    const cf = new CloudFrontClient({ region: 'us-east-1' });
    const first = await ensureKeyValueStore(cf, 'tenant-gate-dev', { waitMs: 0 });
    const second = await ensureKeyValueStore(cf, 'tenant-gate-dev', { waitMs: 0 });
    expect(first.created).toBe(true);
    expect(second).toEqual({ arn: first.arn, created: false });
    expect(aws.stores.size).toBe(1);
  });
});
