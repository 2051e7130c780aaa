/**
 * `tenant-gate` — keys, tokens, signed URLs and cookies, verification, and the distribution doctor.
 * Each sub-command lives in cli/commands/<name>.ts and is listed here.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, type CliIO, type Command } from './command';

async function loadCommands(): Promise<Command[]> {
  const dir = join(__dirname, 'commands');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  const commands: Command[] = [];
  for (const file of files) {
    const mod = (await import(join(dir, file))) as { command?: Command; default?: { command?: Command } };
    const command = mod.command ?? mod.default?.command;
    if (command) commands.push(command);
  }
  return commands;
}

function help(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'usage: tenant-gate <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `tenant-gate <command> --help` for a command\'s options.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const commands = await loadCommands();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`tenant-gate: unknown command "${name}"\n\n${help(commands)}`);
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
      io.err(`tenant-gate ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    io.err(`tenant-gate ${name}: ${(error as Error).message}`);
    return 1;
  }
}

export const stdio: CliIO = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  cwd: process.cwd(),
};
