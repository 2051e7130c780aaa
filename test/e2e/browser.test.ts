/**
 * End to end, in a real browser: Debian's headless Chromium (never a downloaded one) driven by playwright-core,
 * against the demo distribution `npm start` serves, started in-process on a free port. It signs in as
 * alice@acme, sees the images load through plain <img> tags, checks the cookies' attributes, is refused
 * across tenants, opens a signed link, sees it expire, and signs out.
 *
 * The emulator's clock runs `offset` ahead of the real one, so that the link can be made to expire by moving
 * time rather than waiting; the browser, the login function and CloudFront's checks all agree on it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../local/emulator';
import { CHROMIUM, CHROMIUM_PATH, canRun } from '../helpers/tools';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let offset = 0;
const clock = () => Date.now() + offset;
let emulator: Emulator;
let context: BrowserContext;
let page: Page;
let profile: string;
const log: string[] = [];

beforeAll(async () => {
  if (CHROMIUM_PATH === undefined) return; // skipped below
  emulator = await startEmulator({ port: 0, host: '127.0.0.1', clock, log: (line) => log.push(line), note: () => {} });
  profile = mkdtempSync(join(tmpdir(), 'tenant-gate-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
  });
  page = context.pages()[0] ?? (await context.newPage());
}, 60_000);

afterAll(async () => {
  await context?.close();
  await emulator?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** bob@globex, from outside the browser: his request puts globex's welcome.txt in the cache first. */
async function bobReadsWelcome(): Promise<string> {
  const idp = await fetch(`${emulator.url}/dev/idp/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"sub":"bob","tenant":"globex"}',
  });
  const { id_token: token } = (await idp.json()) as { id_token: string };
  const login = await fetch(`${emulator.url}/auth/session`, {
    method: 'POST',
    headers: { 'x-identity-token': `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return (await fetch(`${emulator.url}/files/welcome.txt`, { headers: { cookie } })).text();
}

describe.runIf(canRun(CHROMIUM))('the demo SPA in headless Chromium', () => {
  it('signs in, loads images, keeps tenants apart, opens a signed link that expires, signs out', async () => {
    // Globex's bytes for /files/welcome.txt are in the cache before alice asks for the same path.
    expect(await bobReadsWelcome()).toContain('Globex');

    await page.goto(emulator.url);
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('button[data-user="alice"]');
    await page.waitForFunction(() => document.getElementById('tenant-name')?.textContent === 'acme');

    // Plain <img src="/files/…"> with cookies: every thumbnail decodes.
    await page.waitForFunction(() => {
      const images = Array.from(document.querySelectorAll<HTMLImageElement>('img.thumb'));
      return images.length >= 2 && images.every((img) => img.complete);
    });
    const widths = await page.$$eval('img.thumb', (images) =>
      (images as HTMLImageElement[]).map((img) => [img.alt, img.naturalWidth] as const),
    );
    expect(widths.length).toBeGreaterThanOrEqual(2);
    for (const [, width] of widths) expect(width).toBeGreaterThan(0);

    // Same viewer path as bob, right after his request: acme's text, never globex's.
    await page.waitForFunction(() => (document.getElementById('welcome-text')?.textContent ?? '') !== '');
    const welcome = await page.textContent('#welcome-text');
    expect(welcome).toContain('Acme');
    expect(welcome).not.toContain('Globex');

    // The cookies the login function set: HttpOnly, Secure, SameSite=Lax, host-only.
    const cookies = await context.cookies(emulator.url + '/files/x');
    const names = cookies.map((c) => c.name).sort();
    expect(names).toEqual([
      'CloudFront-Hash-Algorithm',
      'CloudFront-Key-Pair-Id',
      'CloudFront-Policy',
      'CloudFront-Signature',
      '__Host-tenant',
    ]);
    for (const cookie of cookies) {
      expect({
        name: cookie.name,
        httpOnly: cookie.httpOnly,
        secure: cookie.secure,
        sameSite: cookie.sameSite,
      }).toEqual({
        name: cookie.name,
        httpOnly: true,
        secure: true,
        sameSite: 'Lax',
      });
      expect(cookie.domain).toBe('127.0.0.1');
    }
    // Script cannot read them.
    expect(await page.evaluate(() => document.cookie)).toBe('');

    // Across tenants: a file only globex has is looked up in acme's folder (404), and a link for globex is refused.
    await page.click('#probe-file');
    await page.waitForFunction(() => (document.getElementById('probe-output')?.textContent ?? '') !== '');
    expect(await page.textContent('#probe-output')).toMatch(/^\/files\/payroll\.txt: 404 NoSuchKey/);
    await page.click('#probe-link');
    await page.waitForFunction(() => (document.getElementById('probe-link-output')?.textContent ?? '') !== '');
    expect(await page.textContent('#probe-link-output')).toBe('link for tenant globex: 403 tenant_mismatch');

    // A per-file signed link, valid 5 s: it opens, then — 10 s later on the distribution's clock — it is refused.
    await page.fill('#link-seconds', '5');
    await page.click('button.make-link[data-path="/files/welcome.txt"]');
    const href = await (await page.waitForSelector('#signed-link')).getAttribute('href');
    expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/welcome\.txt\?token=[^&]+&Policy=.+&Signature=/);
    const viewer = await context.newPage();
    const opened = await viewer.goto(href!);
    expect(opened?.status()).toBe(200);
    expect(await opened?.text()).toContain('Acme');
    offset += 10_000;
    const expired = await viewer.goto(href!);
    expect(expired?.status()).toBe(403);
    expect(await expired?.text()).toContain('AccessDenied');
    await viewer.close();

    // Sign out: every credential cookie expired; the files are refused again.
    await page.click('#signout');
    await page.waitForSelector('#signin:not([hidden])');
    expect(await context.cookies(emulator.url + '/files/x')).toEqual([]);
    const after = await page.evaluate(async () => (await fetch('/files/welcome.txt')).status);
    expect(after).toBe(403);

    // The access log saw all of it and never a credential.
    const all = log.join('\n');
    expect(all).toContain('/files/badge.png');
    expect(all).not.toMatch(/token=eyJ/);
    expect(all).not.toMatch(/__Host-tenant=eyJ/);
  }, 60_000);
});
