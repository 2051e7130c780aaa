/**
 * Progress on the long waits: `attach --wait` / `detach --wait` say what they wait for, its status and the time waited
 * — a spinner line rewritten in place on a terminal, one line per status change elsewhere — and end with what changed.
 * The clock and the sleep are injected: CloudFront's minutes pass here in no time.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  GetDistributionCommand,
  GetDistributionConfigCommand,
  type DistributionConfig,
  type GetDistributionCommandOutput,
  type GetDistributionConfigCommandOutput,
  type UpdateDistributionCommand,
  type UpdateDistributionCommandOutput,
} from '@aws-sdk/client-cloudfront';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cloudFront } from '../../cli/commands/attach';
import type { CliIO } from '../../cli/command';
import { main } from '../../cli/main';
import { formatElapsed, SPINNER_FRAMES, startProgress, streamSink, type Clock } from '../../cli/progress';
import { waitUntilDeployed, type DistributionClient } from '../../deploy/distribution-api';
import { loadDistributionConfig } from '../helpers/distribution-config';

const ROOT = join(import.meta.dirname, '..', '..');
const ID = 'E1A2B3C4D5E6F7';
const HEADERS_POLICY = 'c4e1d8a2-7b3f-4f6e-9a05-3d2b1c0e8f74';
const attached = (): DistributionConfig => loadDistributionConfig('attached');

/** A clock whose sleep only moves time forward. */
function fakeClock(): Clock & { slept: number[] } {
  let t = 1_700_000_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
}

/** GetDistribution answering the given statuses in turn (the last one forever). */
function statuses(...list: string[]): { send(c: GetDistributionCommand): Promise<GetDistributionCommandOutput> } & {
  reads: number;
} {
  const fake = {
    reads: 0,
    async send(command: GetDistributionCommand): Promise<GetDistributionCommandOutput> {
      expect(command).toBeInstanceOf(GetDistributionCommand);
      expect(command.input.Id).toBe(ID);
      const status = list[Math.min(fake.reads++, list.length - 1)];
      return { $metadata: {}, Distribution: { Status: status } as GetDistributionCommandOutput['Distribution'] };
    },
  };
  return fake;
}

/** UpdateDistribution / GetDistributionConfig on one config in memory. */
class FakeDistribution implements DistributionClient {
  constructor(public config: DistributionConfig) {}
  send(command: UpdateDistributionCommand): Promise<UpdateDistributionCommandOutput>;
  send(command: GetDistributionConfigCommand): Promise<GetDistributionConfigCommandOutput>;
  async send(
    command: UpdateDistributionCommand | GetDistributionConfigCommand,
  ): Promise<UpdateDistributionCommandOutput | GetDistributionConfigCommandOutput> {
    if (command instanceof GetDistributionConfigCommand)
      return { $metadata: {}, ETag: 'ETAG1', DistributionConfig: structuredClone(this.config) };
    this.config = structuredClone(command.input.DistributionConfig ?? this.config);
    return { $metadata: {}, ETag: 'ETAG2' };
  }
}

afterEach(() => vi.restoreAllMocks());

describe('formatElapsed', () => {
  it.each([
    [0, '0:00'],
    [999, '0:00'],
    [42_000, '0:42'],
    [190_000, '3:10'],
    [3_725_000, '1:02:05'],
    [-5, '0:00'],
  ])('%i ms → %s', (ms, text) => expect(formatElapsed(ms)).toBe(text));
});

describe('waitUntilDeployed', () => {
  it('reads the status every interval until Deployed, and says how long it took', async () => {
    const clock = fakeClock();
    const client = statuses('InProgress', 'InProgress', 'InProgress', 'Deployed');
    const seen: string[] = [];
    const r = await waitUntilDeployed(client, ID, { ...clock, onStatus: (s) => seen.push(s) });
    expect(seen).toEqual(['InProgress', 'InProgress', 'InProgress', 'Deployed']);
    expect(clock.slept).toEqual([15_000, 15_000, 15_000]);
    expect(r.elapsedMs).toBe(45_000);
  });

  it('gives up after the timeout with a stable code, saying what to check', async () => {
    const clock = fakeClock();
    const wait = waitUntilDeployed(statuses('InProgress'), ID, { ...clock, intervalMs: 60_000, timeoutMs: 300_000 });
    await expect(wait).rejects.toMatchObject({ code: 'ERR_UPDATE_WAIT_TIMEOUT' });
    await expect(wait).rejects.toThrow(/still InProgress after 300 s.*get-distribution --id E1A2B3C4D5E6F7/);
    expect(clock.slept).toHaveLength(5);
  });
});

describe('startProgress', () => {
  it('without a terminal: one line per state change, then how it ended', async () => {
    const clock = fakeClock();
    const lines: string[] = [];
    const p = startProgress('distribution E1', { line: (t) => lines.push(t) }, clock);
    p.state('InProgress');
    await p.sleep(42_000);
    p.state('InProgress');
    await p.sleep(100_000);
    p.state('Propagating');
    await p.sleep(48_000);
    expect(p.done('Deployed')).toBe('distribution E1: Deployed after 3:10');
    expect(lines).toEqual([
      'distribution E1: InProgress (0:00)',
      'distribution E1: Propagating (2:22)',
      'distribution E1: Deployed after 3:10',
    ]);
    expect(clock.slept).toEqual([42_000, 100_000, 48_000]);
  });

  it('on a terminal: one spinner line redrawn while it sleeps, cleared before the final line', async () => {
    const clock = fakeClock();
    const writes: string[] = [];
    const lines: string[] = [];
    const sink = streamSink({ isTTY: true, write: (t) => writes.push(t) }, (t) => lines.push(t));
    const p = startProgress('distribution E1', sink, clock);
    p.state('InProgress');
    await p.sleep(1000);
    p.done('Deployed');
    expect(clock.slept).toEqual([250, 250, 250, 250]);
    expect(writes).toEqual([
      `\r\x1b[2K${SPINNER_FRAMES[0]} distribution E1: InProgress (0:00)`,
      `\r\x1b[2K${SPINNER_FRAMES[1]} distribution E1: InProgress (0:00)`,
      `\r\x1b[2K${SPINNER_FRAMES[2]} distribution E1: InProgress (0:00)`,
      `\r\x1b[2K${SPINNER_FRAMES[3]} distribution E1: InProgress (0:00)`,
      `\r\x1b[2K${SPINNER_FRAMES[4]} distribution E1: InProgress (0:01)`,
      '\r\x1b[2K',
    ]);
    expect(lines).toEqual(['distribution E1: Deployed after 0:01']);
  });

  it('streamSink writes no control characters when the stream is not a terminal', () => {
    const sink = streamSink({ isTTY: false, write: () => expect.unreachable() }, () => undefined);
    expect(sink.status).toBeUndefined();
    expect(streamSink({ write: () => true }, () => undefined).status).toBeUndefined();
  });
});

describe('detach --wait and attach --wait', () => {
  const run = async (progress: CliIO['progress'], ...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIO = { out: (t) => void out.push(t), err: (t) => void err.push(t), cwd: ROOT, progress };
    const code = await main(argv, io);
    return { code, out, err };
  };
  const live = (status: ReturnType<typeof statuses>) => {
    const clock = fakeClock();
    const fake = new FakeDistribution(attached());
    vi.spyOn(cloudFront, 'client').mockReturnValue(fake);
    vi.spyOn(cloudFront, 'statusClient').mockReturnValue(status);
    vi.spyOn(cloudFront, 'clock', 'get').mockReturnValue(clock);
    return { clock, fake };
  };
  const DETACH = ['detach', '--distribution-id', ID, '--response-headers-policy', HEADERS_POLICY, '--wait'];

  it('not on a terminal (CI, a pipe): a line per status change, then Deployed after m:ss and what changed', async () => {
    const status = statuses('InProgress', 'InProgress', 'InProgress', 'InProgress', 'Deployed');
    live(status);
    const r = await run(undefined, ...DETACH);
    expect(r.code).toBe(0);
    expect(r.err).toEqual([`distribution ${ID}: InProgress (0:00)`, `distribution ${ID}: Deployed after 1:00`]);
    expect(r.out.at(-2)).toBe(`waiting until distribution ${ID} is Deployed (usually a few minutes) …`);
    expect(r.out.at(-1)).toBe(`distribution ${ID}: the detach above is live at every edge location`);
    expect(status.reads).toBe(5);
  });

  it('on a terminal: the spinner line, and the same final lines', async () => {
    live(statuses('InProgress', 'Deployed'));
    const drawn: string[] = [];
    const lines: string[] = [];
    const r = await run(
      { line: (t) => lines.push(t), status: (t) => drawn.push(t), clear: () => drawn.push('<clear>') },
      ...DETACH,
    );
    expect(r.code).toBe(0);
    // Redrawn every 250 ms over the 15 s between the two reads: 1 + 60 frames, then cleared.
    expect(drawn).toHaveLength(62);
    expect(drawn[0]).toBe(`distribution ${ID}: InProgress (0:00)`);
    expect(drawn[60]).toBe(`distribution ${ID}: InProgress (0:15)`);
    expect(drawn.at(-1)).toBe('<clear>');
    expect(lines).toEqual([`distribution ${ID}: Deployed after 0:15`]);
    expect(r.err).toEqual([]);
  });

  it('a timeout is exit 1 with its code, the status line cleared, the change left written', async () => {
    const { fake } = live(statuses('InProgress'));
    const drawn: string[] = [];
    const r = await run(
      { line: () => undefined, status: (t) => drawn.push(t), clear: () => drawn.push('<clear>') },
      ...DETACH,
    );
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/^ERR_UPDATE_WAIT_TIMEOUT: distribution E1A2B3C4D5E6F7 is still InProgress/);
    expect(drawn.at(-1)).toBe('<clear>');
    expect(fake.config).not.toEqual(attached());
  });

  it('no wait when nothing changed: no status read at all', async () => {
    const status = statuses('Deployed');
    live(status);
    expect((await run(undefined, ...DETACH)).code).toBe(0);
    const before = status.reads;
    const r = await run(undefined, ...DETACH);
    expect(r.out.join('\n')).toContain('nothing to change');
    expect(status.reads).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The osls plugin: `serverless remove` detaches and waits in process, through the same progress
// ---------------------------------------------------------------------------------------------------------------

interface PluginInstance {
  hooks: Record<string, () => unknown>;
  runCommand: (name: string, argv: string[], io: CliIO) => Promise<number>;
  isTerminal: () => boolean;
}
type PluginClass = new (serverless: unknown, options: unknown, utils: unknown) => PluginInstance;
const Plugin = createRequire(import.meta.filename)('../../deploy/serverless-plugin.cjs') as PluginClass;

describe('serverless remove (the plugin detaches and waits)', () => {
  const make = (terminal: boolean) => {
    const logged: string[] = [];
    const items: { created: string; updates: string[]; removed: boolean }[] = [];
    const serverless = {
      service: { custom: { tenantGate: { distributionId: ID, authPathPattern: '/auth/*' } } },
      serviceDir: ROOT,
      classes: { Error },
      getProvider: () => ({
        getStage: () => 'prod',
        naming: { getStackName: () => 'tenant-gate-prod' },
        request: async () => ({
          Stacks: [{ Outputs: [{ OutputKey: 'TenantGatePrivateFilesHeadersPolicyId', OutputValue: HEADERS_POLICY }] }],
        }),
      }),
    };
    const log = {
      notice: (t: string) => logged.push(t),
      warning: (t: string) => logged.push(`warning: ${t}`),
      error: (t: string) => logged.push(`error: ${t}`),
    };
    const progress = {
      create: ({ message }: { message: string }) => {
        const item = { created: message, updates: [] as string[], removed: false };
        items.push(item);
        return { update: (m: string) => item.updates.push(m), remove: () => void (item.removed = true) };
      },
    };
    const plugin = new Plugin(serverless, {}, { log, progress });
    plugin.isTerminal = () => terminal;
    plugin.runCommand = (name, argv, io) => main([name, ...argv], io);
    return { plugin, logged, items };
  };

  it('without a terminal: log lines per status change, then Deployed after m:ss', async () => {
    const clock = fakeClock();
    vi.spyOn(cloudFront, 'client').mockReturnValue(new FakeDistribution(attached()));
    vi.spyOn(cloudFront, 'statusClient').mockReturnValue(statuses('InProgress', 'InProgress', 'Deployed'));
    vi.spyOn(cloudFront, 'clock', 'get').mockReturnValue(clock);
    const { plugin, logged, items } = make(false);
    await plugin.hooks['before:remove:remove']!();
    expect(logged.filter((l) => l.startsWith(`tenant-gate: distribution ${ID}`))).toEqual([
      `tenant-gate: distribution ${ID}: InProgress (0:00)`,
      `tenant-gate: distribution ${ID}: Deployed after 0:30`,
    ]);
    expect(logged.at(-1)).toBe(`distribution ${ID}: the detach above is live at every edge location`);
    expect(logged.some((l) => l.startsWith('error:'))).toBe(false);
    expect(items).toEqual([]);
    expect(clock.slept).toEqual([15_000, 15_000]);
  });

  it('on a terminal: one osls progress item rewritten in place, removed at the end', async () => {
    vi.spyOn(cloudFront, 'client').mockReturnValue(new FakeDistribution(attached()));
    vi.spyOn(cloudFront, 'statusClient').mockReturnValue(statuses('InProgress', 'Deployed'));
    vi.spyOn(cloudFront, 'clock', 'get').mockReturnValue(fakeClock());
    const { plugin, logged, items } = make(true);
    await plugin.hooks['before:remove:remove']!();
    expect(items).toHaveLength(1);
    expect(items[0]!.created).toBe(`tenant-gate: distribution ${ID}: InProgress (0:00)`);
    expect(items[0]!.updates.at(-1)).toBe(`tenant-gate: distribution ${ID}: InProgress (0:15)`);
    expect(items[0]!.removed).toBe(true);
    expect(logged).toContain(`tenant-gate: distribution ${ID}: Deployed after 0:15`);
    expect(logged).not.toContain(`tenant-gate: distribution ${ID}: InProgress (0:00)`);
  });
});
