#!/usr/bin/env node
// Builds every deployable artifact from one validated configuration.
//   npm run build -- --config gatekeeper.config.json --outdir dist
// Run through tsx (see package.json) so the TypeScript validator is the one the tests exercise.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';

const root = dirname(fileURLToPath(import.meta.url));

function fail(message) {
  console.error(`build: ${message}`);
  process.exit(1);
}

/** `12 files (src/ 9, functions/ 2, lib/ 1)`: what an edge bundle is made of (the build refuses validator code). */
function inputSummary(inputs) {
  const byFolder = new Map();
  for (const input of inputs) {
    const folder = input.includes('/') ? `${input.split('/')[0]}/` : input;
    byFolder.set(folder, (byFolder.get(folder) ?? 0) + 1);
  }
  const parts = [...byFolder].map(([folder, count]) => `${folder} ${count}`);
  return `${inputs.length} files (${parts.join(', ')})`;
}

let args;
try {
  args = parseArgs({
    options: {
      config: { type: 'string', default: 'gatekeeper.config.json' },
      outdir: { type: 'string', default: 'dist' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  }).values;
} catch (error) {
  fail(`${error.message}\nusage: npm run build -- [--config FILE] [--outdir DIR]`);
}
if (args.help) {
  console.log('usage: npm run build -- [--config FILE (default gatekeeper.config.json)] [--outdir DIR (default dist)]');
  process.exit(0);
}

const { buildArtifacts } = await import('./build/artifacts.ts');
let results;
try {
  results = await buildArtifacts({ configPath: resolve(args.config), outdir: resolve(args.outdir), root });
} catch (error) {
  fail(error.message);
}
if (!args.quiet) {
  for (const r of results) {
    const size = statSync(r.file).size;
    const gz = gzipSync(readFileSync(r.file)).length;
    console.log(`${r.name.padEnd(22)} ${String(size).padStart(7)} B  (${gz} B gzip)  limit ${r.limit}  ${r.file}`);
    if (r.inputs) console.log(`${''.padEnd(22)} inputs: ${inputSummary(r.inputs)}; no zod, nothing from config/`);
    if (r.note) console.log(`${''.padEnd(22)} note: ${r.note}`);
  }
}
