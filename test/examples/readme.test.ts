/** The README's examples are the test files next to this one, copied verbatim: the snippets run in the suite. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

it.each(['browser-client.test.ts', 'offline.test.ts'])('README.md shows test/examples/%s verbatim', (file) => {
  const code = readFileSync(join(import.meta.dirname, file), 'utf8');
  expect(README).toContain('```ts\n' + code + '```\n');
});
