/**
 * Path scopes end to end in `npm start`'s distribution (issue 13): the demo configuration's rule
 * `/files/users/{sub}/` keeps each user's folder to that user, for another user of the same tenant too, through
 * the dev identity provider, the built login function and the built gate, with either gate runtime.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator, type GateRuntime } from '../../local/emulator';

const bodyHash = (body: string) => createHash('sha256').update(body).digest('hex');

describe.each<GateRuntime>(['lambda-edge', 'cloudfront-function'])('per-user folders, gate = %s', (gate) => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, gate, log: () => {}, note: () => {} });
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
  });

  /** Signs in through the dev IdP and the login; the cookie header a browser would then send. */
  async function signIn(sub: string, tenant: string): Promise<string> {
    const idp = await fetch(`${emulator.url}/dev/idp/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub, tenant }),
    });
    const { id_token: idToken } = (await idp.json()) as { id_token: string };
    const login = await fetch(`${emulator.url}/auth/session`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-amz-content-sha256': bodyHash('{}'),
        'x-identity-token': idToken,
        origin: emulator.url,
      },
      body: '{}',
    });
    expect(login.status).toBe(204);
    return login.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
  }

  const get = (path: string, cookie: string) => fetch(`${emulator.url}${path}`, { headers: { cookie } });

  async function link(cookie: string, path: string): Promise<Response> {
    const body = JSON.stringify({ paths: [path], expiresIn: 60 });
    return fetch(`${emulator.url}/auth/links`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-amz-content-sha256': bodyHash(body),
        cookie,
        origin: emulator.url,
      },
      body,
    });
  }

  it('each user of acme reads their own folder, and the rest of the tenant stays tenant-wide', async () => {
    const alice = await signIn('alice', 'acme');
    const carol = await signIn('carol', 'acme');
    const own = await get('/files/users/alice/notes.txt', alice);
    expect([own.status, await own.text()]).toEqual([200, expect.stringContaining("Alice's private notes")]);
    const carols = await get('/files/users/carol/notes.txt', carol);
    expect([carols.status, await carols.text()]).toEqual([200, expect.stringContaining("Carol's private notes")]);
    expect((await get('/files/welcome.txt', carol)).status).toBe(200);
  });

  it("refuses a user's folder to another user of the same tenant: 403 scope_denied, however the path is spelt", async () => {
    const carol = await signIn('carol', 'acme');
    for (const path of ['/files/users/alice/notes.txt', '/files/users/%61lice/notes.txt']) {
      const refused = await get(path, carol);
      expect([refused.status, await refused.json()]).toEqual([403, { error: 'scope_denied' }]);
    }
  });

  it("the login mints no link into another user's folder; a link into one's own opens it", async () => {
    const carol = await signIn('carol', 'acme');
    const refused = await link(carol, '/files/users/alice/notes.txt');
    expect([refused.status, await refused.json()]).toEqual([403, { error: 'scope_denied' }]);
    const made = await link(carol, '/files/users/carol/notes.txt');
    expect(made.status).toBe(200);
    const { links } = (await made.json()) as { links: { url: string }[] };
    const url = new URL(links[0]!.url);
    const opened = await fetch(`${emulator.url}${url.pathname}${url.search}`);
    expect([opened.status, await opened.text()]).toEqual([200, expect.stringContaining("Carol's private notes")]);
  });
});
