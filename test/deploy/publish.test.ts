/**
 * Test, then publish, the CloudFront Function (deploy/publish-function.ts) against the stateful fake, whose
 * TestFunction runs the built script in the project's CloudFront Function runtime. The publish cases are rows of the
 * conformance table (test/cases/request-cases.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFrontClient, CreateFunctionCommand } from '@aws-sdk/client-cloudfront';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildArtifacts } from '../../build/artifacts';
import type { GateConfig } from '../../config/gate';
import { keyEntriesOf } from '../../deploy/key-value-entries';
import { PublishCaseError, publishCases } from '../../deploy/publish-cases';
import {
  PublishError,
  readFunctionOutput,
  rollbackFunction,
  testFunction,
  testThenPublish,
} from '../../deploy/publish-function';
import { requestCases } from '../cases/request-cases';
import { FakeAws } from '../fakes/aws';
import { CONFIG, ROOT } from '../helpers/keys';

const NOW = Date.parse('2026-11-28T21:00:00Z');
const NAME = 'tenant-gate-dev-viewer';
const OTHER_SECRET = 'q3Zl1m0Wc5b2wA0dO1x9kQ7nB4tY8uR6eS2vJ5hL0pM';

let dir: string;
const code: Record<'inline' | 'rotated' | 'store', Buffer> = {} as never;
const rotated: GateConfig = {
  ...CONFIG,
  keys: CONFIG.keys.map((k) => (k.kid === 'hs-2026-11' ? { ...k, secret: OTHER_SECRET } : k)),
};
const storeConfig: GateConfig = {
  ...CONFIG,
  cloudfrontFunction: { keySource: 'keyValueStore', tenantKillSwitch: true, revocation: false },
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tenant-gate-publish-'));
  for (const [name, config] of [
    ['inline', CONFIG],
    ['rotated', rotated],
    ['store', storeConfig],
  ] as const) {
    await buildArtifacts({ config, outdir: join(dir, name), root: ROOT });
    code[name] = readFileSync(join(dir, name, 'cloudfront-function', 'index.js'));
  }
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('publish cases', () => {
  it('are rows of the conformance table, with the same expected outcome', async () => {
    const cases = await publishCases(CONFIG, NOW / 1000);
    expect(cases.map((c) => c.kind).sort()).toEqual([
      'allowed',
      'allowed',
      'malformed',
      'refused',
      'refused',
      'refused',
    ]);
    for (const c of cases) {
      const row = requestCases.find((r) => r.name === c.name);
      expect(row, c.name).toBeDefined();
      expect(c.expect.status, c.name).toBe(row!.expect.status);
      if (c.expect.status === 'forward') expect(row!.expect).toMatchObject({ uri: c.expect.uri });
      else expect(row!.expect).toMatchObject({ code: c.expect.code });
    }
  });

  it('follow the config: path prefix, origin prefix, tenant pattern', async () => {
    const cases = await publishCases({ ...CONFIG, pathPrefix: '/docs/', originPrefix: '/t/{tenant}' }, NOW / 1000);
    expect(cases[0]!.event.request.uri).toBe('/docs/report.pdf');
    expect(cases[0]!.expect).toEqual({ status: 'forward', uri: '/t/acme/docs/report.pdf' });
    const odd = await publishCases({ ...CONFIG, tenantPattern: '^[0-9]+$' }, NOW / 1000);
    expect(odd[0]!.expect).toMatchObject({ uri: '/tenants/1/files/report.pdf' });
  });

  it('need an HS256 key with its secret (a CloudFront Function verifies nothing else)', async () => {
    await expect(
      publishCases({ ...CONFIG, keys: CONFIG.keys.filter((k) => k.alg !== 'HS256') }, NOW / 1000),
    ).rejects.toThrow(PublishCaseError);
  });

  it.each([
    ['{"request":{"method":"GET","uri":"/a/b","querystring":{},"headers":{},"cookies":{}}}', 'forward /a/b'],
    ['{"response":{"statusCode":401,"body":{"encoding":"text","data":"{\\"error\\":\\"x\\"}"}}}', '401 x'],
    ['{"statusCode":403}', '403'],
    ['not json', 'unreadable output'],
    ['{"request":{"uri":7}}', 'invalid result (the function returned a malformed request)'],
  ])('reads the TestFunction output %s as %s', (output, read) => {
    expect(readFunctionOutput(output)).toBe(read);
  });
});

describe('testThenPublish', () => {
  let aws: FakeAws;
  let restore: () => void;
  let cf: CloudFrontClient;
  beforeEach(() => {
    aws = new FakeAws(NOW);
    restore = aws.install();
    cf = new CloudFrontClient({ region: 'us-east-1' });
  });
  afterEach(() => restore());

  const create = async (body: Buffer, storeArn?: string) =>
    cf.send(
      new CreateFunctionCommand({
        Name: NAME,
        FunctionConfig: {
          Comment: 'test',
          Runtime: 'cloudfront-js-2.0',
          ...(storeArn === undefined
            ? {}
            : { KeyValueStoreAssociations: { Quantity: 1, Items: [{ KeyValueStoreARN: storeArn }] } }),
        },
        FunctionCode: body,
      }),
    );
  const stage = (body: Buffer) => {
    const f = aws.cfFunction(NAME);
    f.development = { code: body, eTag: `${f.development.eTag}x` };
  };

  it('publishes when every verdict matches, with each event’s ComputeUtilization', async () => {
    await create(code.inline);
    const outcome = await testThenPublish(cf, NAME, await publishCases(CONFIG, NOW / 1000));
    expect(outcome.published).toBe(true);
    expect(outcome.keptPrevious).toBe(false);
    expect(outcome.verdicts.every((v) => v.ok && typeof v.computeUtilization === 'number')).toBe(true);
    expect(aws.cfFunction(NAME).live?.code.equals(code.inline)).toBe(true);
    expect(aws.calls.filter((c) => c === 'CloudFront.TestFunction')).toHaveLength(6);
  });

  it('refuses to publish code that refuses the valid token, leaves LIVE as it was, and says which event', async () => {
    await create(code.inline);
    const cases = await publishCases(CONFIG, NOW / 1000);
    await testThenPublish(cf, NAME, cases);
    const live = aws.liveDigest(NAME);
    stage(code.rotated);
    const refused = testThenPublish(cf, NAME, cases);
    await expect(refused).rejects.toThrow(PublishError);
    await expect(refused).rejects.toThrow(
      /NOT published \(LIVE is unchanged\): 2 of 6[\s\S]*FAIL allowed\s+valid cookie: rewritten into the tenant prefix: expected forward \/tenants\/acme\/files\/report.pdf, got 401 invalid_token[\s\S]*FAIL allowed\s+link token opens its file/,
    );
    expect(aws.liveDigest(NAME)).toBe(live);
    expect(aws.calls.filter((c) => c === 'CloudFront.PublishFunction')).toHaveLength(1);
    expect(aws.functions.has(`${NAME}-previous`)).toBe(false);
  });

  it('refuses a key-value-store build while the store is empty, publishes once the keys are in', async () => {
    const store = aws.createStore('tenant-gate-dev');
    await create(code.store, store.arn);
    const cases = await publishCases(storeConfig, NOW / 1000);
    await expect(testThenPublish(cf, NAME, cases)).rejects.toThrow(/got 401 invalid_token/);
    expect(aws.cfFunction(NAME).live).toBeUndefined();
    store.data.seed(keyEntriesOf(storeConfig.keys));
    expect((await testThenPublish(cf, NAME, cases)).published).toBe(true);
  });

  it('keeps the replaced LIVE code in <name>-previous; rollback republishes it, and a second rollback undoes the first', async () => {
    await create(code.inline);
    await testThenPublish(cf, NAME, await publishCases(CONFIG, NOW / 1000));
    stage(code.rotated);
    const rotatedCases = await publishCases(rotated, NOW / 1000);
    const second = await testThenPublish(cf, NAME, rotatedCases);
    expect(second).toMatchObject({ published: true, keptPrevious: true });
    expect(aws.cfFunction(`${NAME}-previous`).development.code.equals(code.inline)).toBe(true);
    expect(aws.cfFunction(`${NAME}-previous`).live).toBeUndefined();

    await rollbackFunction(cf, NAME);
    expect(aws.cfFunction(NAME).live?.code.equals(code.inline)).toBe(true);
    expect(aws.cfFunction(`${NAME}-previous`).development.code.equals(code.rotated)).toBe(true);
    await rollbackFunction(cf, NAME);
    expect(aws.cfFunction(NAME).live?.code.equals(code.rotated)).toBe(true);
  });

  it('publishes nothing when LIVE already runs the DEVELOPMENT code', async () => {
    await create(code.inline);
    const cases = await publishCases(CONFIG, NOW / 1000);
    await testThenPublish(cf, NAME, cases);
    expect(await testThenPublish(cf, NAME, cases)).toMatchObject({ published: false, keptPrevious: false });
    expect(aws.functions.has(`${NAME}-previous`)).toBe(false);
  });

  it('says so when there is no function, or nothing to roll back to', async () => {
    await expect(testFunction(cf, NAME, [])).rejects.toMatchObject({ code: 'ERR_PUBLISH_NO_FUNCTION' });
    await create(code.inline);
    await expect(rollbackFunction(cf, NAME)).rejects.toMatchObject({ code: 'ERR_ROLLBACK_NO_PREVIOUS' });
  });
});
