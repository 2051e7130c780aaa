/**
 * POST /auth/grants and `mintGrant` (login/grants.ts): a grant minted by the login or a tenant's backend is one
 * the BUILT gate accepts inside its folder, from its address, until it expires — and refuses everywhere else.
 */
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GRANT_OVERRIDES } from '../cases/grant-cases';
import type { RequestCase } from '../cases/request-cases';
import { lambdaEdgeEvent, lambdaEdgeOutcome, loadLambdaEdge, type EdgeHandler } from '../helpers/lambda-edge';
import type { Outcome } from '../helpers/outcome';
import { built } from '../helpers/targets';
import { mintGrant } from '../../login/grants';
import { localSigningKey } from '../../login/local-keys';
import { cookiesOf, LOGIN_CONFIG, login, loginConfig, NOW, request, service, viewerAddress } from './helpers';

const H = 'https://cdn.example.com';
const CONFIG = loginConfig({}, GRANT_OVERRIDES);
const DIR = '/files/films/nosferatu/';
let edge: EdgeHandler;

beforeAll(async () => {
  edge = loadLambdaEdge(join(await built('grants'), 'viewer-request', 'index.js'));
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterAll(() => {
  vi.useRealTimers();
});

async function gate(url: string, at: number, ip: string): Promise<string> {
  vi.setSystemTime(at * 1000);
  const outcome: Outcome = lambdaEdgeOutcome(
    await edge(lambdaEdgeEvent({ name: url, uri: url.slice(H.length), ip } as RequestCase)),
  );
  return outcome.status === 'forward' ? `forward ${outcome.uri}` : `${outcome.status} ${outcome.code}`;
}

async function grants(
  body: unknown,
  options: { svc?: ReturnType<typeof service>; headers?: Record<string, string>; cookie?: string | null } = {},
) {
  const svc = options.svc ?? service(CONFIG);
  const cookie =
    options.cookie === undefined
      ? `__Host-tenant=${cookiesOf(await login(svc))['__Host-tenant']!.value}`
      : options.cookie;
  return svc.handle(
    request({
      method: 'POST',
      path: '/auth/grants',
      headers: { 'content-type': 'application/json', ...options.headers },
      cookies: cookie === null ? [] : [cookie],
      body: JSON.stringify(body),
    }),
  );
}

describe('POST /auth/grants', () => {
  it('answers the folder URL with a grant in its path, for the session tenant, 48 hours at most', async () => {
    const response = await grants({ dir: DIR, expiresIn: 172800 });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const { grant } = JSON.parse(response.body) as { grant: { dir: string; url: string; expires: number } };
    expect(grant.dir).toBe(DIR);
    expect(grant.expires).toBe(NOW + 172800);
    const match = /^https:\/\/cdn\.example\.com\/grants\/([\w-]+\.[\w-]+\.[\w-]+)\/films\/nosferatu\/$/.exec(grant.url);
    expect(match).not.toBeNull();
    const token = match![1]!;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'tenant-grant+jwt', kid: 'hs-2026-11' });
    expect(decodeJwt(token)).toEqual({
      iss: 'https://login.example.com',
      aud: 'tenant-gate',
      sub: 'alice',
      tid: 'acme',
      dir: DIR,
      iat: NOW,
      exp: NOW + 172800,
    });
    // The built gate: every file inside, nothing beside, nothing after expiry.
    expect(await gate(grant.url + 'master.m3u8', NOW + 1, '203.0.113.5')).toBe(
      'forward /tenants/acme/files/films/nosferatu/master.m3u8',
    );
    expect(await gate(grant.url + '720p/seg-2.ts', NOW + 172000, '203.0.113.5')).toBe(
      'forward /tenants/acme/files/films/nosferatu/720p/seg-2.ts',
    );
    expect(await gate(grant.url.replace('/nosferatu/', '/nosferatu2/') + 'x.ts', NOW + 1, '203.0.113.5')).toBe(
      '403 grant_path_mismatch',
    );
    const tolerance = LOGIN_CONFIG.clockToleranceSeconds;
    expect(await gate(grant.url + 'master.m3u8', NOW + 172800 + tolerance, '203.0.113.5')).toBe('401 invalid_token');
  });

  it('binds the grant to the caller address when asked', async () => {
    const response = await grants(
      { dir: DIR, expiresIn: 600, bindIp: true },
      { headers: viewerAddress('203.0.113.9') },
    );
    const { grant } = JSON.parse(response.body) as { grant: { url: string } };
    expect(await gate(grant.url + 'a.ts', NOW + 1, '203.0.113.9')).toMatch(/^forward /);
    expect(await gate(grant.url + 'a.ts', NOW + 1, '203.0.113.10')).toBe('403 grant_ip_mismatch');
  });

  describe('refusals', () => {
    it.each<[string, unknown, number, string]>([
      ['no dir', { expiresIn: 60 }, 400, 'malformed_request'],
      ['dir not a string', { dir: ['/files/a/'], expiresIn: 60 }, 400, 'malformed_request'],
      ['dir outside pathPrefix', { dir: '/tenants/globex/files/', expiresIn: 60 }, 400, 'path_not_allowed'],
      ['dir = pathPrefix (the whole tenant)', { dir: '/files/', expiresIn: 60 }, 400, 'path_not_allowed'],
      ['dir without its trailing /', { dir: '/files/films', expiresIn: 60 }, 400, 'invalid_path'],
      ['dir with a dot segment', { dir: '/files/films/../', expiresIn: 60 }, 400, 'invalid_path'],
      ['no expiresIn', { dir: DIR }, 400, 'invalid_expiry'],
      ['expiresIn over 48 h', { dir: DIR, expiresIn: 172801 }, 400, 'invalid_expiry'],
      ['expiresIn fractional', { dir: DIR, expiresIn: 1.5 }, 400, 'invalid_expiry'],
      ['bindIp not a boolean', { dir: DIR, expiresIn: 60, bindIp: 1 }, 400, 'malformed_request'],
      ['an unknown member', { dir: DIR, expiresIn: 60, paths: [] }, 400, 'malformed_request'],
      ['another tenant', { dir: DIR, expiresIn: 60, tenant: 'globex' }, 403, 'tenant_mismatch'],
      ['not an object', [DIR], 400, 'malformed_request'],
    ])('%s → %s %s', async (_name, body, status, code) => {
      const response = await grants(body);
      expect([response.status, JSON.parse(response.body).error]).toEqual([status, code]);
    });

    it('without a session: 401 missing_session', async () => {
      const response = await grants({ dir: DIR, expiresIn: 60 }, { cookie: null });
      expect([response.status, JSON.parse(response.body).error]).toEqual([401, 'missing_session']);
    });

    it('with a grant as the session cookie: 401 invalid_session', async () => {
      const backend = await mintGrant(CONFIG, await localSigningKey(CONFIG, { cwd: process.cwd() }), {
        tenant: 'acme',
        dir: DIR,
        expiresIn: 60,
        now: NOW,
      });
      const token = backend.url.split('/')[4]!;
      const response = await grants({ dir: DIR, expiresIn: 60 }, { cookie: `__Host-tenant=${token}` });
      expect([response.status, JSON.parse(response.body).error]).toEqual([401, 'invalid_session']);
    });

    it('from a foreign page: 403 origin_not_allowed', async () => {
      const response = await grants({ dir: DIR, expiresIn: 60 }, { headers: { origin: 'https://evil.example' } });
      expect([response.status, JSON.parse(response.body).error]).toEqual([403, 'origin_not_allowed']);
    });

    it('binding asked where the login never binds: 400 ip_binding_unavailable', async () => {
      const svc = service(loginConfig({ bindIp: 'never' }, GRANT_OVERRIDES));
      const response = await grants({ dir: DIR, expiresIn: 60, bindIp: true }, { svc });
      expect([response.status, JSON.parse(response.body).error]).toEqual([400, 'ip_binding_unavailable']);
    });

    it('without grants configured the route does not exist: 404 not_found', async () => {
      const response = await grants({ dir: DIR, expiresIn: 60 }, { svc: service() });
      expect([response.status, JSON.parse(response.body).error]).toEqual([404, 'not_found']);
    });

    it('GET: 405 with Allow', async () => {
      const response = await service(CONFIG).handle(request({ method: 'GET', path: '/auth/grants' }));
      expect([response.status, response.headers.allow]).toEqual([405, 'POST, OPTIONS']);
    });
  });
});

describe('mintGrant, for a tenant backend', () => {
  const key = () => localSigningKey(CONFIG, { cwd: process.cwd() });

  it('makes the URL the login makes, bound when given an address (any IPv6 spelling, written canonical)', async () => {
    const grant = await mintGrant(CONFIG, await key(), {
      tenant: 'globex',
      dir: '/files/films/m/',
      expiresIn: 3600,
      ip: '2001:DB8:0::7',
      now: NOW,
    });
    const token = grant.url.split('/')[4]!;
    expect(decodeJwt(token)).toMatchObject({
      tid: 'globex',
      dir: '/files/films/m/',
      cip: '2001:db8::7',
      sub: 'backend',
    });
    expect(await gate(grant.url + 'a.ts', NOW + 1, '2001:db8:0:0:0:0:0:7')).toBe(
      'forward /tenants/globex/files/films/m/a.ts',
    );
  });

  it.each([
    ['no grants configured', LOGIN_CONFIG, { dir: DIR, expiresIn: 60 }, 'not_found'],
    ['a folder outside pathPrefix', CONFIG, { dir: '/x/', expiresIn: 60 }, 'path_not_allowed'],
    ['a lifetime over the maximum', CONFIG, { dir: DIR, expiresIn: 172801 }, 'invalid_expiry'],
    ['an address that is none', CONFIG, { dir: DIR, expiresIn: 60, ip: '300.1.1.1' }, 'malformed_request'],
  ])('refuses %s', async (_name, config, options, code) => {
    await expect(mintGrant(config, await key(), { tenant: 'acme', now: NOW, ...options })).rejects.toMatchObject({
      code,
    });
  });
});
