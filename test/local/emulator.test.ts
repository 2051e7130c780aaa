/**
 * `npm start`'s distribution over real HTTP, built from demo/local.config.json: the dev identity provider,
 * the built login function (its real remote-JWKS path, through the emulator), the trusted key group and the
 * built gate on /files/*, the SPA, and the access log — with either gate runtime.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_FIELDS } from '../../local/access-log';
import { startEmulator, type Emulator, type GateRuntime } from '../../local/emulator';

/** What origin access control requires of a POST/PUT to the login function URL: the body's SHA-256. */
const bodyHash = (body: string) => createHash('sha256').update(body).digest('hex');

/** A JSON POST to the login function, as production requires it (origin access control: the body's hash). */
function postJson(body: string, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-amz-content-sha256': bodyHash(body), ...headers },
    body,
  };
}

function cookieJar() {
  const jar = new Map<string, string>();
  return {
    header: () => [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
    take(response: Response) {
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        const name = pair!.slice(0, eq);
        const value = pair!.slice(eq + 1);
        if (/Max-Age=0/.test(line)) jar.delete(name);
        else jar.set(name, value);
      }
    },
    size: () => jar.size,
  };
}

describe.each<GateRuntime>(['lambda-edge', 'cloudfront-function'])(
  'the demo distribution over HTTP, gate = %s',
  (gate) => {
    let emulator: Emulator;
    const log: string[] = [];
    const notes: string[] = [];
    beforeAll(async () => {
      emulator = await startEmulator({ port: 0, gate, log: (line) => log.push(line), note: (n) => notes.push(n) });
    }, 60_000);
    afterAll(async () => {
      await emulator?.close();
    });

    async function signIn(sub: string, tenant: string) {
      const jar = cookieJar();
      const idp = await fetch(`${emulator.url}/dev/idp/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub, tenant }),
      });
      const { id_token: idToken } = (await idp.json()) as { id_token: string };
      // What a browser on the SPA sends: its own origin, which the emulator presents as https://<domain>; the
      // identity token in x-identity-token (origin access control replaces Authorization); the body's hash.
      const login = await fetch(
        `${emulator.url}/auth/session`,
        postJson('{}', { 'x-identity-token': idToken, origin: emulator.url }),
      );
      jar.take(login);
      return { jar, login };
    }

    it('signs in through the dev IdP and the built login function; the cookies are host-only, Secure, HttpOnly, SameSite=Lax', async () => {
      const { login, jar } = await signIn('alice', 'acme');
      expect(login.status).toBe(204);
      const cookies = login.headers.getSetCookie();
      expect(cookies.map((c) => c.split('=')[0])).toEqual(
        expect.arrayContaining([
          '__Host-tenant',
          'CloudFront-Policy',
          'CloudFront-Signature',
          'CloudFront-Key-Pair-Id',
        ]),
      );
      for (const cookie of cookies) {
        expect(cookie).toMatch(/; Secure; HttpOnly; SameSite=Lax$/);
        expect(cookie).not.toMatch(/Domain=/i);
      }
      expect(jar.size()).toBeGreaterThanOrEqual(4);
      // The login function fetched the provider's keys through the distribution: the real remote-JWKS path.
      expect(log.some((line) => line.includes('/dev/idp/.well-known/jwks.json'))).toBe(true);
    });

    it('refuses a client that signs in the old way, as production does: the token in Authorization, or no body hash', async () => {
      const idp = await fetch(`${emulator.url}/dev/idp/token`, postJson('{"sub":"alice","tenant":"acme"}'));
      const { id_token: idToken } = (await idp.json()) as { id_token: string };
      // Origin access control (signing: always) replaces the viewer's Authorization with its SigV4 signature.
      const inAuthorization = await fetch(
        `${emulator.url}/auth/session`,
        postJson('{}', { authorization: `Bearer ${idToken}`, origin: emulator.url }),
      );
      expect(inAuthorization.status).toBe(401);
      expect(inAuthorization.headers.getSetCookie()).toEqual([]);
      // The function URL (AWS_IAM) does not accept an unsigned payload: a POST without x-amz-content-sha256.
      const unhashed = await fetch(`${emulator.url}/auth/session`, {
        method: 'POST',
        headers: { 'x-identity-token': idToken, 'content-type': 'application/json', origin: emulator.url },
        body: '{}',
      });
      expect([unhashed.status, unhashed.headers.getSetCookie()]).toEqual([403, []]);
      expect(notes.join('\n')).toMatch(/\(AWS_IAM\) refused POST \/auth\/session: POST without x-amz-content-sha256/);
    });

    it('serves each tenant its own bytes for the same viewer path, and the cache says so', async () => {
      const alice = await signIn('alice', 'acme');
      const bob = await signIn('bob', 'globex');
      const get = (jar: ReturnType<typeof cookieJar>) =>
        fetch(`${emulator.url}/files/welcome.txt`, { headers: { cookie: jar.header() } });
      const a1 = await get(alice.jar);
      const a2 = await get(alice.jar);
      const b1 = await get(bob.jar);
      expect(await a1.text()).toContain('Acme');
      expect(a2.headers.get('x-cache')).toBe('Hit from local');
      expect(b1.headers.get('x-cache')).toBe('Miss from local');
      expect(await b1.text()).toContain('Globex');
    });

    it('refuses across tenants: a link for another tenant, a file only another tenant has, no signed cookies', async () => {
      const { jar } = await signIn('alice', 'acme');
      const link = await fetch(
        `${emulator.url}/auth/links`,
        postJson(JSON.stringify({ paths: ['/files/welcome.txt'], expiresIn: 60, tenant: 'globex' }), {
          cookie: jar.header(),
          origin: emulator.url,
        }),
      );
      expect([link.status, ((await link.json()) as { error: string }).error]).toEqual([403, 'tenant_mismatch']);
      const payroll = await fetch(`${emulator.url}/files/payroll.txt`, { headers: { cookie: jar.header() } });
      expect(payroll.status).toBe(404);
      const bare = await fetch(`${emulator.url}/files/welcome.txt`);
      expect([bare.status, await bare.text()]).toEqual([403, expect.stringContaining('MissingKey')]);
      const direct = await fetch(`${emulator.url}/tenants/globex/files/payroll.txt`, {
        headers: { cookie: jar.header() },
      });
      expect(direct.status).toBe(404);
    });

    it('refuses a cross-site POST to the login function (Origin not the distribution)', async () => {
      const { jar } = await signIn('alice', 'acme');
      const forged = await fetch(
        `${emulator.url}/auth/links`,
        postJson(JSON.stringify({ paths: ['/files/welcome.txt'], expiresIn: 60 }), {
          cookie: jar.header(),
          origin: 'https://evil.example',
        }),
      );
      expect(forged.status).toBe(403);
    });

    it("binds a link to the viewer through the stack's login origin request policy, which forwards CloudFront-Viewer-Address", async () => {
      const { jar } = await signIn('alice', 'acme');
      const made = await fetch(
        `${emulator.url}/auth/links`,
        postJson(JSON.stringify({ paths: ['/files/welcome.txt'], expiresIn: 60, bindIp: true }), {
          cookie: jar.header(),
          origin: emulator.url,
        }),
      );
      expect(made.status).toBe(200);
      const { links } = (await made.json()) as { links: { url: string }[] };
      const url = new URL(links[0]!.url);
      // Bound to this viewer (127.0.0.1, as CloudFront-Viewer-Address carried it): it opens from here.
      const opened = await fetch(`${emulator.url}${url.pathname}${url.search}`);
      expect([opened.status, await opened.text()]).toEqual([200, expect.stringContaining('Acme')]);
    });

    it('logs one standard-log line per request, without the tokens', async () => {
      const before = log.length;
      const { jar } = await signIn('alice', 'acme');
      await fetch(`${emulator.url}/files/welcome.txt?token=SHOULD-NOT-APPEAR`, { headers: { cookie: jar.header() } });
      const lines = log.slice(before);
      expect(lines.length).toBeGreaterThanOrEqual(3);
      for (const line of lines) expect(line.split('\t')).toHaveLength(LOG_FIELDS.length);
      const all = lines.join('\n');
      expect(all).not.toContain('SHOULD-NOT-APPEAR');
      for (const value of jar
        .header()
        .split('; ')
        .map((pair) => pair.slice(pair.indexOf('=') + 1))) {
        if (value.length > 20) expect(all).not.toContain(value);
      }
    });

    it('serves the SPA at / with its demo users', async () => {
      const page = await fetch(`${emulator.url}/`);
      expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
      const demo = (await (await fetch(`${emulator.url}/demo.json`)).json()) as {
        users: unknown[];
        crossTenantProbes: Record<string, string>;
      };
      expect(demo.users).toEqual([
        { sub: 'alice', tenant: 'acme' },
        { sub: 'bob', tenant: 'globex' },
      ]);
      expect(demo.crossTenantProbes).toEqual({ acme: '/files/payroll.txt', globex: '/files/roadmap.txt' });
      expect((await fetch(`${emulator.url}/app.js`)).status).toBe(200);
    });
  },
);

describe("tenant files are never answered from the browser's own cache", () => {
  it("the files behavior's response headers policy says private, no-cache (revalidated at the edge, through the gate)", async () => {
    const emulator = await startEmulator({ port: 0, log: () => {}, note: () => {} });
    try {
      const idp = await fetch(`${emulator.url}/dev/idp/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"sub":"alice","tenant":"acme"}',
      });
      const { id_token: token } = (await idp.json()) as { id_token: string };
      const login = await fetch(`${emulator.url}/auth/session`, postJson('{}', { 'x-identity-token': token }));
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const file = await fetch(`${emulator.url}/files/welcome.txt`, { headers: { cookie } });
      expect(file.headers.get('cache-control')).toBe('private, no-cache');
      const etag = file.headers.get('etag')!;
      const again = await fetch(`${emulator.url}/files/welcome.txt`, { headers: { cookie, 'if-none-match': etag } });
      expect([again.status, again.headers.get('x-cache')]).toEqual([304, 'Hit from local']);
      // Without credentials the revalidation is refused, not a 304: the browser cannot keep showing the file.
      expect((await fetch(`${emulator.url}/files/welcome.txt`, { headers: { 'if-none-match': etag } })).status).toBe(
        403,
      );
    } finally {
      await emulator.close();
    }
  }, 60_000);
});
