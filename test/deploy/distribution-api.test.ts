import {
  CloudFrontClient,
  GetDistributionConfigCommand,
  PreconditionFailed,
  type UpdateDistributionCommand,
  AccessDenied,
  type DistributionConfig,
  type GetDistributionConfigCommandOutput,
  type UpdateDistributionCommandOutput,
} from '@aws-sdk/client-cloudfront';
import { describe, expect, it } from 'vitest';
import { attach, type AttachPlan } from '../../deploy/attach';
import { formatFieldChange } from '../../deploy/config-diff';
import {
  DistributionUpdateError,
  updateDistributionWithRetry,
  type DistributionClient,
} from '../../deploy/distribution-api';
import { loadDistributionConfig } from '../helpers/distribution-config';

const load = loadDistributionConfig;

const PLAN: AttachPlan = {
  pathPatterns: ['/files/*'],
  gate: { kind: 'lambda-edge', arn: 'arn:aws:lambda:us-east-1:123456789012:function:tenant-gate-viewer-request:7' },
  auth: {
    pathPattern: '/auth/*',
    originDomainName: 'k3x7vq2mzl5ubd4hwe6rtyjaoi0pnsfc.lambda-url.us-east-1.on.aws',
    originId: 'tenant-gate-auth',
  },
  responseHeadersPolicyId: 'c4e1d8a2-7b3f-4f6e-9a05-3d2b1c0e8f74',
};
const ID = 'E1A2B3C4D5E6F7';
const NO_WAIT = { backoffMs: () => 0 };

/**
 * CloudFront's optimistic locking, in memory: each update needs the current ETag. `concurrentEdits` are applied
 * by "someone else" right after our read, one per update attempt, so our IfMatch is stale.
 */
class FakeCloudFront implements DistributionClient {
  config: DistributionConfig;
  version = 1;
  readonly calls: string[] = [];
  readonly updates: { ifMatch: string | undefined; config: DistributionConfig | undefined }[] = [];

  constructor(
    config: DistributionConfig,
    private readonly concurrentEdits: ((c: DistributionConfig) => void)[] = [],
    private readonly updateError?: Error,
  ) {
    this.config = structuredClone(config);
  }

  get eTag(): string {
    return `ETAG${this.version}`;
  }

  send(command: UpdateDistributionCommand): Promise<UpdateDistributionCommandOutput>;
  send(command: GetDistributionConfigCommand): Promise<GetDistributionConfigCommandOutput>;
  async send(
    command: UpdateDistributionCommand | GetDistributionConfigCommand,
  ): Promise<UpdateDistributionCommandOutput | GetDistributionConfigCommandOutput> {
    if (command instanceof GetDistributionConfigCommand) {
      expect(command.input.Id).toBe(ID);
      this.calls.push('get');
      const answer = { $metadata: {}, ETag: this.eTag, DistributionConfig: structuredClone(this.config) };
      const edit = this.concurrentEdits.shift();
      if (edit !== undefined) {
        edit(this.config);
        this.version++;
      }
      return answer;
    }
    this.calls.push('update');
    this.updates.push({ ifMatch: command.input.IfMatch, config: command.input.DistributionConfig });
    if (this.updateError !== undefined) throw this.updateError;
    if (command.input.IfMatch !== this.eTag) {
      throw new PreconditionFailed({
        message: 'The If-Match version is missing or not valid for the resource.',
        $metadata: { httpStatusCode: 412 },
      });
    }
    this.config = structuredClone(command.input.DistributionConfig ?? this.config);
    this.version++;
    return { $metadata: {}, ETag: this.eTag };
  }
}

const renameComment =
  (text: string) =>
  (c: DistributionConfig): void => {
    c.Comment = text;
  };

describe('updateDistributionWithRetry', () => {
  it('updates with IfMatch set to the ETag it read', async () => {
    const client = new FakeCloudFront(load('plain'));
    const outcome = await updateDistributionWithRetry(client, ID, (c) => attach(c, PLAN), NO_WAIT);
    expect(outcome).toEqual({
      updated: true,
      attempts: 1,
      changes: expect.arrayContaining([expect.stringMatching(/^\/files\/\*: viewer-request/)]),
      diff: expect.any(Array),
      eTag: 'ETAG2',
    });
    // Every field written, behavior by behavior.
    expect(outcome.diff.map(formatFieldChange)).toEqual([
      `behavior /files/*: LambdaFunctionAssociations: [] → [{"LambdaFunctionARN":"${PLAN.gate.arn}","EventType":"viewer-request","IncludeBody":false}]`,
      `behavior /files/*: ResponseHeadersPolicyId: — → "${PLAN.responseHeadersPolicyId}"`,
      'behavior /auth/*: (itself): — → added at position 3',
      'origin tenant-gate-auth: (itself): — → added at position 4',
    ]);
    expect(client.calls).toEqual(['get', 'update']);
    expect(client.updates[0]?.ifMatch).toBe('ETAG1');
    expect(client.config).toEqual(load('attached'));
  });

  it('on PreconditionFailed re-reads and re-applies the transform, keeping the concurrent change', async () => {
    const client = new FakeCloudFront(load('plain'), [renameComment('edited in the console meanwhile')]);
    const retries: number[] = [];
    const outcome = await updateDistributionWithRetry(client, ID, (c) => attach(c, PLAN), {
      ...NO_WAIT,
      onRetry: (n) => retries.push(n),
    });
    expect(outcome.updated).toBe(true);
    expect(outcome.attempts).toBe(2);
    expect(retries).toEqual([1]);
    expect(client.calls).toEqual(['get', 'update', 'get', 'update']);
    expect(client.updates.map((u) => u.ifMatch)).toEqual(['ETAG1', 'ETAG2']);
    expect(client.config).toEqual({ ...load('attached'), Comment: 'edited in the console meanwhile' });
    // The diff is against what the written attempt read: the concurrent edit is not ours to list.
    expect(outcome.diff.some((c) => c.field === 'Comment')).toBe(false);
  });

  it('gives up after `attempts` conflicts with ERR_UPDATE_CONFLICT, the last PreconditionFailed as cause', async () => {
    const client = new FakeCloudFront(load('plain'), [renameComment('a'), renameComment('b'), renameComment('c')]);
    const failure = updateDistributionWithRetry(client, ID, (c) => attach(c, PLAN), { ...NO_WAIT, attempts: 3 });
    await expect(failure).rejects.toBeInstanceOf(DistributionUpdateError);
    await expect(failure).rejects.toMatchObject({
      code: 'ERR_UPDATE_CONFLICT',
      message: `distribution ${ID} was changed by someone else during each of 3 attempts (PreconditionFailed); nothing was written`,
      cause: expect.objectContaining({ name: 'PreconditionFailed' }),
    });
    expect(client.calls).toEqual(['get', 'update', 'get', 'update', 'get', 'update']);
    expect(client.config.Comment).toBe('c');
  });

  it('makes no update call when the transform changes nothing', async () => {
    const client = new FakeCloudFront(load('attached'));
    const outcome = await updateDistributionWithRetry(client, ID, (c) => attach(c, PLAN), NO_WAIT);
    expect(outcome).toEqual({ updated: false, attempts: 1, changes: [], diff: [], eTag: 'ETAG1' });
    expect(client.calls).toEqual(['get']);
  });

  it('does not retry other errors', async () => {
    const denied = new AccessDenied({
      message: 'User is not authorized to perform cloudfront:UpdateDistribution',
      $metadata: { httpStatusCode: 403 },
    });
    const client = new FakeCloudFront(load('plain'), [], denied);
    await expect(updateDistributionWithRetry(client, ID, (c) => attach(c, PLAN), NO_WAIT)).rejects.toBe(denied);
    expect(client.calls).toEqual(['get', 'update']);
  });

  it('lets a refusing transform through without writing', async () => {
    const client = new FakeCloudFront(load('plain'));
    await expect(
      updateDistributionWithRetry(client, ID, (c) => attach(c, { ...PLAN, pathPatterns: ['/exports/*'] }), NO_WAIT),
    ).rejects.toMatchObject({
      code: 'ERR_ATTACH_BEHAVIOR_MISSING',
    });
    expect(client.calls).toEqual(['get']);
  });

  it('hands the transform a copy, so a mutating transform cannot pass for a no-op', async () => {
    const client = new FakeCloudFront(load('plain'));
    const outcome = await updateDistributionWithRetry(
      client,
      ID,
      (c) => {
        c.Comment = 'mutated in place';
        return { config: c, changes: ['comment'] };
      },
      NO_WAIT,
    );
    expect(outcome.updated).toBe(true);
    expect(client.config.Comment).toBe('mutated in place');
  });

  it.each([0, 1.5, -1])('rejects attempts = %s', async (attempts) => {
    const client = new FakeCloudFront(load('plain'));
    await expect(updateDistributionWithRetry(client, ID, (c) => attach(c, PLAN), { attempts })).rejects.toMatchObject({
      code: 'ERR_UPDATE_OPTIONS_INVALID',
      message: `options.attempts must be a positive integer, got ${attempts}`,
    });
    expect(client.calls).toEqual([]);
  });

  it('accepts the real CloudFrontClient (type level; no request is sent)', () => {
    const client: DistributionClient = new CloudFrontClient({ region: 'us-east-1' });
    expect(typeof client.send).toBe('function');
  });
});
