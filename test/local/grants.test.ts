/**
 * Folder grants through the local distribution, for both gates (Lambda@Edge and the CloudFront Function), with
 * plain HTTP clients: the login mints the grant (POST /auth/grants), the /grants/* behavior serves the film's
 * files through the gate, another loopback address, another folder and an expired grant are refused, and the
 * access log never holds the token. The browser plays the same film in test/e2e/film.test.ts.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_FIELDS } from '../../local/access-log';
import { sha256HexNode, startLocalDistribution, type LocalDistribution } from '../../testing/index';

const DIR = '/files/films/nosferatu/';

function getFrom(url: string, localAddress: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(['lambda-edge', 'cloudfront-function'] as const)('grants in the local distribution (%s)', (gate) => {
  let offset = 0;
  let cdn: LocalDistribution;
  const log: string[] = [];

  beforeAll(async () => {
    cdn = await startLocalDistribution({ gate, clock: () => Date.now() + offset, accessLog: (l) => log.push(l) });
  }, 60_000);
  afterAll(async () => {
    await cdn?.close();
  });

  async function grant(body: Record<string, unknown>): Promise<{ status: number; url: string }> {
    const cookie = await cdn.signIn('alice', 'acme');
    const text = JSON.stringify(body);
    const response = await fetch(`${cdn.url}/auth/grants`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'x-amz-content-sha256': sha256HexNode(text) },
      body: text,
    });
    if (response.status !== 200) return { status: response.status, url: '' };
    const { grant: made } = (await response.json()) as { grant: { url: string } };
    // Made for the real domain (https://localhost/…): the same path on this local distribution.
    return { status: 200, url: cdn.url + new URL(made.url).pathname };
  }

  it('serves the folder to the bound address only, and nothing beside it', async () => {
    const { status, url } = await grant({ dir: DIR, expiresIn: 172800, bindIp: true });
    expect(status).toBe(200);
    const playlist = await getFrom(url + 'master.m3u8', '127.0.0.1');
    expect([playlist.status, playlist.body.startsWith('#EXTM3U')]).toEqual([200, true]);
    const segment = await getFrom(url + 'seg-0.ts', '127.0.0.1');
    expect([segment.status, segment.body.charCodeAt(0)]).toEqual([200, 0x47]); // an MPEG-TS sync byte
    expect(await getFrom(url + 'master.m3u8', '127.0.0.2')).toEqual({
      status: 403,
      body: '{"error":"grant_ip_mismatch"}',
    });
    const beside = url.replace('/films/nosferatu/', '/films/') + 'welcome.txt';
    expect((await getFrom(beside, '127.0.0.1')).status).toBe(403);
    const outside = url.replace('/films/nosferatu/', '/') + 'welcome.txt';
    expect((await getFrom(outside, '127.0.0.1')).status).toBe(403);
  });

  it('refuses a grant past its expiry, and one longer than 48 hours is never made', async () => {
    const { url } = await grant({ dir: DIR, expiresIn: 60 });
    expect((await getFrom(url + 'seg-1.ts', '127.0.0.2')).status).toBe(200);
    offset += 120_000;
    expect(await getFrom(url + 'seg-1.ts', '127.0.0.2')).toEqual({ status: 401, body: '{"error":"invalid_token"}' });
    expect((await grant({ dir: DIR, expiresIn: 172801 })).status).toBe(400);
  });

  it('the access log shows every grant request with its token redacted', () => {
    const stem = LOG_FIELDS.indexOf('cs-uri-stem');
    const grants = log.map((line) => line.split('\t')[stem]!).filter((uri) => uri.startsWith('/grants/'));
    expect(grants.length).toBeGreaterThan(5);
    for (const uri of grants) expect(uri).toMatch(/^\/grants\/REDACTED\//);
    expect(log.join('\n')).not.toMatch(/eyJ/);
  });
});
