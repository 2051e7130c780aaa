/**
 * The login on a multi-tenant distribution (issue 16, item 4): CloudFront puts the login origin's OriginPath,
 * `/{{tenant}}/{{domain}}` filled with the called distribution tenant's parameters, before the viewer's path. The
 * login routes the rest, signs in only the domain's own tenant, and makes every cookie, signed-cookie policy and link
 * for that domain. Without `distributionTenant` nothing changes.
 */
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodeCloudFrontBase64 } from '../../lib/cloudfront-signature/index';
import { GRANT_OVERRIDES } from '../cases/grant-cases';
import { LOGIN_ERROR_STATUS } from '../../login/errors';
import { sitePath } from '../../login/site';
import { signInHeaders } from '../../login/sign-in-headers';
import {
  cloudfrontJudges,
  codeOf,
  cookiesOf,
  IDENTITY_HEADER,
  identityToken,
  jarFor,
  loginConfig,
  NOW,
  request,
  service,
} from './helpers';

const MULTI = loginConfig({}, { distributionTenant: { parameter: 'tenant' } });
const ACME = '/acme/files.acme.com';
const policyOf = (value: string) => JSON.parse(Buffer.from(decodeCloudFrontBase64(value)!).toString('utf8'));

async function signIn(
  svc: ReturnType<typeof service>,
  path: string,
  options: { tenant?: string; headers?: Record<string, string> } = {},
) {
  const token = await identityToken({ claims: { 'custom:tenant_id': options.tenant ?? 'acme' } });
  return svc.handle(
    request({ method: 'POST', path, headers: { ...signInHeaders(token, '', IDENTITY_HEADER), ...options.headers } }),
  );
}

async function sessionCookie(svc: ReturnType<typeof service>, prefix = ACME, tenant = 'acme'): Promise<string> {
  const response = await signIn(svc, `${prefix}/auth/session`, { tenant });
  expect(response.status).toBe(204);
  return `__Host-tenant=${cookiesOf(response)['__Host-tenant']!.value}`;
}

describe('the origin path CloudFront puts first (login/site.ts)', () => {
  it.each([
    ['/acme/files.acme.com/auth/session', { tenant: 'acme', domain: 'files.acme.com' }, '/auth/session'],
    ['/globex/globex.localhost/auth/links', { tenant: 'globex', domain: 'globex.localhost' }, '/auth/links'],
    ['/acme/files.acme.com/anything/else', { tenant: 'acme', domain: 'files.acme.com' }, '/anything/else'],
  ])('%s → site %o, routed as %s', (path, site, rest) => {
    expect(sitePath(MULTI, path)).toEqual({ site, path: rest });
  });

  it.each([
    ['/auth/session', 'no tenant or domain segment (the OriginPath is missing)'],
    ['/acme/auth', 'one segment too few'],
    ['/acme/files.acme.com', 'no viewer path after the site'],
    ['//files.acme.com/auth/session', 'an empty tenant (a parameter without a value)'],
    ['/Acme/files.acme.com/auth/session', 'a tenant outside tenantPattern'],
    ['/acme%2F../files.acme.com/auth/session', 'a tenant that is no safe segment'],
    ['/{{tenant}}/{{domain}}/auth/session', 'placeholders CloudFront did not fill'],
    ['/acme/FILES.acme.com/auth/session', 'an upper-case domain'],
    ['/acme/files.acme.com:443/auth/session', 'a domain with a port'],
    ['/acme/-bad.example/auth/session', 'a domain that is no host name'],
  ])('%s is refused, 404 site_unknown: %s', async (path) => {
    const response = await service(MULTI).handle(request({ method: 'GET', path }));
    expect([response.status, JSON.parse(response.body)]).toEqual([404, { error: 'site_unknown' }]);
  });

  it('property: a valid tenant and domain before any path are read back exactly, the rest routed as it came', () => {
    const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
    fc.assert(
      fc.property(
        label,
        fc.array(label, { minLength: 1, maxLength: 4 }),
        fc.string({ maxLength: 40, unit: 'binary' }),
        (tenant, labels, rest) => {
          const domain = labels.join('.');
          const path = `/${rest}`;
          expect(sitePath(MULTI, `/${tenant}/${domain}${path}`)).toEqual({ site: { tenant, domain }, path });
        },
      ),
    );
  });

  it('property: a path that does not start with two non-empty segments and a slash is never a site', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (path) => {
        fc.pre(!/^\/[^/]+\/[^/]+\//.test(path));
        expect(() => sitePath(MULTI, path)).toThrow(/site_unknown/);
      }),
    );
  });

  it('on a standard distribution the path is routed as it comes (a site prefix is then just an unknown route)', async () => {
    const standard = loginConfig();
    expect(sitePath(standard, '/auth/session')).toEqual({ site: undefined, path: '/auth/session' });
    const response = await service(standard).handle(request({ method: 'GET', path: `${ACME}/auth/session` }));
    expect(JSON.parse(response.body)).toEqual({ error: 'not_found' });
  });

  it('the codes are stable: site_unknown 404, tenant_domain_mismatch 403 (the gate’s code for the same rule)', () => {
    expect(LOGIN_ERROR_STATUS.site_unknown).toBe(404);
    expect(LOGIN_ERROR_STATUS.tenant_domain_mismatch).toBe(403);
  });

  it('a method refusal behind the site prefix still names the route’s methods in Allow', async () => {
    const response = await service(MULTI).handle(request({ method: 'PUT', path: `${ACME}/auth/session` }));
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST, GET, DELETE, OPTIONS');
  });
});

describe('POST /auth/session on a distribution tenant’s domain', () => {
  it("signs in the domain's own tenant: host-only __Host- cookie, CloudFront cookies for that domain", async () => {
    const response = await signIn(service(MULTI), `${ACME}/auth/session`);
    expect(response.status).toBe(204);
    const cookies = cookiesOf(response);
    const tenant = cookies['__Host-tenant']!;
    // Host-only: no Domain, so the browser keeps it for files.acme.com alone (RFC 6265bis __Host- prefix).
    expect(tenant.raw).not.toMatch(/domain=/i);
    expect(tenant.attributes).toMatchObject({ Path: '/', Secure: true });
    expect(decodeJwt(tenant.value).tid).toBe('acme');
    const policy = policyOf(cookies['CloudFront-Policy']!.value);
    expect(policy.Statement[0].Resource).toBe('https://files.acme.com/files/*');
  });

  it("CloudFront honours the cookies on the tenant's domain only", async () => {
    const response = await signIn(service(MULTI), `${ACME}/auth/session`);
    const jar = jarFor(response, '/files/');
    expect(codeOf(cloudfrontJudges('https://files.acme.com/files/acme/a.pdf', NOW + 1, '198.51.100.7', jar))).toBe(
      'ok',
    );
    for (const host of ['globex.example.com', 'cdn.example.com'])
      expect(codeOf(cloudfrontJudges(`https://${host}/files/a.pdf`, NOW + 1, '198.51.100.7', jar))).not.toBe('ok');
  });

  it('refuses an identity of another tenant on this domain: 403 tenant_domain_mismatch, no cookie', async () => {
    const svc = service(MULTI);
    const response = await signIn(svc, `${ACME}/auth/session`, { tenant: 'globex' });
    expect([response.status, JSON.parse(response.body)]).toEqual([403, { error: 'tenant_domain_mismatch' }]);
    expect(response.cookies).toEqual([]);
    expect(svc.logs.at(-1)).toMatchObject({ login: 'refused', code: 'tenant_domain_mismatch' });
  });

  it.each([
    ['https://files.acme.com', 204],
    ['https://globex.example.com', 403],
    ['https://cdn.example.com', 403],
    ['http://files.acme.com', 403],
  ])('a browser sign-in from Origin %s → %i (the domain itself is the own origin)', async (origin, status) => {
    const response = await signIn(service(MULTI), `${ACME}/auth/session`, { headers: { origin } });
    expect(response.status).toBe(status);
    if (status === 403) expect(JSON.parse(response.body)).toEqual({ error: 'origin_not_allowed' });
  });

  it('on a standard distribution the own origin is still https://<domain>', async () => {
    const standard = service(loginConfig());
    expect((await signIn(standard, '/auth/session', { headers: { origin: 'https://cdn.example.com' } })).status).toBe(
      204,
    );
    const foreign = await signIn(standard, '/auth/session', { headers: { origin: 'https://files.acme.com' } });
    expect(foreign.status).toBe(403);
  });
});

describe('sessions and links on a distribution tenant’s domain', () => {
  it("GET /auth/session answers the domain's own tenant and refuses another's session (403)", async () => {
    const svc = service(MULTI);
    const acme = await sessionCookie(svc);
    const own = await svc.handle(request({ method: 'GET', path: `${ACME}/auth/session`, cookies: [acme] }));
    expect(own.status).toBe(200);
    const other = await svc.handle(
      request({ method: 'GET', path: '/globex/globex.example.com/auth/session', cookies: [acme] }),
    );
    expect([other.status, JSON.parse(other.body)]).toEqual([403, { error: 'tenant_domain_mismatch' }]);
  });

  it('POST /auth/links makes links on the domain, and refuses a session of another tenant', async () => {
    const svc = service(MULTI);
    const acme = await sessionCookie(svc);
    const ask = (path: string) =>
      svc.handle(
        request({
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json' },
          cookies: [acme],
          body: JSON.stringify({ paths: ['/files/acme/a.pdf'], expiresIn: 600 }),
        }),
      );
    const made = await ask(`${ACME}/auth/links`);
    expect(made.status).toBe(200);
    const { links } = JSON.parse(made.body) as { links: { url: string }[] };
    expect(links[0]!.url.startsWith('https://files.acme.com/files/acme/a.pdf?')).toBe(true);
    const refused = await ask('/globex/globex.example.com/auth/links');
    expect([refused.status, JSON.parse(refused.body)]).toEqual([403, { error: 'tenant_domain_mismatch' }]);
  });

  it('POST /auth/grants grants on the domain, and refuses a session of another tenant', async () => {
    const svc = service(loginConfig({}, { ...GRANT_OVERRIDES, distributionTenant: { parameter: 'tenant' } }));
    const acme = await sessionCookie(svc);
    const ask = (path: string) =>
      svc.handle(
        request({
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json' },
          cookies: [acme],
          body: JSON.stringify({ dir: '/files/films/nosferatu/', expiresIn: 600 }),
        }),
      );
    const made = await ask(`${ACME}/auth/grants`);
    expect(made.status).toBe(200);
    const { grant } = JSON.parse(made.body) as { grant: { url: string } };
    expect(grant.url.startsWith('https://files.acme.com/')).toBe(true);
    const refused = await ask('/globex/globex.example.com/auth/grants');
    expect([refused.status, JSON.parse(refused.body)]).toEqual([403, { error: 'tenant_domain_mismatch' }]);
  });

  it("DELETE /auth/session?everywhere=1 refuses another tenant's session on this domain (403)", async () => {
    const svc = service(MULTI);
    const acme = await sessionCookie(svc);
    const refused = await svc.handle(
      request({
        method: 'DELETE',
        path: '/globex/globex.example.com/auth/session',
        query: 'everywhere=1',
        cookies: [acme],
      }),
    );
    expect([refused.status, JSON.parse(refused.body)]).toEqual([403, { error: 'tenant_domain_mismatch' }]);
  });

  it('DELETE /auth/session expires the cookies on the domain, from its own origin only', async () => {
    const svc = service(MULTI);
    const ok = await svc.handle(
      request({ method: 'DELETE', path: `${ACME}/auth/session`, headers: { origin: 'https://files.acme.com' } }),
    );
    expect(ok.status).toBe(204);
    const foreign = await svc.handle(
      request({ method: 'DELETE', path: `${ACME}/auth/session`, headers: { origin: 'https://globex.example.com' } }),
    );
    expect(foreign.status).toBe(403);
  });
});
