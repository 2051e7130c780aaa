/**
 * Debian's headless Chromium for the end-to-end tests (never a downloaded browser: test/helpers/tools.ts finds it),
 * in a persistent profile of its own in a scratch folder, removed when the browser closes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from './tools';

/** Headless, no sandbox (containers), nothing fetched or synced behind the test's back. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface TestBrowser {
  readonly context: BrowserContext;
  /** The profile's first page. */
  readonly page: Page;
  close(): Promise<void>;
}

/** `flags`: what a test needs beyond the common ones (e.g. autoplay for the film). */
export async function launchChromium(flags: readonly string[] = []): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'tenant-gate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...FLAGS, ...flags],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
