import { TenantGateError } from '../lib/errors';
import type { ProgressSink } from './progress';

/** The contract every `tenant-gate` sub-command implements. One file per command in cli/commands/. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Working directory for relative paths. */
  cwd: string;
  /** Progress of long waits (cli/progress.ts); absent: one line per state change through `err`. */
  progress?: ProgressSink | undefined;
}

export interface Command {
  name: string;
  /** One line for `tenant-gate --help`. */
  summary: string;
  /** Full usage text for `tenant-gate <name> --help`. */
  usage: string;
  /** Returns the process exit code: 0 success, 1 a refusal or finding, 2 a usage error. */
  run(argv: string[], io: CliIO): Promise<number>;
}

/** A usage error: printed with the command's usage, exit code 2. */
export class UsageError extends TenantGateError {
  override name = 'UsageError';
  constructor(message: string) {
    super('ERR_USAGE', message);
  }
}
