/** Vitest global setup: one line naming what this machine cannot run, and how to enable it. */
import { TOOLS } from '../helpers/tools';

export default function skippedTools(): void {
  const missing = TOOLS.filter((t) => !t.available);
  if (missing.length === 0) return;
  if (process.env.CI === 'true') return; // the tests themselves fail, naming the tool
  const what = missing.map((t) => `${t.covers} (${t.enable})`).join('; ');
  process.stdout.write(`tenant-gate: skipped, tool missing: ${what}\n`);
}
