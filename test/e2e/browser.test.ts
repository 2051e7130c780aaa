/**
 * End to end, in a real browser: Debian's headless Chromium (never a downloaded one) driven by playwright-core,
 * against the demo distribution `npm start` serves, started in-process on a free port. It signs in as
 * alice@acme the production way (identity token in `x-identity-token`, the body's SHA-256 in
 * `x-amz-content-sha256`, never `Authorization`), sees the images load through plain <img> tags, checks the
 * cookies' attributes and the page's cookie table, is refused across tenants and without cookies — the page
 * saying who refused and why, in screenshots under .local/screenshots/ — opens a signed link, sees it
 * expire, and signs out.
 *
 * The emulator's clock runs `offset` ahead of the real one, so that the link can be made to expire by moving
 * time rather than waiting; the browser, the login function and CloudFront's checks all agree on it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDistribution, type LocalDistribution } from '../../testing/index';
import { launchChromium, type TestBrowser } from '../helpers/browser';
import { CHROMIUM, CHROMIUM_PATH, canRun } from '../helpers/tools';

let offset = 0;
const clock = () => Date.now() + offset;
let cdn: LocalDistribution;
let context: BrowserContext;
let page: Page;
let browser: TestBrowser | undefined;
const log: string[] = [];
/** Git-ignored (.local/): look at them to see the page explain a refusal. */
const SCREENSHOTS = join(import.meta.dirname, '..', '..', '.local', 'screenshots');

beforeAll(async () => {
  if (CHROMIUM_PATH === undefined) return; // skipped below
  cdn = await startLocalDistribution({ clock, accessLog: (line) => log.push(line) });
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
  context = browser.context;
  page = browser.page;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cdn?.close();
});

/** bob@globex, from outside the browser: his request puts globex's welcome.txt in the cache first. */
async function bobReadsWelcome(): Promise<string> {
  const cookie = await cdn.signIn('bob', 'globex');
  return (await fetch(`${cdn.url}/files/welcome.txt`, { headers: { cookie } })).text();
}

describe.runIf(canRun(CHROMIUM))('the demo SPA in headless Chromium', () => {
  it('signs in, loads images, keeps tenants apart, opens a signed link that expires, signs out', async () => {
    // Globex's bytes for /files/welcome.txt are in the cache before alice asks for the same path.
    expect(await bobReadsWelcome()).toContain('Globex');

    await page.goto(cdn.url);
    await page.waitForSelector('body[data-ready="true"]');
    const favicon = await page.evaluate(async () => {
      const r = await fetch('/favicon.svg');
      return [r.status, r.headers.get('content-type')];
    });
    expect(favicon).toEqual([200, 'image/svg+xml']);

    // The production way of signing in, as the browser sent it.
    const signInRequest = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/auth/session'));
    await page.click('button[data-user="alice"]');
    const sent = await signInRequest;
    const headers = await sent.allHeaders();
    expect(headers['x-identity-token']).toMatch(/^eyJ/);
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-amz-content-sha256']).toBe(
      createHash('sha256')
        .update(sent.postData() ?? '')
        .digest('hex'),
    );
    await page.waitForFunction(() => document.getElementById('tenant-name')?.textContent === 'acme');
    expect(await page.textContent('#who')).toBe('alice');

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
    const cookies = await context.cookies(cdn.url + '/files/x');
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
    // The page lists them anyway, names and attributes, never a value.
    const table = await page.$$eval('#cookies tr', (rows) =>
      rows.map((row) => Array.from(row.querySelectorAll('td'), (td) => td.textContent ?? '')),
    );
    expect(table.map(([name]) => name).sort()).toEqual(names);
    for (const [name, attributes] of table) {
      expect(attributes).toMatch(/Max-Age=\d+; Secure; HttpOnly; SameSite=Lax/);
      expect(attributes).toContain(name === '__Host-tenant' ? 'Path=/;' : 'Path=/files/');
    }
    const pageText = (await page.textContent('body')) ?? '';
    for (const cookie of cookies) expect(pageText).not.toContain(cookie.value);

    // What must be refused: the page says who refused it and why.
    await page.click('#probe-file');
    await page.waitForSelector('#probe-output[data-refused-by]');
    expect(await page.textContent('#probe-output')).toMatch(
      /^\/files\/payroll\.txt: 404 NoSuchKey — refused by the bucket \(S3 origin\): No such file in your organisation’s folder/,
    );
    await page.click('#probe-cookies');
    await page.waitForSelector('#probe-cookies-output[data-refused-by]');
    expect(await page.textContent('#probe-cookies-output')).toMatch(
      /^\/files\/welcome\.txt without cookies: 403 MissingKey — refused by CloudFront's signed-cookie check \(trusted key group\): /,
    );
    await page.click('#probe-link');
    await page.waitForSelector('#probe-link-output[data-refused-by]');
    expect(await page.textContent('#probe-link-output')).toBe(
      "link for tenant globex: 403 tenant_mismatch — refused by the login (/auth/*): You asked for another organisation's files: a session only ever reaches its own tenant.",
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'refusals-explained.png'), fullPage: true });

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
    // The page checks the link (without cookies) and explains why it no longer opens.
    await page.click('#check-link');
    await page.waitForSelector('#link-check-output[data-refused-by]');
    expect(await page.textContent('#link-check-output')).toMatch(
      /^the link: 403 AccessDenied — refused by CloudFront's signed-cookie check \(trusted key group\): .*expired/,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'expired-link-explained.png'), fullPage: true });

    // A new tab: the session is the cookies', and the page names the user when the login says who it is.
    const tab = await context.newPage();
    await tab.goto(cdn.url);
    await tab.waitForSelector('body[data-ready="true"]');
    expect(await tab.textContent('#tenant-name')).toBe('acme');
    const said = await tab.evaluate(async () => {
      const s = (await (await fetch('/auth/session')).json()) as { user?: string; sub?: string };
      return s.user ?? s.sub;
    });
    expect(await tab.textContent('#who')).toBe(said ?? '(the login does not say)');
    expect(await tab.textContent('#who')).not.toBe('you');
    await tab.close();

    // Sign out: every credential cookie expired; the files are refused again.
    await page.click('#signout');
    await page.waitForSelector('#signin:not([hidden])');
    expect(await page.textContent('#cookies-caption')).toMatch(/expired these cookies/);
    expect(await context.cookies(cdn.url + '/files/x')).toEqual([]);
    const after = await page.evaluate(async () => (await fetch('/files/welcome.txt')).status);
    expect(after).toBe(403);

    // The access log saw all of it and never a credential.
    const all = log.join('\n');
    expect(all).toContain('/files/badge.png');
    expect(all).not.toMatch(/token=eyJ/);
    expect(all).not.toMatch(/__Host-tenant=eyJ/);
  }, 60_000);
});
