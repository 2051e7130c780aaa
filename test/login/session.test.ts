/**
 * POST / GET / DELETE /auth/session: the tenant cookie and the CloudFront signed cookies, each checked the way
 * its judge checks it — the tenant token by the gate's own core, the CloudFront cookies by an independent
 * implementation of CloudFront's signed-cookie check.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodeCloudFrontBase64 } from '../../lib/cloudfront-signature/index';
import { RETRY_AFTER_SECONDS } from '../../login/limits';
import { coreFor } from '../helpers/core';
import {
  cloudfrontJudges,
  codeOf,
  cookiesOf,
  IDENTITY_HEADER,
  identityHeaders,
  identityToken,
  jarFor,
  LOGIN_CONFIG,
  login,
  loginConfig,
  NOW,
  request,
  service,
  viewerAddress,
} from './helpers';

const H = 'https://cdn.example.com';
const core = coreFor(LOGIN_CONFIG);
const policyOf = (value: string) => JSON.parse(Buffer.from(decodeCloudFrontBase64(value)!).toString('utf8'));

function gateDecides(token: string, uri: string, at: number) {
  return core.gate.decide(
    { method: 'GET', uri, tokenCookies: [token], linkTokens: [], viewerIp: '198.51.100.7', header: () => undefined },
    core.keys,
    at,
  );
}

describe('POST /auth/session', () => {
  it('answers 204 with a __Host- tenant cookie: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain', async () => {
    const response = await login(service());
    expect(response.status).toBe(204);
    expect(response.body).toBe('');
    expect(response.headers['cache-control']).toBe('no-store');
    const tenant = cookiesOf(response)['__Host-tenant']!;
    expect(tenant.attributes).toEqual({ Path: '/', 'Max-Age': '900', Secure: true, HttpOnly: true, SameSite: 'Lax' });
    expect(tenant.raw).not.toMatch(/domain/i);
  });

  it("mints exactly the session token the edge gate accepts, for the identity's tenant", async () => {
    const token = cookiesOf(await login(service()))['__Host-tenant']!.value;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'tenant+jwt', kid: 'hs-2026-11' });
    expect(decodeJwt(token)).toEqual({
      iss: 'https://login.example.com',
      aud: 'tenant-gate',
      sub: 'alice',
      tid: 'acme',
      iat: NOW,
      exp: NOW + 900,
    });
    const decision = gateDecides(token, '/files/report.pdf', NOW + 10);
    expect(decision.action === 'forward' ? decision.uri : decision).toBe('/tenants/acme/files/report.pdf');
    // And it stops where its cookie stops.
    expect(gateDecides(token, '/files/report.pdf', NOW + 900 + LOGIN_CONFIG.clockToleranceSeconds).action).toBe(
      'respond',
    );
  });

  it('never outlives the identity token', async () => {
    const svc = service();
    const response = await svc.handle(
      request({
        method: 'POST',
        headers: { ...identityHeaders(await identityToken({ claims: { exp: NOW + 120 } })) },
      }),
    );
    const tenant = cookiesOf(response)['__Host-tenant']!;
    expect(decodeJwt(tenant.value).exp).toBe(NOW + 120);
    expect(tenant.attributes['Max-Age']).toBe('120');
    const policy = policyOf(cookiesOf(response)['CloudFront-Policy']!.value);
    expect(policy.Statement[0].Condition.DateLessThan['AWS:EpochTime']).toBe(NOW + 120);
  });

  it('sets CloudFront signed cookies from an explicit custom policy scoped to the protected prefix', async () => {
    const response = await login(service());
    const cookies = cookiesOf(response);
    expect(Object.keys(cookies).sort()).toEqual([
      'CloudFront-Hash-Algorithm',
      'CloudFront-Key-Pair-Id',
      'CloudFront-Policy',
      'CloudFront-Signature',
      '__Host-tenant',
    ]);
    for (const name of [
      'CloudFront-Policy',
      'CloudFront-Signature',
      'CloudFront-Key-Pair-Id',
      'CloudFront-Hash-Algorithm',
    ]) {
      expect(cookies[name]!.attributes).toEqual({
        Path: '/files/',
        'Max-Age': '900',
        Secure: true,
        HttpOnly: true,
        SameSite: 'Lax',
      });
    }
    expect(cookies['CloudFront-Hash-Algorithm']!.value).toBe('SHA256');
    const policy = policyOf(cookies['CloudFront-Policy']!.value);
    expect(policy).toEqual({
      Statement: [
        {
          Resource: `${H}/files/*`,
          Condition: { DateLessThan: { 'AWS:EpochTime': decodeJwt(cookies['__Host-tenant']!.value).exp } },
        },
      ],
    });
  });

  it.each([
    ['a file under the prefix', `${H}/files/report.pdf`, NOW + 1, 'ok'],
    ['a nested file', `${H}/files/a/b/film.mp4`, NOW + 899, 'ok'],
    ['a file with a query', `${H}/files/report.pdf?v=2`, NOW + 1, 'ok'],
    ['a sibling prefix sharing the name', `${H}/files-archive/report.pdf`, NOW + 1, 'resource_mismatch'],
    ['the prefix without its slash', `${H}/files`, NOW + 1, 'resource_mismatch'],
    ['another path', `${H}/auth/session`, NOW + 1, 'resource_mismatch'],
    ['another host', 'https://other.example.com/files/report.pdf', NOW + 1, 'resource_mismatch'],
    ['plain http', 'http://cdn.example.com/files/report.pdf', NOW + 1, 'resource_mismatch'],
    ['at the session expiry', `${H}/files/report.pdf`, NOW + 900, 'expired'],
  ])('CloudFront judges the cookies for %s', async (_name, url, at, expected) => {
    const response = await login(service());
    expect(codeOf(cloudfrontJudges(url, at, '203.0.113.9', jarFor(response, '/files/report.pdf')))).toBe(expected);
  });

  it('signs with SHA-1 and sends no Hash-Algorithm cookie when configured so', async () => {
    const config = loginConfig({ cloudfront: { ...LOGIN_CONFIG.login.cloudfront, hashAlgorithm: 'SHA1' } });
    const response = await login(service(config));
    const jar = jarFor(response, '/files/x');
    expect(jar['CloudFront-Hash-Algorithm']).toBeUndefined();
    const result = cloudfrontJudges(`${H}/files/x`, NOW + 1, '203.0.113.9', jar);
    expect(result.ok && result.hashAlgorithm).toBe('SHA1');
  });

  it('sets no CloudFront cookie when CloudFront signing is not configured', async () => {
    const config = loginConfig({ cloudfront: null, secrets: { signingKey: LOGIN_CONFIG.login.secrets.signingKey } });
    expect(Object.keys(cookiesOf(await login(service(config))))).toEqual(['__Host-tenant']);
  });

  describe('IP binding (CloudFront cookies; IPv4 /32 only)', () => {
    it('binds the cookies to the viewer address CloudFront reports', async () => {
      const response = await login(service(), { headers: viewerAddress('192.0.2.10'), body: '{"bindIp":true}' });
      expect(response.status).toBe(204);
      const jar = jarFor(response, '/files/x');
      const policy = policyOf(jar['CloudFront-Policy']!);
      expect(policy.Statement[0].Condition.IpAddress).toEqual({ 'AWS:SourceIp': '192.0.2.10/32' });
      expect(codeOf(cloudfrontJudges(`${H}/files/x`, NOW + 1, '192.0.2.10', jar))).toBe('ok');
      expect(codeOf(cloudfrontJudges(`${H}/files/x`, NOW + 1, '192.0.2.11', jar))).toBe('ip_mismatch');
      expect(codeOf(cloudfrontJudges(`${H}/files/x`, NOW + 1, '2001:db8::1', jar))).toBe('ip_mismatch');
    });

    it('never trusts the TCP peer when configured for CloudFront (it is an edge server)', async () => {
      const response = await login(service(), { body: '{"bindIp":true}' });
      expect([response.status, JSON.parse(response.body)]).toEqual([400, { error: 'ip_binding_unavailable' }]);
    });

    it('refuses an IPv6 caller with a clear error', async () => {
      const svc = service();
      const response = await login(svc, { headers: viewerAddress('2001:db8::7'), body: '{"bindIp":true}' });
      expect([response.status, JSON.parse(response.body)]).toEqual([400, { error: 'ip_binding_unavailable' }]);
      expect(svc.logs.at(-1)?.reason).toMatch(/IPv6/);
    });

    it('binds every session under bindIp: always, and refuses IPv6 there', async () => {
      const svc = service(loginConfig({ bindIp: 'always' }));
      const bound = await login(svc, { headers: viewerAddress('192.0.2.10') });
      expect(codeOf(cloudfrontJudges(`${H}/files/x`, NOW + 1, '192.0.2.99', jarFor(bound, '/files/x')))).toBe(
        'ip_mismatch',
      );
      const v6 = await login(svc, { headers: viewerAddress('2001:db8::7') });
      expect(JSON.parse(v6.body)).toEqual({ error: 'ip_binding_required' });
    });

    it('reads the TCP peer under viewerIpSource: sourceIp (direct calls, local emulator)', async () => {
      const svc = service(loginConfig({ viewerIpSource: 'sourceIp' }));
      const response = await login(svc, { body: '{"bindIp":true}' });
      expect(codeOf(cloudfrontJudges(`${H}/files/x`, NOW + 1, '198.51.100.7', jarFor(response, '/files/x')))).toBe(
        'ok',
      );
    });

    it('refuses binding when the configuration says never', async () => {
      const response = await login(service(loginConfig({ bindIp: 'never' })), { body: '{"bindIp":true}' });
      expect(JSON.parse(response.body)).toEqual({ error: 'ip_binding_unavailable' });
    });
  });

  describe('refusals', () => {
    const bearer = async (options?: Parameters<typeof identityToken>[0]) =>
      identityHeaders(await identityToken(options));
    it.each<[string, () => Promise<Record<string, string>>, string | undefined, number, string]>([
      ['no identity header', async () => ({}), undefined, 401, 'missing_identity'],
      [
        'not a Bearer token',
        async () => ({ [IDENTITY_HEADER]: 'Basic YWxpY2U6cHc=' }),
        undefined,
        401,
        'missing_identity',
      ],
      [
        'an expired identity',
        async () => ({ ...(await bearer({ claims: { exp: NOW - 60, iat: NOW - 3600 } })) }),
        undefined,
        401,
        'invalid_identity',
      ],
      [
        'another audience',
        async () => ({ ...(await bearer({ claims: { aud: 'other-app' } })) }),
        undefined,
        401,
        'invalid_identity',
      ],
      [
        'another issuer',
        async () => ({ ...(await bearer({ claims: { iss: 'https://evil.example' } })) }),
        undefined,
        401,
        'invalid_identity',
      ],
      [
        'no tenant claim',
        async () => ({ ...(await bearer({ without: ['custom:tenant_id'] })) }),
        undefined,
        403,
        'tenant_invalid',
      ],
      [
        'a tenant the gate would refuse',
        async () => ({ ...(await bearer({ claims: { 'custom:tenant_id': '../globex' } })) }),
        undefined,
        403,
        'tenant_invalid',
      ],
      [
        'a body that is not JSON',
        async () => ({ ...(await bearer()), 'content-type': 'application/json' }),
        '{',
        400,
        'malformed_request',
      ],
      [
        'a body of another type',
        async () => ({ ...(await bearer()), 'content-type': 'text/plain' }),
        '{}',
        415,
        'unsupported_media_type',
      ],
      [
        'an unknown body member',
        async () => ({ ...(await bearer()), 'content-type': 'application/json' }),
        '{"tenant":"globex"}',
        400,
        'malformed_request',
      ],
      [
        'a foreign Origin (CSRF)',
        async () => ({ ...(await bearer()), origin: 'https://evil.example' }),
        undefined,
        403,
        'origin_not_allowed',
      ],
    ])('%s → %s %s', async (_name, headers, body, status, code) => {
      const response = await service().handle(
        request({ method: 'POST', headers: await headers(), ...(body === undefined ? {} : { body }) }),
      );
      expect({ status: response.status, body: JSON.parse(response.body), cookies: response.cookies }).toEqual({
        status,
        body: { error: code },
        cookies: [],
      });
    });

    it('logs the reason, never the token', async () => {
      const svc = service();
      const token = await identityToken({ claims: { aud: 'other-app' } });
      await svc.handle(request({ method: 'POST', headers: { ...identityHeaders(token) } }));
      expect(svc.logs).toEqual([
        {
          login: 'refused',
          route: 'POST /auth/session',
          status: 401,
          code: 'invalid_identity',
          reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
        },
      ]);
      expect(JSON.stringify(svc.logs)).not.toContain(token.split('.')[2]);
    });

    it('answers 404 and 405 with codes', async () => {
      const svc = service();
      expect(JSON.parse((await svc.handle(request({ path: '/auth/other' }))).body)).toEqual({ error: 'not_found' });
      const put = await svc.handle(request({ method: 'PUT' }));
      expect([put.status, put.headers.allow]).toEqual([405, 'POST, GET, DELETE, OPTIONS']);
    });

    it('answers 503 secrets_unavailable with Retry-After (reason logged) when the keys cannot be read', async () => {
      const config = loginConfig({
        secrets: { ...LOGIN_CONFIG.login.secrets, signingKey: { file: 'test/fixtures/no-such-file' } },
      });
      const svc = service(config);
      const response = await login(svc);
      expect([response.status, JSON.parse(response.body), response.headers['retry-after']]).toEqual([
        503,
        { error: 'secrets_unavailable' },
        String(RETRY_AFTER_SECONDS),
      ]);
      expect(svc.logs.at(-1)?.reason).toBe('cannot read file test/fixtures/no-such-file: ENOENT');
    });

    it('answers 500 internal_error when a stored key is malformed, and logs nothing of it', async () => {
      const config = loginConfig({
        secrets: {
          ...LOGIN_CONFIG.login.secrets,
          cloudfrontPrivateKey: { file: 'test/fixtures/login-signing-key.txt' },
        },
      });
      const svc = service(config);
      const response = await login(svc);
      expect([response.status, JSON.parse(response.body)]).toEqual([500, { error: 'internal_error' }]);
      expect(svc.logs.at(-1)?.reason).toBe(
        'file test/fixtures/login-signing-key.txt: the CloudFront private key is not a private PEM',
      );
    });
  });
});

describe('the identity header behind origin access control', () => {
  const config = loginConfig({ identity: { ...LOGIN_CONFIG.login.identity, tokenHeader: 'x-identity-token' } });
  // What CloudFront puts in Authorization when it signs the origin request (SigV4), never an identity.
  const sigv4 = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/lambda/aws4_request, Signature=abc';

  it.each<[string, (token: string) => Record<string, string>, number]>([
    [
      'the bare token in x-identity-token, beside CloudFront’s signature',
      (t) => ({ 'x-identity-token': t, authorization: sigv4 }),
      204,
    ],
    ['Bearer in x-identity-token', (t) => ({ 'x-identity-token': `Bearer ${t}` }), 204],
    [
      'the token in Authorization only (overwritten behind the access control)',
      (t) => ({ authorization: `Bearer ${t}` }),
      401,
    ],
    ['a token with a space in it', (t) => ({ 'x-identity-token': `${t} x` }), 401],
  ])('%s → %i', async (_name, headers, status) => {
    const response = await service(config).handle(request({ method: 'POST', headers: headers(await identityToken()) }));
    expect(response.status).toBe(status);
  });
});

describe('GET /auth/session', () => {
  it('reports the tenant, the user and the expiry of a valid session, and no credential', async () => {
    const svc = service();
    const token = cookiesOf(await login(svc))['__Host-tenant']!.value;
    const response = await svc.handle(request({ cookies: [`__Host-tenant=${token}`] }));
    expect([response.status, JSON.parse(response.body)]).toEqual([
      200,
      { tenant: 'acme', sub: 'alice', expires: NOW + 900 },
    ]);
  });

  it.each([
    ['no cookie', [], 'missing_session'],
    ['an empty cookie', ['__Host-tenant='], 'missing_session'],
    ['a forged cookie', ['__Host-tenant=eyJhbGciOiJIUzI1NiJ9.e30.AAAA'], 'invalid_session'],
    ['two cookies of the name (cookie tossing)', ['__Host-tenant=a.b.c', '__Host-tenant=d.e.f'], 'invalid_session'],
  ])('answers 401 for %s', async (_name, cookies, code) => {
    const response = await service().handle(request({ cookies }));
    expect([response.status, JSON.parse(response.body), response.headers['www-authenticate']]).toEqual([
      401,
      { error: code },
      'Bearer realm="tenant-gate"',
    ]);
  });

  it('answers 401 once the session has expired', async () => {
    let now = NOW;
    const svc = service(LOGIN_CONFIG, () => now);
    const token = cookiesOf(await login(svc))['__Host-tenant']!.value;
    now = NOW + 900 + LOGIN_CONFIG.clockToleranceSeconds;
    expect(JSON.parse((await svc.handle(request({ cookies: [`__Host-tenant=${token}`] }))).body)).toEqual({
      error: 'invalid_session',
    });
  });
});

describe('DELETE /auth/session', () => {
  it('expires every cookie the login sets, with the same name and path', async () => {
    const svc = service();
    const set = cookiesOf(await login(svc));
    const response = await svc.handle(request({ method: 'DELETE' }));
    expect(response.status).toBe(204);
    const cleared = cookiesOf(response);
    for (const [name, cookie] of Object.entries(set)) {
      expect(cleared[name]?.attributes.Path).toBe(cookie.attributes.Path);
      expect(cleared[name]?.attributes['Max-Age']).toBe('0');
      expect(cleared[name]?.value).toBe('');
    }
    expect(cleared['CloudFront-Expires']?.attributes['Max-Age']).toBe('0');
  });
});

describe('CORS for the app origin', () => {
  const config = loginConfig({}, { corsOrigins: ['https://app.example.com'] });

  it('answers an allowed preflight with credentials and the identity header', async () => {
    const response = await service(config).handle(
      request({
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
      }),
    );
    expect(response.status).toBe(204);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST, GET, DELETE',
      'access-control-allow-headers': `content-type, ${IDENTITY_HEADER}, x-amz-content-sha256`,
    });
  });

  it('refuses a preflight from another origin', async () => {
    const response = await service(config).handle(
      request({
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      }),
    );
    expect([response.status, response.headers['access-control-allow-origin']]).toEqual([403, undefined]);
  });

  it('lets the app log in cross-origin', async () => {
    const response = await login(service(config), { headers: { origin: 'https://app.example.com' } });
    expect([response.status, response.headers['access-control-allow-origin']]).toEqual([
      204,
      'https://app.example.com',
    ]);
  });
});
