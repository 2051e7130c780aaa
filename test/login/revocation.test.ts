/**
 * Revocation at the login: `DELETE /auth/session?everywhere=1` (sign out everywhere) writes the user's epoch,
 * `GET /auth/revocation` answers Lambda@Edge, and every session the login judges is checked as the edge checks it
 * (a revoked session mints no link). The store is the local one (deploy/revocation-store.ts `localEntryStore`).
 */
import { describe, expect, it } from 'vitest';
import { localEntryStore } from '../../deploy/revocation-store';
import { LocalKeyValueStore } from '../../local/key-value-store';
import { MAX_SAFE_EPOCH } from '../../src/revocation';
import { mint, mintLink } from '../helpers/tokens';
import { cookiesOf, login, loginConfig, NOW, request, service } from './helpers';

const REVOCATION = { cloudfrontFunction: { revocation: true } };
const config = loginConfig({}, REVOCATION);

function setup(entries: Record<string, string> = {}) {
  const store = new LocalKeyValueStore(entries);
  let now = NOW;
  const svc = service(config, () => now, localEntryStore(store));
  return { store, svc, later: (seconds: number) => void (now += seconds) };
}

async function sessionCookie(svc: ReturnType<typeof service>): Promise<string> {
  return `__Host-tenant=${cookiesOf(await login(svc))['__Host-tenant']!.value}`;
}

const signOutEverywhere = (cookie: string | undefined, query = 'everywhere=1', headers: Record<string, string> = {}) =>
  request({ method: 'DELETE', query, headers, cookies: cookie === undefined ? [] : [cookie] });

const linksOf = (cookie: string) =>
  request({
    method: 'POST',
    path: '/auth/links',
    headers: { 'content-type': 'application/json' },
    cookies: [cookie],
    body: JSON.stringify({ paths: ['/files/report.pdf'], expiresIn: 600 }),
  });

describe('DELETE /auth/session?everywhere=1', () => {
  it("writes the user's epoch (after this second), clears the cookies as logout does, and nothing of other users", async () => {
    const { store, svc } = setup({ 'user:acme:carol': '5' });
    const cookie = await sessionCookie(svc);
    const response = await svc.handle(signOutEverywhere(cookie));
    expect(response.status).toBe(204);
    expect(response.headers['x-revoked-before']).toBe(String(NOW + 1));
    expect(cookiesOf(response)['__Host-tenant']?.attributes['Max-Age']).toBe('0');
    expect(store.entries()).toEqual({
      'tenant:acme': '{"users":true}',
      'user:acme:alice': String(NOW + 1),
      'user:acme:carol': '5',
    });
    expect(svc.logs.at(-1)).toMatchObject({ login: 'ok', route: 'DELETE /auth/session?everywhere=1', tenant: 'acme' });
  });

  it('then the copied session mints nothing (401), and Lambda@Edge is told its epoch', async () => {
    const { svc } = setup();
    const cookie = await sessionCookie(svc);
    expect((await svc.handle(linksOf(cookie))).status).toBe(200);
    await svc.handle(signOutEverywhere(cookie));
    expect(await svc.handle(linksOf(cookie))).toMatchObject({ status: 401, body: '{"error":"invalid_session"}' });
    expect((await svc.handle(request({ method: 'GET', cookies: [cookie] }))).status).toBe(401);
    expect(svc.logs.at(-1)).toMatchObject({ code: 'invalid_session', reason: 'revoked' });
    const asked = await svc.handle(request({ method: 'GET', path: '/auth/revocation', cookies: [cookie] }));
    expect([asked.status, JSON.parse(asked.body)]).toEqual([200, { notBefore: NOW + 1 }]);
  });

  it('a session signed in afterwards works', async () => {
    const { svc, later } = setup();
    await svc.handle(signOutEverywhere(await sessionCookie(svc)));
    later(2);
    expect((await svc.handle(linksOf(await sessionCookie(svc)))).status).toBe(200);
  });

  it.each([
    ['no session', undefined, 401, 'missing_session'],
    ['an invalid session', '__Host-tenant=not.a.token', 401, 'invalid_session'],
    ['a link token instead of a session', `__Host-tenant=${mintLink('/files/report.pdf')}`, 401, 'invalid_session'],
  ])('refuses with %s (%i), revoking nothing', async (_name, cookie, status, code) => {
    const { store, svc } = setup();
    const response = await svc.handle(signOutEverywhere(cookie));
    expect([response.status, JSON.parse(response.body).error]).toEqual([status, code]);
    expect(response.cookies).toEqual([]);
    expect(store.entries()).toEqual({});
  });

  it.each([['everywhere=0'], ['everywhere=true'], ['everywhere=1&everywhere=1']])(
    'refuses %s (400): only everywhere=1 signs out everywhere',
    async (query) => {
      const { store, svc } = setup();
      const response = await svc.handle(signOutEverywhere(await sessionCookie(svc), query));
      expect(response.status).toBe(400);
      expect(store.entries()).toEqual({});
    },
  );

  it('refuses a foreign Origin (403) before anything is written', async () => {
    const { store, svc } = setup();
    const cookie = await sessionCookie(svc);
    const response = await svc.handle(signOutEverywhere(cookie, 'everywhere=1', { origin: 'https://evil.example' }));
    expect(response.status).toBe(403);
    expect(store.entries()).toEqual({});
  });

  it('a store that cannot be written: 503 revocation_unavailable, and the cookies are NOT cleared (nothing was revoked)', async () => {
    const { store, svc } = setup();
    const cookie = await sessionCookie(svc);
    store.failing = true;
    const response = await svc.handle(signOutEverywhere(cookie));
    expect([response.status, JSON.parse(response.body).error]).toEqual([503, 'revocation_unavailable']);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.cookies).toEqual([]);
  });

  it('without revocation configured: 503, nothing pretends to have signed out everywhere', async () => {
    const svc = service(loginConfig(), () => NOW, localEntryStore(new LocalKeyValueStore()));
    const cookie = `__Host-tenant=${cookiesOf(await login(svc))['__Host-tenant']!.value}`;
    const response = await svc.handle(signOutEverywhere(cookie));
    expect([response.status, JSON.parse(response.body).error]).toEqual([503, 'revocation_unavailable']);
    // Plain logout is unchanged, and says nothing was revoked.
    const logout = await svc.handle(signOutEverywhere(cookie, ''));
    expect([logout.status, logout.headers['x-revoked-before']]).toEqual([204, undefined]);
  });
});

describe('GET /auth/revocation (for Lambda@Edge)', () => {
  const ask = (token: string | undefined) =>
    request({
      method: 'GET',
      path: '/auth/revocation',
      cookies: token === undefined ? [] : [`__Host-tenant=${token}`],
    });

  it.each([
    ['no entry', {}, mint(), 0],
    ['the tenant epoch', { 'tenant:acme': '{"notBefore":17}' }, mint(), 17],
    [
      'the later of tenant and user',
      { 'tenant:acme': '{"notBefore":17,"users":true}', 'user:acme:alice': '99' },
      mint(),
      99,
    ],
    [
      'a link token is judged alike',
      { 'tenant:acme': '{"users":true}', 'user:acme:alice': '99' },
      mintLink('/files/x'),
      99,
    ],
    ['another user is not', { 'tenant:acme': '{"users":true}', 'user:acme:bob': '99' }, mint(), 0],
    [
      'per-user entries and no sub: every credential',
      { 'tenant:acme': '{"users":true}' },
      mint({ claims: { sub: undefined } }),
      MAX_SAFE_EPOCH,
    ],
  ])('%s', async (_name, entries, token, notBefore) => {
    const { svc } = setup(entries);
    const response = await svc.handle(ask(token));
    expect([response.status, JSON.parse(response.body)]).toEqual([200, { notBefore }]);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['no credential', undefined, 401],
    ['an expired credential', mint({ claims: { iat: NOW - 1000, exp: NOW - 100 } }), 401],
  ])('refuses %s (%i): only a holder of a valid credential learns its epoch', async (_name, token, status) => {
    const { svc } = setup({ 'tenant:acme': '{"notBefore":17}' });
    expect((await svc.handle(ask(token))).status).toBe(status);
  });

  it.each([
    ['the store down', { failing: true }, {}],
    ['a malformed tenant entry', {}, { 'tenant:acme': '{"notBefore":"x"}' }],
    ['a malformed user entry', {}, { 'tenant:acme': '{"users":true}', 'user:acme:alice': 'soon' }],
  ])('answers 503 with %s: Lambda@Edge then refuses (fail closed)', async (_name, state, entries) => {
    const { store, svc } = setup(entries);
    Object.assign(store, state);
    const response = await svc.handle(ask(mint()));
    expect([response.status, JSON.parse(response.body).error]).toEqual([503, 'revocation_unavailable']);
  });

  it('only GET', async () => {
    const { svc } = setup();
    expect((await svc.handle(request({ method: 'POST', path: '/auth/revocation' }))).status).toBe(405);
  });
});
