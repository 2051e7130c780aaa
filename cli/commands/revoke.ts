/**
 * `tenant-gate revoke --tenant T [--user U] [--at EPOCH|now] [--undo]`: refuses every credential of a tenant, or of
 * one user, issued before an epoch (401 revoked at the edge), through the KeyValueStore API like `tenant-gate kvs`
 * (DescribeKeyValueStore → ETag, GetKey, UpdateKeys with IfMatch, retried when someone else wrote in between). The
 * entries are deploy/key-value-entries.ts's; the rule is src/revocation.ts's.
 */
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { KeyValueEntryError } from '../../deploy/key-value-entries';
import { keyValueStoreClient } from '../../deploy/key-value-store-api';
import { findKeyValueStore, keyValueStoreName } from '../../deploy/key-value-store-resource';
import { apiEntryStore, revoke, undoRevocation } from '../../deploy/revocation-store';
import { UsageError, type CliIO, type Command } from '../command';
import { parse } from './attach';
import { KVS_ARN } from './kvs';

const OPTIONS = {
  stage: { type: 'string' },
  arn: { type: 'string' },
  tenant: { type: 'string' },
  user: { type: 'string' },
  at: { type: 'string' },
  undo: { type: 'boolean' },
} as const;

/** An epoch as the store holds it (src/revocation.ts): decimal digits, at most 12. */
const EPOCH = /^(?:0|[1-9]\d{0,11})$/;

export const command: Command = {
  name: 'revoke',
  summary: 'refuse the credentials of a tenant or of one user issued before now (401 revoked), or undo it',
  usage: `usage: tenant-gate revoke (--stage S | --arn ARN) --tenant T [--user U] [--at EPOCH|now] [--undo]

  --tenant T         every session, link and grant of tenant T issued before the epoch is refused (401 revoked)
  --user U           only those of the user whose sub is U (entry user:T:U; the tenant entry notes that T has some)
  --at EPOCH|now     the "not before" epoch in seconds (default now; never in the future); a later one already
                     in the store is kept
  --undo             removes the tenant's epoch (or the user's entry) instead
  --stage S | --arn ARN   the store, as for tenant-gate kvs

The CloudFront Function reads the entries when built with cloudfrontFunction.revocation (within the store's
propagation time); Lambda@Edge learns them from the login within lambdaEdge.revocationCacheSeconds.`,

  async run(argv: string[], io: CliIO): Promise<number> {
    const v = parse(argv, OPTIONS);
    if ((v.stage === undefined) === (v.arn === undefined))
      throw new UsageError('give exactly one of --stage and --arn');
    if (v.arn !== undefined && !KVS_ARN.test(v.arn))
      throw new UsageError(`--arn "${v.arn}" is not a key-value store ARN`);
    if (v.tenant === undefined || v.tenant === '') throw new UsageError('revoke needs --tenant');
    if (v.user === '') throw new UsageError('--user must not be empty');
    if (v.undo === true && v.at !== undefined) throw new UsageError('--undo takes no --at');
    const now = Math.floor(Date.now() / 1000);
    let at = now;
    if (v.at !== undefined && v.at !== 'now') {
      if (!EPOCH.test(v.at)) throw new UsageError(`--at "${v.at}" is not an epoch in seconds (or now)`);
      at = Number(v.at);
      // A future epoch would refuse every credential issued until then, the ones signed in after the revoke too.
      if (at > now) throw new UsageError(`--at ${at} is in the future (now is ${now})`);
    }
    const arn =
      v.arn ?? (await findKeyValueStore(new CloudFrontClient({ region: 'us-east-1' }), keyValueStoreName(v.stage!)));
    if (arn === undefined) {
      io.err(
        `ERR_KVS_NOT_FOUND: no key-value store ${keyValueStoreName(v.stage!)}; deploy a build that uses one first`,
      );
      return 1;
    }
    const store = apiEntryStore(keyValueStoreClient(), arn);
    try {
      const change =
        v.undo === true ? await undoRevocation(store, v.tenant, v.user) : await revoke(store, v.tenant, v.user, at);
      io.out(`revoke: ${change.summary}`);
      for (const entry of change.puts) io.out(`  put ${entry.key} = ${entry.value}`);
      for (const key of change.deletes) io.out(`  deleted ${key}`);
      if (change.puts.length + change.deletes.length === 0) io.out('  nothing to change');
    } catch (error) {
      if (!(error instanceof KeyValueEntryError)) throw error;
      io.err(`${error.code}: ${error.message}; nothing written`);
      return 1;
    }
    return 0;
  },
};
