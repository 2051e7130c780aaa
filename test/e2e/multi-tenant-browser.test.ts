/**
 * The multi-tenant demo (`npm start -- --multi-tenant`) in headless Chromium (Debian's, never a downloaded one):
 * alice signs in on acme's own domain, acme.localhost, the login learning the distribution tenant from its origin
 * path; her cookies are host-only there; on globex.localhost the browser sends none of them, and acme's cookies
 * copied there are refused.
 */
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startEmulator, type Emulator } from '../../local/emulator';
import { launchChromium, type TestBrowser } from '../helpers/browser';
import { CHROMIUM, CHROMIUM_PATH, canRun } from '../helpers/tools';

let emulator: Emulator;
let context: BrowserContext;
let page: Page;
let browser: TestBrowser | undefined;

beforeAll(async () => {
  if (CHROMIUM_PATH === undefined) return; // skipped below
  emulator = await startEmulator({
    configPath: join(ROOT, 'demo', 'multi-tenant.config.json'),
    port: 0,
    gate: 'cloudfront-function',
    log: false,
    note: () => {},
  });
  browser = await launchChromium();
  context = browser.context;
  page = browser.page;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
});

describe.runIf(canRun(CHROMIUM))('the multi-tenant demo in headless Chromium', () => {
  it("signs alice in on acme's domain, reads acme's files, and her cookies stay there", async () => {
    const acme = `http://acme.localhost:${emulator.port}`;
    const globex = `http://globex.localhost:${emulator.port}`;
    await page.goto(acme);
    await page.waitForSelector('body[data-ready="true"]');
    const answer = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/auth/session'));
    await page.click('button[data-user="alice"]');
    expect((await answer).status()).toBe(204);
    await page.waitForFunction(() => document.getElementById('tenant-name')?.textContent === 'acme');
    await page.waitForFunction(() => (document.getElementById('welcome-text')?.textContent ?? '') !== '');
    expect(await page.textContent('#welcome-text')).toContain('Acme');

    // Host-only: every cookie belongs to acme.localhost alone.
    const cookies = await context.cookies(`${acme}/files/x`);
    expect(cookies.map((c) => c.name).sort()).toEqual([
      'CloudFront-Hash-Algorithm',
      'CloudFront-Key-Pair-Id',
      'CloudFront-Policy',
      'CloudFront-Signature',
      '__Host-tenant',
    ]);
    for (const cookie of cookies) expect(cookie.domain).toBe('acme.localhost');
    expect(await context.cookies(`${globex}/files/x`)).toEqual([]);

    // On globex's domain the browser sends none of them: not signed in there.
    await page.goto(globex);
    await page.waitForSelector('body[data-ready="true"]');
    const status = await page.evaluate(async () => (await fetch('/files/welcome.txt')).status);
    expect(status).toBe(403);

    // acme's cookies copied onto globex's domain: refused (CloudFront's policy names acme.localhost).
    await context.addCookies(cookies.map((c) => ({ ...c, domain: 'globex.localhost' })));
    const copied = await page.evaluate(async () => {
      const r = await fetch('/files/welcome.txt');
      return [r.status, await r.text()] as const;
    });
    expect(copied[0]).toBe(403);
    expect(copied[1]).not.toContain('Globex');
  }, 60_000);
});
