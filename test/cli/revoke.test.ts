/**
 * `tenant-gate revoke`, against the stateful fake of the KeyValueStore API (test/fakes/aws.ts: GetKey, UpdateKeys
 * with IfMatch ETags, ConflictException on a stale one), and the entries it writes (deploy/key-value-entries.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  KeyValueEntryError,
  killSwitchChange,
  revocationChange,
  tenantEntryValue,
  undoRevocationChange,
  userName,
} from '../../deploy/key-value-entries';
import { parseTenantEntry } from '../../src/revocation';
import { keyValueStoreClient } from '../../deploy/key-value-store-api';
import { apiEntryStore, notBeforeOf } from '../../deploy/revocation-store';
import { FakeAws } from '../fakes/aws';
import { runCli } from '../helpers/cli';

const NOW = 1_800_000_000;
const none = { tenant: undefined, user: undefined };

describe('revocation entries', () => {
  it.each([
    ['a first tenant-wide revocation', undefined, undefined, NOW, { 'tenant:acme': `{"notBefore":${NOW}}` }],
    ['beside the kill switch', 'disabled', undefined, NOW, { 'tenant:acme': `{"disabled":true,"notBefore":${NOW}}` }],
    [
      'a later epoch already there is kept',
      `{"notBefore":${NOW + 5}}`,
      undefined,
      NOW,
      { 'tenant:acme': `{"notBefore":${NOW + 5}}` },
    ],
    [
      'an earlier one is moved forward',
      `{"notBefore":5,"users":true}`,
      undefined,
      NOW,
      { 'tenant:acme': `{"notBefore":${NOW},"users":true}` },
    ],
    [
      'a plain value other than disabled is replaced',
      'enabled',
      undefined,
      NOW,
      { 'tenant:acme': `{"notBefore":${NOW}}` },
    ],
    [
      "a later feature's member is kept",
      '{"plan":"gold"}',
      undefined,
      NOW,
      { 'tenant:acme': `{"notBefore":${NOW},"plan":"gold"}` },
    ],
  ])('tenant: %s', (_name, tenant, user, at, puts) => {
    const change = revocationChange('acme', undefined, at, { tenant, user });
    expect(Object.fromEntries(change.puts.map((e) => [e.key, e.value]))).toEqual(puts);
    expect(change.deletes).toEqual([]);
  });

  it('user: the entry and the tenant flag, in one change; the flag only once', () => {
    const first = revocationChange('acme', 'bob', NOW, none);
    expect(first.puts).toEqual([
      { key: 'user:acme:bob', value: String(NOW) },
      { key: 'tenant:acme', value: '{"users":true}' },
    ]);
    const again = revocationChange('acme', 'bob', NOW - 10, { tenant: '{"users":true}', user: String(NOW) });
    expect(again.puts).toEqual([{ key: 'user:acme:bob', value: String(NOW) }]);
  });

  it('undo: the tenant epoch goes, the kill switch stays; the last user entry takes the flag with it', () => {
    expect(
      undoRevocationChange(
        'acme',
        undefined,
        { tenant: `{"disabled":true,"notBefore":${NOW}}`, user: undefined },
        false,
      ).puts,
    ).toEqual([{ key: 'tenant:acme', value: 'disabled' }]);
    expect(
      undoRevocationChange('acme', undefined, { tenant: `{"notBefore":${NOW}}`, user: undefined }, false).deletes,
    ).toEqual(['tenant:acme']);
    const last = undoRevocationChange('acme', 'bob', { tenant: '{"users":true}', user: String(NOW) }, false);
    expect(last.deletes).toEqual(['user:acme:bob', 'tenant:acme']);
    const notLast = undoRevocationChange('acme', 'bob', { tenant: '{"users":true}', user: String(NOW) }, true);
    expect(notLast).toMatchObject({ puts: [], deletes: ['user:acme:bob'] });
  });

  it('the kill switch keeps the revocation members', () => {
    expect(killSwitchChange('acme', true, `{"notBefore":${NOW}}`).puts).toEqual([
      { key: 'tenant:acme', value: `{"disabled":true,"notBefore":${NOW}}` },
    ]);
    expect(killSwitchChange('acme', false, `{"disabled":true,"notBefore":${NOW}}`).puts).toEqual([
      { key: 'tenant:acme', value: `{"notBefore":${NOW}}` },
    ]);
    expect(killSwitchChange('acme', false, 'disabled').deletes).toEqual(['tenant:acme']);
    expect(killSwitchChange('acme', false, undefined)).toMatchObject({ puts: [], deletes: [] });
  });

  it.each([
    [
      'a malformed tenant entry (never overwritten blindly)',
      () => revocationChange('acme', undefined, NOW, { tenant: '{"notBefore":"x"}', user: undefined }),
    ],
    ['a tenant holding ":" (two users could share a key)', () => userName('a:b', 'c')],
    ['a user whose key would be over 512 bytes', () => userName('acme', '€'.repeat(200))],
    ['an empty tenant', () => revocationChange('', undefined, NOW, none)],
  ])('refuses %s', (_name, make) => {
    expect(make).toThrow(KeyValueEntryError);
  });

  it('what is written reads back as what was meant (property)', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 0, max: 10 ** 12 - 1 }),
        fc.boolean(),
        (disabled, notBefore, users) => {
          const value = tenantEntryValue({ disabled, notBefore, users });
          const read = parseTenantEntry(value ?? '');
          expect(read).toBeDefined();
          expect(read!.disabled === true).toBe(disabled);
          expect(read!.notBefore ?? 0).toBe(notBefore);
          expect(read!.users === true).toBe(users);
          // Only what says nothing deletes the entry; only the kill switch alone stays plain.
          expect(value === undefined).toBe(!disabled && notBefore === 0 && !users);
          if (value !== undefined && value !== 'disabled') expect(value.startsWith('{')).toBe(true);
        },
      ),
    );
  });
});

describe('tenant-gate revoke, against the fake', () => {
  let aws: FakeAws;
  let restore: () => void;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tenant-gate-revoke-'));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW * 1000);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    vi.useRealTimers();
  });
  beforeEach(() => {
    aws = new FakeAws(NOW * 1000);
    restore = aws.install();
  });
  afterEach(() => restore());
  const cli = (...argv: string[]) => runCli(argv, dir);

  it('revokes a user, then the tenant, then undoes both; each write is one UpdateKeys with the ETag of the moment', async () => {
    const store = aws.createStore('tenant-gate-dev');
    store.data.put('tenant:acme', 'disabled');
    const user = await cli('revoke', '--stage', 'dev', '--tenant', 'acme', '--user', 'bob');
    expect(user).toMatchObject({ code: 0, err: '' });
    expect(user.out).toContain(`revoked every credential of bob in acme issued before ${NOW}`);
    expect(store.data.entries()).toEqual({
      'tenant:acme': '{"disabled":true,"users":true}',
      'user:acme:bob': String(NOW),
    });
    expect((await cli('revoke', '--arn', store.arn, '--tenant', 'acme', '--at', String(NOW - 100))).code).toBe(0);
    expect(store.data.entries()['tenant:acme']).toBe(`{"disabled":true,"notBefore":${NOW - 100},"users":true}`);
    expect((await cli('revoke', '--stage', 'dev', '--tenant', 'acme', '--user', 'bob', '--undo')).code).toBe(0);
    expect((await cli('revoke', '--stage', 'dev', '--tenant', 'acme', '--undo')).code).toBe(0);
    expect(store.data.entries()).toEqual({ 'tenant:acme': 'disabled' });
    const writes = aws.calls.filter((c) => c === 'KeyValueStore.UpdateKeys').length;
    expect(writes).toBe(4);
    expect(aws.calls.filter((c) => c === 'KeyValueStore.DescribeKeyValueStore').length).toBe(writes);
    expect(aws.calls.filter((c) => /PutKey|DeleteKey/.test(c))).toEqual([]);
  });

  it('reads again and retries when someone else wrote in between (ConflictException): nothing lost', async () => {
    const store = aws.createStore('tenant-gate-dev');
    let raced = false;
    // Another writer disables the tenant right after our read, once.
    aws.calls.push = ((name: string) => {
      if (name === 'KeyValueStore.UpdateKeys' && !raced) {
        raced = true;
        store.data.put('tenant:acme', 'disabled');
        store.eTag++;
      }
      return Array.prototype.push.call(aws.calls, name);
    }) as typeof aws.calls.push;
    expect((await cli('revoke', '--stage', 'dev', '--tenant', 'acme')).code).toBe(0);
    expect(raced).toBe(true);
    // The other writer's kill switch survives: the second attempt read it.
    expect(store.data.entries()).toEqual({ 'tenant:acme': `{"disabled":true,"notBefore":${NOW}}` });
  });

  it('a malformed tenant entry is left alone and said (exit 1)', async () => {
    const store = aws.createStore('tenant-gate-dev');
    store.data.put('tenant:acme', '{"notBefore":');
    const r = await cli('revoke', '--stage', 'dev', '--tenant', 'acme', '--user', 'bob');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ERR_KVS_ENTRY_INVALID: the entry tenant:acme is malformed.*nothing written/);
    expect(store.data.entries()).toEqual({ 'tenant:acme': '{"notBefore":' });
  });

  it.each([
    [['revoke', '--tenant', 'acme'], /exactly one of --stage and --arn/],
    [['revoke', '--stage', 'dev'], /needs --tenant/],
    [['revoke', '--stage', 'dev', '--tenant', 'acme', '--at', 'yesterday'], /not an epoch/],
    [['revoke', '--stage', 'dev', '--tenant', 'acme', '--at', '-5'], /not an epoch|argument missing|ambiguous/],
    [['revoke', '--stage', 'dev', '--tenant', 'acme', '--at', String(NOW + 60)], /in the future/],
    [['revoke', '--stage', 'dev', '--tenant', 'acme', '--undo', '--at', 'now'], /--undo takes no --at/],
    [['revoke', '--stage', 'dev', '--tenant', 'acme', '--user', ''], /must not be empty/],
    [['revoke', '--arn', 'arn:aws:s3:::bucket', '--tenant', 'acme'], /not a key-value store ARN/],
  ])('%j is a usage error', async (argv, message) => {
    aws.createStore('tenant-gate-dev');
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it("the login's reads through the API: a missing key is no revocation, a missing store is an error (fail closed)", async () => {
    const store = aws.createStore('tenant-gate-dev');
    store.data.put('tenant:acme', '{"notBefore":17,"users":true}');
    store.data.put('user:acme:bob', '99');
    const client = keyValueStoreClient();
    const entries = apiEntryStore(client, store.arn);
    expect(await notBeforeOf(entries, 'acme', 'bob')).toBe(99);
    expect(await notBeforeOf(entries, 'acme', 'alice')).toBe(17);
    expect(await notBeforeOf(entries, 'globex', 'alice')).toBe(0);
    const wrong = apiEntryStore(client, `${store.arn.slice(0, -4)}0000`);
    await expect(notBeforeOf(wrong, 'globex', 'alice')).rejects.toThrow(/not found/);
  });

  it('says when the stage has no store', async () => {
    const r = await cli('revoke', '--stage', 'prod', '--tenant', 'acme');
    expect(r.code).toBe(1);
    expect(r.err).toContain('ERR_KVS_NOT_FOUND');
  });
});
