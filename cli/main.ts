/**
 * `tenant-gate` — keys, tokens, signed URLs and cookies, verification, and the distribution doctor.
 * Each sub-command lives in cli/commands/<name>.ts and is listed in cli/commands/index.ts.
 */
import { readFileSync } from 'node:fs';
import { type CliIO, type Command, UsageError } from './command';
import { COMMANDS } from './commands/index';
import { streamSink } from './progress';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function help(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'usage: tenant-gate <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `tenant-gate <command> --help` for a command's options.",
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const commands = COMMANDS;
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    io.out(version());
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`tenant-gate: unknown command "${name}"; see tenant-gate --help`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`tenant-gate ${name}: ${error.message}; see tenant-gate ${name} --help`);
      return 2;
    }
    io.err(`tenant-gate ${name}: ${(error as Error).message}`);
    return 1;
  }
}

const writeLine = (stream: NodeJS.WriteStream) => (text: string) =>
  stream.write(text.endsWith('\n') ? text : `${text}\n`);

export const stdio: CliIO = {
  out: writeLine(process.stdout),
  err: writeLine(process.stderr),
  cwd: process.cwd(),
  progress: streamSink(process.stderr, writeLine(process.stderr)),
};
