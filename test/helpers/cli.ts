/** Runs `tenant-gate` in process, as bin/tenant-gate.mjs does, and keeps what it printed. */
import type { CliIO } from '../../cli/command';
import { main } from '../../cli/main';

export interface CliRun {
  readonly code: number;
  /** Every line printed, each followed by a newline. */
  readonly out: string;
  readonly err: string;
}

export async function runCli(argv: readonly string[], cwd: string): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => void (out += `${t}\n`), err: (t) => void (err += `${t}\n`), cwd };
  const code = await main([...argv], io);
  return { code, out, err };
}
