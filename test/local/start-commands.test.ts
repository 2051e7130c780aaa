/**
 * Every `npm start` command the docs show (README.md, docs/*.md, local/README.md) is one `npm start` accepts:
 * its flags parse as local/start.ts parses them, so a renamed or removed flag fails here, not for a reader.
 * Running them is the business of the local-distribution tests; this only holds the docs to the parser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startOptions, USAGE } from '../../local/start';

const ROOT = join(import.meta.dirname, '..', '..');
const PAGES = [
  'README.md',
  'local/README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** `npm start -- a b 'c d'` → ['a', 'b', 'c d']; the words after a `#`, a `>`, a `&&` or a
 * `)` are not arguments. */
function startArguments(line: string): string[] | undefined {
  const at = line.indexOf('npm start');
  if (at === -1) return undefined;
  // A closing parenthesis ends a mention in prose, `…` elides arguments.
  const rest = line.slice(at + 'npm start'.length).split(/\s+#|\s>|\s&&|\)/)[0]!;
  const words = [...rest.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]!)
    .filter((w) => w !== '…');
  return words[0] === '--' ? words.slice(1) : words;
}

const commands = PAGES.flatMap((page) =>
  readFileSync(join(ROOT, page), 'utf8')
    .split('\n')
    .flatMap((line, i) => {
      // Prose mentions inside backticks count too: `npm start -- --cloudfront-function`.
      const prose = line.includes('`');
      const spans = prose ? [...line.matchAll(/`([^`]*npm start[^`]*)`/g)].map((m) => m[1]!) : [line];
      return spans
        .map((span) => ({ page, line: i + 1, text: span.trim(), prose, args: startArguments(span) }))
        .filter((c) => c.args !== undefined);
    }),
);

describe('the npm start commands in the docs', () => {
  it('are found (README.md and local/README.md show some)', () => {
    expect(commands.some((c) => c.page === 'README.md')).toBe(true);
    expect(commands.filter((c) => c.page === 'local/README.md').length).toBeGreaterThanOrEqual(5);
  });

  const KNOWN_FLAGS = new Set(USAGE.match(/--[a-z-]+/g));

  // A command line parses whole; prose may name a flag without its value (`… -- --config` applies …), so there each
  // flag only has to be one npm start knows.
  it.each(commands.map((c) => [`${c.page}:${c.line} ${c.text}`, c] as const))('%s', (_where, command) => {
    if (command.prose) {
      for (const flag of command.args!.filter((w) => w.startsWith('--'))) expect(KNOWN_FLAGS).toContain(flag);
    } else {
      expect(() => startOptions(command.args!, {}, ROOT)).not.toThrow();
    }
  });
});
