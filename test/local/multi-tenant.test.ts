/**
 * `npm start -- --multi-tenant`: the demo as a multi-tenant distribution (CloudFront SaaS Manager) with two
 * distribution tenants, acme on acme.localhost and globex on globex.localhost, routed by Host header; the CloudFront
 * Function reads `cf.distributionTenant` as on CloudFront (issue 16). The login learns the distribution tenant from
 * its origin path (`/{{tenant}}/{{domain}}`, filled by the local distribution as CloudFront fills it), signs in only
 * the domain's own tenant and signs CloudFront cookies for that domain. A session of acme opens acme's files on
 * acme's domain and nothing on globex's.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startEmulator, type Emulator } from '../../local/emulator';
import { startOptions } from '../../local/start';
import { LOCAL_STAND_INS } from '../../local/attach-locally';

const CONFIG = join(ROOT, 'demo', 'multi-tenant.config.json');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request to the emulator with the given Host, as a browser on that host name sends it. */
function sendTo(
  emulator: Emulator,
  host: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body = '',
) {
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: emulator.port,
        method,
        path,
        headers: { host: `${host}:${emulator.port}`, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** An identity token of the dev identity provider for `sub` of `tenant`. */
async function identityOn(emulator: Emulator, host: string, sub: string, tenant: string): Promise<string> {
  const idp = await sendTo(
    emulator,
    host,
    'POST',
    '/dev/idp/token',
    { 'content-type': 'application/json' },
    JSON.stringify({ sub, tenant }),
  );
  return (JSON.parse(idp.body) as { id_token: string }).id_token;
}

/** A sign-in on `host` as the browser on that host sends it (its own Origin). */
async function signInAnswerOn(emulator: Emulator, host: string, idToken: string): Promise<Answer> {
  return sendTo(
    emulator,
    host,
    'POST',
    '/auth/session',
    {
      origin: `http://${host}:${emulator.port}`,
      'content-type': 'application/json',
      'x-amz-content-sha256': createHash('sha256').update('{}').digest('hex'),
      'x-identity-token': idToken,
    },
    '{}',
  );
}

/**
 * Signs in on `host` (dev identity provider, then the login function); returns the `Cookie` header the browser
 * sends there: the session cookie and CloudFront's signed cookies.
 */
async function signInOn(emulator: Emulator, host: string, sub: string, tenant: string): Promise<string> {
  const login = await signInAnswerOn(emulator, host, await identityOn(emulator, host, sub, tenant));
  expect(login.status).toBe(204);
  const set = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
  expect(set.some((c) => c.startsWith('__Host-tenant='))).toBe(true);
  expect(set.some((c) => c.startsWith('CloudFront-Policy='))).toBe(true);
  return set.map((c) => c.split(';')[0]!).join('; ');
}

describe('the multi-tenant demo distribution (CloudFront Function gate)', () => {
  let emulator: Emulator;
  const notes: string[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({
      configPath: CONFIG,
      port: 0,
      gate: 'cloudfront-function',
      log: false,
      note: (n) => notes.push(n),
    });
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
  });

  const send = (host: string, method: string, path: string, headers: Record<string, string> = {}, body = '') =>
    sendTo(emulator, host, method, path, headers, body);
  const identity = (host: string, sub: string, tenant: string) => identityOn(emulator, host, sub, tenant);
  const signInAnswer = (host: string, idToken: string) => signInAnswerOn(emulator, host, idToken);
  const signIn = (host: string, sub: string, tenant: string) => signInOn(emulator, host, sub, tenant);

  /** Only the session cookie of a `Cookie` header: what the gate judges once CloudFront has let a request by. */
  const sessionOnly = (cookie: string) =>
    cookie
      .split('; ')
      .filter((c) => c.startsWith('__Host-tenant='))
      .join('; ');

  it('attach declared the tenant parameter on the multi-tenant DistributionConfig', () => {
    expect(emulator.distributionConfig.ConnectionMode).toBe('tenant-only');
    expect(emulator.distributionConfig.TenantConfig?.ParameterDefinitions?.map((d) => d.Name)).toEqual([
      'tenant',
      'domain',
    ]);
    const login = emulator.distributionConfig.Origins?.Items?.find((o) => o.Id === LOCAL_STAND_INS.authOriginId);
    expect(login?.OriginPath).toBe('/{{tenant}}/{{domain}}');
    expect(emulator.attachChanges.some((c) => c.includes('ParameterDefinitions: added "tenant"'))).toBe(true);
    expect([...emulator.tenantDistributions.keys()]).toEqual(['acme.localhost', 'globex.localhost']);
  });

  it("acme, signed in on acme's domain, reads acme's files there", async () => {
    const cookie = await signIn('acme.localhost', 'alice', 'acme');
    const file = await send('acme.localhost', 'GET', '/files/roadmap.txt', { cookie });
    expect(file.status).toBe(200);
    expect(file.body.length).toBeGreaterThan(0);
  });

  it("acme's cookies are refused on globex's domain, even for a file both have", async () => {
    const cookie = await signIn('acme.localhost', 'alice', 'acme');
    for (const path of ['/files/welcome.txt', '/files/roadmap.txt', '/files/payroll.txt']) {
      // CloudFront first: the signed cookies' Resource names https://acme.localhost/files/*.
      const refused = await send('globex.localhost', 'GET', path, { cookie });
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('AccessDenied');
    }
  });

  it("bob of globex is refused at sign-in on acme's domain (403 tenant_domain_mismatch, no cookie)", async () => {
    const refused = await signInAnswer('acme.localhost', await identity('acme.localhost', 'bob', 'globex'));
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({ error: 'tenant_domain_mismatch' });
    expect(refused.headers['set-cookie']).toBeUndefined();
  });

  it("a sign-in from another tenant's page is refused (its Origin is not the domain's)", async () => {
    const token = await identity('acme.localhost', 'alice', 'acme');
    const refused = await send(
      'acme.localhost',
      'POST',
      '/auth/session',
      {
        origin: 'https://globex.localhost',
        'content-type': 'application/json',
        'x-amz-content-sha256': createHash('sha256').update('{}').digest('hex'),
        'x-identity-token': token,
      },
      '{}',
    );
    expect([refused.status, JSON.parse(refused.body)]).toEqual([403, { error: 'origin_not_allowed' }]);
  });

  it("acme's session cookie with globex's own CloudFront cookies is refused by the gate (tenant_domain_mismatch)", async () => {
    const acme = await signIn('acme.localhost', 'alice', 'acme');
    const globex = await signIn('globex.localhost', 'bob', 'globex');
    const mixed = [sessionOnly(acme), ...globex.split('; ').filter((c) => !c.startsWith('__Host-tenant='))].join('; ');
    const refused = await send('globex.localhost', 'GET', '/files/welcome.txt', { cookie: mixed });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({ error: 'tenant_domain_mismatch' });
  });

  it("globex, signed in on globex's domain, reads globex's files there and not on acme's", async () => {
    const cookie = await signIn('globex.localhost', 'bob', 'globex');
    expect((await send('globex.localhost', 'GET', '/files/payroll.txt', { cookie })).status).toBe(200);
    const refused = await send('acme.localhost', 'GET', '/files/welcome.txt', { cookie });
    expect(refused.status).toBe(403);
  });

  it('a host no distribution tenant has is not served (a multi-tenant distribution has no domain of its own)', async () => {
    const answer = await send('localhost', 'GET', '/files/welcome.txt');
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('NoSuchDistributionTenant');
  });

  it('refuses to start with the Lambda@Edge gate: its event does not name the distribution tenant', async () => {
    await expect(
      startEmulator({ configPath: CONFIG, port: 0, gate: 'lambda-edge', log: false, note: () => {} }),
    ).rejects.toThrow(/needs the CloudFront Function/);
  }, 60_000);
});

describe('npm start -- --multi-tenant', () => {
  it('serves the multi-tenant demo configuration with the CloudFront Function gate', () => {
    // docs/deploy.md, "Multi-tenant distributions": npm start -- --multi-tenant
    const options = startOptions(['--multi-tenant'], {}, ROOT);
    expect(options.configPath).toBe(CONFIG);
    expect(options.gate).toBe('cloudfront-function');
  });

  it('is the demo configuration: not combined with --config', () => {
    expect(() => startOptions(['--multi-tenant', '--config', 'x.json'], {}, ROOT)).toThrow(/not both/);
  });

  it('the default npm start stays the standard distribution with the Lambda@Edge gate', () => {
    const options = startOptions([], {}, ROOT);
    expect(options.configPath).not.toBe(CONFIG);
    expect(options.gate).toBe('lambda-edge');
  });
});

/**
 * `distributionTenant.originPath: "parameter"` end to end: the gate forwards the viewer uri unchanged and the files
 * origin's OriginPath `/tenants/{{tenant}}`, filled by the local distribution with the distribution tenant's
 * parameter, names the tenant's folder — the same objects the rewrite opens.
 */
describe('the multi-tenant demo with originPath "parameter"', () => {
  let emulator: Emulator;
  let work: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'tenant-gate-origin-path-'));
    const demo = join(ROOT, 'demo');
    const raw = JSON.parse(readFileSync(CONFIG, 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    raw.$schema = undefined;
    raw.distributionTenant = { ...raw.distributionTenant, originPath: 'parameter' };
    for (const secret of Object.values(raw.login.secrets) as { file: string }[])
      secret.file = resolve(demo, secret.file);
    raw.local.origins.spa.source = resolve(demo, raw.local.origins.spa.source);
    raw.local.origins.bucket.path = resolve(demo, raw.local.origins.bucket.path);
    for (const id of Object.keys(raw.local.keyGroup)) raw.local.keyGroup[id] = resolve(demo, raw.local.keyGroup[id]);
    const distribution = JSON.parse(readFileSync(resolve(demo, raw.local.distributionConfig), 'utf8')) as {
      Origins: { Items: { Id: string; OriginPath: string }[] };
    };
    distribution.Origins.Items.find((o) => o.Id === 'bucket')!.OriginPath = '/tenants/{{tenant}}';
    raw.local.distributionConfig = join(work, 'distribution.json');
    writeFileSync(raw.local.distributionConfig, JSON.stringify(distribution));
    delete raw.$schema;
    writeFileSync(join(work, 'config.json'), JSON.stringify(raw));
    emulator = await startEmulator({
      configPath: join(work, 'config.json'),
      port: 0,
      gate: 'cloudfront-function',
      log: false,
      note: () => {},
    });
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("each distribution tenant's files origin path names its own folder", async () => {
    const acme = emulator.tenantDistributions.get('acme.localhost')!;
    const globex = emulator.tenantDistributions.get('globex.localhost')!;
    expect(acme).toBeDefined();
    expect(globex).toBeDefined();
    const bucket = emulator.distributionConfig.Origins?.Items?.find((o) => o.Id === 'bucket');
    expect(bucket?.OriginPath).toBe('/tenants/{{tenant}}');
  });

  it("acme signed in on acme's domain reads acme's own file (welcome.txt is acme's, payroll.txt globex's)", async () => {
    const cookie = await signInOn(emulator, 'acme.localhost', 'alice', 'acme');
    const own = await sendTo(emulator, 'acme.localhost', 'GET', '/files/welcome.txt', { cookie });
    expect(own.status).toBe(200);
    expect(own.body).toBe(readFileSync(join(ROOT, 'demo/bucket/tenants/acme/files/welcome.txt'), 'utf8'));
    const notHers = await sendTo(emulator, 'acme.localhost', 'GET', '/files/payroll.txt', { cookie });
    expect(notHers.status).toBe(404);
  });
});
