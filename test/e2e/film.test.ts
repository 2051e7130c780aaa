/**
 * The film rental of issue 14, end to end in Debian's headless Chromium: alice rents the demo film (a folder
 * grant bound to her address, POST /auth/grants), the page plays it with hls.js through the local distribution,
 * and every playlist and segment request goes through the gate on /grants/*; the same URL from another address
 * (a Node client on 127.0.0.2) is refused; a short grant that expires stops the film at the next segment.
 *
 * "Authorized by the gate": the bucket holds nothing under grants/, so a 200 for /grants/<grant>/… can only be
 * the gate's rewrite into /tenants/acme/files/…; and the access log shows every such request, token redacted.
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_FIELDS } from '../../local/access-log';
import { startLocalDistribution, type LocalDistribution } from '../../testing/index';
import { ROOT } from '../helpers/keys';
import { launchChromium, type TestBrowser } from '../helpers/browser';
import { CHROMIUM, CHROMIUM_PATH, canRun } from '../helpers/tools';

const FILM = join(ROOT, 'demo', 'bucket', 'tenants', 'acme', 'files', 'films', 'nosferatu');
/** The demo film: six one-second segments (generated once with ffmpeg, see docs/testing.md). */
const SEGMENTS = 6;

let offset = 0;
const clock = () => Date.now() + offset;
let cdn: LocalDistribution;
let page: Page;
let browser: TestBrowser | undefined;
const log: string[] = [];

interface LogLine {
  uri: string;
  status: number;
  ip: string;
  line: string;
}
function logLines(): LogLine[] {
  const at = (name: (typeof LOG_FIELDS)[number]) => LOG_FIELDS.indexOf(name);
  return log.map((line) => {
    const fields = line.split('\t');
    return { uri: fields[at('cs-uri-stem')]!, status: Number(fields[at('sc-status')]), ip: fields[at('c-ip')]!, line };
  });
}

/** A GET from a given local address, as a viewer elsewhere on the network would send it. */
function getFrom(url: string, localAddress: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  if (CHROMIUM_PATH === undefined) return; // skipped below
  cdn = await startLocalDistribution({ clock, accessLog: (line) => log.push(line) });
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  page = browser.page;
  await page.goto(cdn.url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('button[data-user="alice"]');
  await page.waitForFunction(() => document.getElementById('tenant-name')?.textContent === 'acme');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cdn?.close();
});

async function rent(seconds: number): Promise<string> {
  log.length = 0;
  await page.fill('#grant-seconds', String(seconds));
  await page.click('#rent-film');
  await page.waitForFunction(() => document.getElementById('player')?.dataset.playlist !== undefined);
  return (await page.getAttribute('#player', 'data-playlist'))!;
}

const currentTime = () => page.$eval('#player', (v) => (v as HTMLVideoElement).currentTime);

describe.runIf(canRun(CHROMIUM))('the film rental in headless Chromium', () => {
  it('plays the rented film through the gate, and the grant URL from another address is refused', async () => {
    expect(existsSync(join(ROOT, 'demo', 'bucket', 'grants'))).toBe(false);
    expect(existsSync(join(FILM, 'master.m3u8'))).toBe(true);
    const playlist = await rent(172800);
    expect(playlist).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/grants\/[\w-]+\.[\w-]+\.[\w-]+\/films\/nosferatu\/master\.m3u8$/,
    );
    expect(await page.textContent('#rent-output')).toMatch(/^rented until .*, from this address only$/);

    // Playback advances to the end of the film: every segment was fetched and decoded.
    await page.waitForFunction(() => (document.getElementById('player') as HTMLVideoElement).ended, undefined, {
      timeout: 30_000,
    });
    expect(await currentTime()).toBeGreaterThan(SEGMENTS - 1);

    // Every request of the film went through the grants behavior and was forwarded (200), the token redacted.
    const token = new URL(playlist).pathname.split('/')[2]!;
    const film = logLines().filter((l) => l.uri.startsWith('/grants/'));
    const fetched = new Set(film.map((l) => l.uri.slice(l.uri.lastIndexOf('/') + 1)));
    expect([...fetched].sort()).toEqual(
      ['master.m3u8', ...Array.from({ length: SEGMENTS }, (_, i) => `seg-${i}.ts`)].sort(),
    );
    for (const l of film) {
      expect(l.uri).toMatch(/^\/grants\/REDACTED\/films\/nosferatu\/(?:master\.m3u8|seg-\d\.ts)$/);
      expect([l.status, l.ip]).toEqual([200, '127.0.0.1']);
    }
    expect(log.join('\n')).not.toContain(token.split('.')[1]);

    // The same URL: from this address it opens, from 127.0.0.2 the gate refuses it.
    expect((await getFrom(playlist, '127.0.0.1')).status).toBe(200);
    const other = await getFrom(playlist, '127.0.0.2');
    expect([other.status, JSON.parse(other.body)]).toEqual([403, { error: 'grant_ip_mismatch' }]);
    expect(logLines().some((l) => l.ip === '127.0.0.2' && l.status === 403)).toBe(true);
  }, 60_000);

  it('a grant that expires during playback stops the film at the next segment', async () => {
    const playlist = await rent(40);
    await page.waitForFunction(() => (document.getElementById('player') as HTMLVideoElement).currentTime > 0.5);
    // The grant's exp (+ the 30 s clock tolerance) is now behind the distribution's clock.
    offset += 120_000;
    await page.waitForFunction(() => document.getElementById('player-output')?.dataset.code !== undefined, undefined, {
      timeout: 20_000,
    });
    expect(await page.getAttribute('#player-output', 'data-code')).toBe('invalid_token');
    expect(await page.getAttribute('#player-output', 'data-refused-by')).toBe('gate');
    const refused = logLines().filter((l) => l.uri.startsWith('/grants/') && l.status === 401);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.uri).toMatch(/\/seg-\d\.ts$/);
    // Stopped before the end: some segments were never served.
    const served = logLines().filter((l) => l.status === 200 && /\/seg-\d\.ts$/.test(l.uri)).length;
    expect(served).toBeLessThan(SEGMENTS);
    expect(await currentTime()).toBeLessThan(SEGMENTS - 1);
    expect((await getFrom(playlist, '127.0.0.1')).status).toBe(401);
  }, 60_000);
});
