/**
 * `tenant-gate kvs put-key | delete-key | disable-tenant | enable-tenant | list`: the CloudFront Function's
 * key-value store, through the KeyValueStore API (SigV4A, ETag/IfMatch: deploy/key-value-store-api.ts), in the entry
 * format of deploy/key-value-entries.ts. A secret is read from a file or the gate config, never from the command line,
 * and never printed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { loadConfig } from '../../build/artifacts';
import {
  KeyValueEntryError,
  describeEntry,
  keyEntry,
  killSwitchChange,
  keyName,
  tenantName,
} from '../../deploy/key-value-entries';
import {
  changeEntries,
  deleteEntry,
  keyValueStoreClient,
  listEntries,
  putEntry,
} from '../../deploy/key-value-store-api';
import { findKeyValueStore, keyValueStoreName } from '../../deploy/key-value-store-resource';
import { UsageError, type CliIO, type Command } from '../command';
import { parse } from './attach';

const OPTIONS = {
  stage: { type: 'string' },
  arn: { type: 'string' },
  kid: { type: 'string' },
  'secret-file': { type: 'string' },
  config: { type: 'string' },
  tenant: { type: 'string' },
} as const;

const ACTIONS = ['put-key', 'delete-key', 'disable-tenant', 'enable-tenant', 'list'] as const;
export const KVS_ARN = /^arn:aws:cloudfront::\d{12}:key-value-store\/[A-Za-z0-9-]+$/;

export const command: Command = {
  name: 'kvs',
  summary: "the CloudFront Function's key-value store: keys and disabled tenants",
  usage: `usage: tenant-gate kvs ACTION (--stage S | --arn ARN) [options]

  put-key --kid K (--secret-file FILE | --config FILE)   key:K → {"alg":"HS256","secret":…} (the secret from FILE, or
                                                         the HS256 key K of the gate config); never printed
  delete-key --kid K                                     removes key:K (tokens signed with K are refused at once)
  disable-tenant --tenant T                              tenant:T → disabled (403 tenant_disabled for T)
  enable-tenant --tenant T                               removes tenant:T
  list                                                   every entry, secrets not shown

  --stage S    the store tenant-gate-S (found by name; the deploy creates it and remove keeps it)
  --arn ARN    or the store's ARN
Every write reads the store's ETag and sends it as IfMatch (retried when someone else wrote in between).`,

  async run(argv: string[], io: CliIO): Promise<number> {
    const action = argv[0];
    if (action === undefined || !(ACTIONS as readonly string[]).includes(action))
      throw new UsageError(`the first argument must be one of ${ACTIONS.join(', ')}`);
    const v = parse(argv.slice(1), OPTIONS);
    if ((v.stage === undefined) === (v.arn === undefined))
      throw new UsageError('give exactly one of --stage and --arn');
    if (v.arn !== undefined && !KVS_ARN.test(v.arn))
      throw new UsageError(`--arn "${v.arn}" is not a key-value store ARN`);
    const entryFor = (): { key: string; value?: string } => {
      switch (action) {
        case 'put-key': {
          if (v.kid === undefined) throw new UsageError('put-key needs --kid');
          if ((v['secret-file'] === undefined) === (v.config === undefined))
            throw new UsageError('put-key needs exactly one of --secret-file and --config');
          let secret: string;
          if (v['secret-file'] !== undefined) {
            secret = readFileSync(resolve(io.cwd, v['secret-file']), 'utf8').trim();
          } else {
            const key = loadConfig(resolve(io.cwd, v.config!)).keys.find((k) => k.kid === v.kid);
            if (key === undefined || key.alg !== 'HS256' || key.secret === '')
              throw new UsageError(`the gate config has no HS256 key ${v.kid} with its secret`);
            secret = key.secret;
          }
          try {
            return keyEntry(v.kid, secret);
          } catch (error) {
            if (error instanceof KeyValueEntryError) throw new UsageError(error.message);
            throw error;
          }
        }
        case 'delete-key':
          if (v.kid === undefined) throw new UsageError('delete-key needs --kid');
          return { key: keyName(v.kid) };
        case 'disable-tenant':
        case 'enable-tenant':
          if (v.tenant === undefined) throw new UsageError(`${action} needs --tenant`);
          return { key: tenantName(v.tenant) };
        default:
          return { key: '' };
      }
    };
    const entry = entryFor();
    const arn =
      v.arn ?? (await findKeyValueStore(new CloudFrontClient({ region: 'us-east-1' }), keyValueStoreName(v.stage!)));
    if (arn === undefined) {
      io.err(
        `ERR_KVS_NOT_FOUND: no key-value store ${keyValueStoreName(v.stage!)}; deploy a keyValueStore build first`,
      );
      return 1;
    }
    const client = keyValueStoreClient();
    if (action === 'list') {
      const entries = await listEntries(client, arn);
      io.out(
        [
          `${arn}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`,
          ...entries.map((e) => `  ${describeEntry(e)}`),
        ].join('\n'),
      );
      return 0;
    }
    if (action === 'disable-tenant' || action === 'enable-tenant') {
      // The tenant entry may carry revocations too (src/revocation.ts): read it, change the switch only.
      const tenant = v.tenant!;
      try {
        const change = await changeEntries(client, arn, async (read) =>
          killSwitchChange(tenant, action === 'disable-tenant', await read.get(entry.key)),
        );
        for (const put of change.puts) io.out(`kvs: put ${describeEntry(put)}`);
        for (const key of change.deletes) io.out(`kvs: deleted ${key}`);
        if (change.puts.length + change.deletes.length === 0) io.out(`kvs: ${entry.key} unchanged`);
      } catch (error) {
        if (!(error instanceof KeyValueEntryError)) throw error;
        io.err(`${error.code}: ${error.message}; nothing written`);
        return 1;
      }
    } else if (entry.value !== undefined) {
      await putEntry(client, arn, { key: entry.key, value: entry.value });
      io.out(`kvs: put ${describeEntry({ key: entry.key, value: entry.value })}`);
    } else {
      await deleteEntry(client, arn, entry.key);
      io.out(`kvs: deleted ${entry.key}`);
    }
    return 0;
  },
};
