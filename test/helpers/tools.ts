/**
 * Tools some tests need that npm cannot bring: Debian's `njs` (the closest stand-in for CloudFront's function
 * runtime) and a Chromium (the browser end-to-end test). On a machine without them those tests are skipped,
 * and test/setup/skipped-tools.ts says so in one line; under `CI=true` nothing may be skipped, so a missing tool
 * fails the run (`.ci/run` installs both).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Tool {
  readonly name: string;
  /** What the skipped tests would have shown. */
  readonly covers: string;
  /** How to make it available. */
  readonly enable: string;
  readonly available: boolean;
}

function runs(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  return result.error === undefined && result.status === 0;
}

export const NJS: Tool = {
  name: 'njs',
  covers: 'the CloudFront Function under njs',
  enable: 'apt-get install njs',
  available: runs('njs', ['-v']),
};

/** A system Chromium: `CHROMIUM_PATH`, or Debian's. */
export const CHROMIUM_PATH: string | undefined = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
]
  .filter((p): p is string => p !== undefined && p !== '')
  .find((p) => existsSync(p) && runs(p, ['--version']));

export const CHROMIUM: Tool = {
  name: 'chromium',
  covers: 'the browser end-to-end test',
  enable: 'apt-get install chromium, or set CHROMIUM_PATH',
  available: CHROMIUM_PATH !== undefined,
};

export const TOOLS: readonly Tool[] = [NJS, CHROMIUM];

/** Whether the tests that need `tool` run here; under CI=true a missing tool is an error, never a skip. */
export function canRun(tool: Tool): boolean {
  if (tool.available) return true;
  if (process.env.CI === 'true') {
    throw new Error(`${tool.name} is required under CI=true (${tool.covers}); ${tool.enable}`);
  }
  return false;
}
