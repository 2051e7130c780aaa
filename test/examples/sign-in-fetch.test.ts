// docs/spa.md's sign-in with a bare fetch, as a single-page app on the CDN host runs it, against the local distribution.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLocalDistribution, type LocalDistribution } from '../../testing/index';
import { cookieJarFetch } from '../helpers/cookie-jar';

let cdn: LocalDistribution;
beforeAll(async () => void (cdn = await startLocalDistribution()), 60_000);
afterAll(() => cdn.close());

it('signs in with the identity token in x-identity-token and the body hash, then reads a file', async () => {
  const idToken = await cdn.identityToken('alice', 'acme'); // your OIDC provider's ID token
  const jar = cookieJarFetch(); // a browser keeps the cookies itself, and resolves '/auth/session' on the page's host
  const fetch = (path: string, init?: RequestInit): Promise<Response> => jar(new URL(path, cdn.url), init);

  // --- the snippet of docs/spa.md, verbatim ---
  const body = JSON.stringify({ bindIp: false });
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body));
  const hash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const response = await fetch('/auth/session', {
    method: 'POST',
    headers: { 'x-identity-token': idToken, 'content-type': 'application/json', 'x-amz-content-sha256': hash },
    body,
  });
  if (response.status !== 204) throw new Error((await response.json()).error);
  // --- end of the snippet ---

  expect(jar.jar.has('__Host-tenant')).toBe(true);
  const file = await fetch('/files/welcome.txt');
  expect(file.status).toBe(200);
  expect(await file.text()).toContain('Acme');
});

it.each([
  ['without the body hash, the function URL behind origin access control refuses it', true, false, 403],
  ['without the identity token, the login refuses it', false, true, 401],
])('%s', async (_, withToken, withHash, status) => {
  const body = JSON.stringify({ bindIp: false });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (withToken) headers['x-identity-token'] = await cdn.identityToken('alice', 'acme');
  if (withHash) headers['x-amz-content-sha256'] = createHash('sha256').update(body).digest('hex');
  const jar = cookieJarFetch();
  const response = await jar(new URL('/auth/session', cdn.url), { method: 'POST', headers, body });
  expect(response.status).toBe(status);
  expect(jar.jar.has('__Host-tenant')).toBe(false);
});
