/**
 * Test, then publish, the CloudFront Function (docs/platform.md#cloudfront-functions-publish-and-test). The stack
 * deploy only changes the function's DEVELOPMENT stage (no AutoPublish); this runs CloudFront's TestFunction on that
 * stage for every publish case (deploy/publish-cases.ts), compares each verdict with the expected outcome, and
 * publishes (DEVELOPMENT → LIVE) only when all match. A refusal leaves LIVE as it was.
 *
 * CloudFront keeps no code history. So that `tenant-gate rollback` can put the previous gate back, the LIVE code
 * about to be replaced is first copied into the DEVELOPMENT stage of a second function, `<name>-previous`, which is
 * never published and never associated (it costs nothing and runs nowhere). It is created outside the stack, so it
 * survives `remove` like the key-value store.
 */
import {
  CreateFunctionCommand,
  DescribeFunctionCommand,
  GetFunctionCommand,
  PublishFunctionCommand,
  TestFunctionCommand,
  UpdateFunctionCommand,
  type CloudFrontClient,
  type FunctionConfig,
} from '@aws-sdk/client-cloudfront';
import { fromCloudFrontFunctionResult } from '../local/cloudfront-function-event';
import type { PublishCase, PublishExpectation } from './publish-cases';

export const PREVIOUS_SUFFIX = '-previous';

export type PublishErrorCode =
  'ERR_PUBLISH_TEST_FAILED' | 'ERR_PUBLISH_NO_FUNCTION' | 'ERR_ROLLBACK_NO_PREVIOUS' | 'ERR_PUBLISH_COMPUTE_TOO_HIGH';

export class PublishError extends Error {
  readonly code: PublishErrorCode;
  constructor(code: PublishErrorCode, message: string) {
    super(message);
    this.name = 'PublishError';
    this.code = code;
  }
}

export interface TestVerdict {
  readonly name: string;
  readonly kind: PublishCase['kind'];
  readonly expected: PublishExpectation;
  /** What the function answered, in the same terms, or its error. */
  readonly got: string;
  readonly ok: boolean;
  readonly computeUtilization: number | undefined;
}

function describeExpectation(e: PublishExpectation): string {
  return e.status === 'forward' ? `forward ${e.uri}` : `${e.status} ${e.code}`;
}

/** The function's answer as `forward <uri>` or `<status> <code>`. TestResult.FunctionOutput wraps it in request/response. */
export function readFunctionOutput(output: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return `unreadable output`;
  }
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const inner = record['response'] ?? record['request'] ?? record;
  try {
    const read = fromCloudFrontFunctionResult(inner);
    if (read.kind === 'forward') return `forward ${read.uri}`;
    let code = '';
    try {
      code = (JSON.parse(read.body) as { error?: string }).error ?? '';
    } catch {
      code = '';
    }
    return `${read.status} ${code}`.trim();
  } catch (error) {
    return `invalid result (${(error as Error).message})`;
  }
}

async function functionETag(client: CloudFrontClient, name: string, stage: 'DEVELOPMENT' | 'LIVE') {
  try {
    const described = await client.send(new DescribeFunctionCommand({ Name: name, Stage: stage }));
    return { eTag: described.ETag!, config: described.FunctionSummary?.FunctionConfig };
  } catch (error) {
    if ((error as Error).name === 'NoSuchFunctionExists') return undefined;
    throw error;
  }
}

async function functionCode(client: CloudFrontClient, name: string, stage: 'DEVELOPMENT' | 'LIVE') {
  try {
    const got = await client.send(new GetFunctionCommand({ Name: name, Stage: stage }));
    return got.FunctionCode === undefined ? undefined : Buffer.from(got.FunctionCode);
  } catch (error) {
    if ((error as Error).name === 'NoSuchFunctionExists') return undefined;
    throw error;
  }
}

/** TestFunction on DEVELOPMENT for each case. */
export async function testFunction(
  client: CloudFrontClient,
  name: string,
  cases: readonly PublishCase[],
): Promise<TestVerdict[]> {
  const dev = await functionETag(client, name, 'DEVELOPMENT');
  if (dev === undefined)
    throw new PublishError('ERR_PUBLISH_NO_FUNCTION', `CloudFront Function ${name} does not exist`);
  const verdicts: TestVerdict[] = [];
  for (const c of cases) {
    const answer = await client.send(
      new TestFunctionCommand({
        Name: name,
        IfMatch: dev.eTag,
        Stage: 'DEVELOPMENT',
        EventObject: new TextEncoder().encode(JSON.stringify(c.event)),
      }),
    );
    const result = answer.TestResult;
    const got =
      result?.FunctionErrorMessage !== undefined && result.FunctionErrorMessage !== ''
        ? `error: ${result.FunctionErrorMessage}`
        : readFunctionOutput(result?.FunctionOutput ?? '');
    const utilization = result?.ComputeUtilization === undefined ? undefined : Number(result.ComputeUtilization);
    verdicts.push({
      name: c.name,
      kind: c.kind,
      expected: c.expect,
      got,
      ok: got === describeExpectation(c.expect),
      computeUtilization: Number.isFinite(utilization) ? utilization : undefined,
    });
  }
  return verdicts;
}

export interface PublishOutcome {
  readonly verdicts: readonly TestVerdict[];
  /** False when LIVE already ran the DEVELOPMENT code (nothing to publish). */
  readonly published: boolean;
  /** The LIVE code that was replaced was kept in `<name>-previous`. */
  readonly keptPrevious: boolean;
}

export function formatVerdicts(verdicts: readonly TestVerdict[]): string[] {
  return verdicts.map(
    (v) =>
      `${v.ok ? 'ok  ' : 'FAIL'} ${v.kind.padEnd(9)} ${v.name}: expected ${describeExpectation(v.expected)}, got ${v.got}` +
      ` (ComputeUtilization ${v.computeUtilization ?? '?'})`,
  );
}

/** Copies `code` into `<name>-previous` (DEVELOPMENT), creating it with the same config on first use. */
async function keepPrevious(client: CloudFrontClient, name: string, config: FunctionConfig, code: Buffer) {
  const previous = name + PREVIOUS_SUFFIX;
  const exists = await functionETag(client, previous, 'DEVELOPMENT');
  const previousConfig: FunctionConfig = {
    ...config,
    Comment: `tenant-gate: the LIVE code of ${name} before its last publish (for tenant-gate rollback; never published)`,
  };
  if (exists === undefined) {
    await client.send(
      new CreateFunctionCommand({ Name: previous, FunctionConfig: previousConfig, FunctionCode: code }),
    );
  } else {
    await client.send(
      new UpdateFunctionCommand({
        Name: previous,
        IfMatch: exists.eTag,
        FunctionConfig: previousConfig,
        FunctionCode: code,
      }),
    );
  }
}

/** Publishes DEVELOPMENT after keeping the current LIVE code as the previous one. No test: callers decide. */
async function publishDevelopment(client: CloudFrontClient, name: string): Promise<Omit<PublishOutcome, 'verdicts'>> {
  const dev = await functionETag(client, name, 'DEVELOPMENT');
  if (dev === undefined || dev.config === undefined)
    throw new PublishError('ERR_PUBLISH_NO_FUNCTION', `CloudFront Function ${name} does not exist`);
  const devCode = await functionCode(client, name, 'DEVELOPMENT');
  const liveCode = await functionCode(client, name, 'LIVE');
  if (liveCode !== undefined && devCode !== undefined && liveCode.equals(devCode))
    return { published: false, keptPrevious: false };
  if (liveCode !== undefined) await keepPrevious(client, name, dev.config, liveCode);
  await client.send(new PublishFunctionCommand({ Name: name, IfMatch: dev.eTag }));
  return { published: true, keptPrevious: liveCode !== undefined };
}

export async function testThenPublish(
  client: CloudFrontClient,
  name: string,
  cases: readonly PublishCase[],
): Promise<PublishOutcome> {
  const verdicts = await testFunction(client, name, cases);
  const failed = verdicts.filter((v) => !v.ok);
  if (failed.length > 0) {
    throw new PublishError(
      'ERR_PUBLISH_TEST_FAILED',
      [
        `${name} was NOT published (LIVE is unchanged): ${failed.length} of ${verdicts.length} test event(s) got another verdict`,
        ...formatVerdicts(verdicts),
      ].join('\n'),
    );
  }
  return { verdicts, ...(await publishDevelopment(client, name)) };
}

/**
 * Puts `<name>-previous`'s code back on LIVE: into DEVELOPMENT, then published. The code it replaces becomes the
 * previous one, so a second rollback undoes the first. Not re-tested: it ran LIVE, tested, before.
 */
export async function rollbackFunction(client: CloudFrontClient, name: string): Promise<{ readonly bytes: number }> {
  const previous = await functionCode(client, name + PREVIOUS_SUFFIX, 'DEVELOPMENT');
  if (previous === undefined)
    throw new PublishError(
      'ERR_ROLLBACK_NO_PREVIOUS',
      `no previous code for ${name}: ${name}${PREVIOUS_SUFFIX} does not exist (nothing was published over an earlier version yet)`,
    );
  const dev = await functionETag(client, name, 'DEVELOPMENT');
  if (dev === undefined || dev.config === undefined)
    throw new PublishError('ERR_PUBLISH_NO_FUNCTION', `CloudFront Function ${name} does not exist`);
  await client.send(
    new UpdateFunctionCommand({ Name: name, IfMatch: dev.eTag, FunctionConfig: dev.config, FunctionCode: previous }),
  );
  await publishDevelopment(client, name);
  return { bytes: previous.length };
}
