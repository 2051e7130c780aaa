/** The `tenant-gate` dispatcher: the static command list, `--version`, help and one-line usage errors. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/commands/index';
import { ROOT } from '../helpers/keys';
import { runCli } from '../helpers/cli';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, out, err } = await runCli(argv, ROOT);
  return { code, out: out.trim(), err: err.trim() };
}

describe('tenant-gate', () => {
  it('lists every command file, each once, under its own name', () => {
    const files = readdirSync(join(ROOT, 'cli', 'commands'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(COMMANDS.map((c) => c.name).sort()).toEqual(files);
  });

  it.each([['--version'], ['-v']])('%s prints the package version', async (flag) => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await run(flag)).toEqual({ code: 0, out: version, err: '' });
  });

  it('--help lists every command with its summary', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    for (const c of COMMANDS) expect(out).toContain(`${c.name}`);
  });

  it('no command prints the help and exits 2', async () => {
    const { code, out } = await run();
    expect([code, out]).toEqual([2, expect.stringContaining('usage: tenant-gate <command>')]);
  });

  it('an unknown command is one line pointing at --help', async () => {
    expect(await run('deploy')).toEqual({
      code: 2,
      out: '',
      err: 'tenant-gate: unknown command "deploy"; see tenant-gate --help',
    });
  });
});
