/**
 * `npm start -- --multi-tenant`: the demo as a multi-tenant distribution (CloudFront SaaS Manager) with two
 * distribution tenants, acme on acme.localhost and globex on globex.localhost, routed by Host header; the CloudFront
 * Function reads `cf.distributionTenant` as on CloudFront (issue 16). A session of acme opens acme's files on acme's
 * domain and nothing on globex's.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startEmulator, type Emulator } from '../../local/emulator';
import { startOptions } from '../../local/start';

const CONFIG = join(ROOT, 'demo', 'multi-tenant.config.json');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
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

  /** One request to the emulator with the given Host, as a browser on that host name sends it. */
  function send(host: string, method: string, path: string, headers: Record<string, string> = {}, body = '') {
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

  /** Signs in on `host` (dev identity provider, then the login function); returns the session cookie. */
  async function signIn(host: string, sub: string, tenant: string): Promise<string> {
    const idp = await send(
      host,
      'POST',
      '/dev/idp/token',
      { 'content-type': 'application/json' },
      JSON.stringify({ sub, tenant }),
    );
    const { id_token: idToken } = JSON.parse(idp.body) as { id_token: string };
    const login = await send(
      host,
      'POST',
      '/auth/session',
      {
        'content-type': 'application/json',
        'x-amz-content-sha256': createHash('sha256').update('{}').digest('hex'),
        'x-identity-token': idToken,
      },
      '{}',
    );
    expect(login.status).toBe(204);
    const set = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
    const session = set.find((c) => c.startsWith('__Host-tenant='));
    expect(session).toBeDefined();
    return session!.split(';')[0]!;
  }

  it('attach declared the tenant parameter on the multi-tenant DistributionConfig', () => {
    expect(emulator.distributionConfig.ConnectionMode).toBe('tenant-only');
    expect(emulator.distributionConfig.TenantConfig?.ParameterDefinitions?.map((d) => d.Name)).toEqual(['tenant']);
    expect(emulator.attachChanges.some((c) => c.includes('ParameterDefinitions: added "tenant"'))).toBe(true);
    expect([...emulator.tenantDistributions.keys()]).toEqual(['acme.localhost', 'globex.localhost']);
  });

  it("acme, signed in on acme's domain, reads acme's files there", async () => {
    const cookie = await signIn('acme.localhost', 'alice', 'acme');
    const file = await send('acme.localhost', 'GET', '/files/roadmap.txt', { cookie });
    expect(file.status).toBe(200);
    expect(file.body.length).toBeGreaterThan(0);
  });

  it("acme's session is refused on globex's domain (403 tenant_domain_mismatch), even for a file both have", async () => {
    const cookie = await signIn('acme.localhost', 'alice', 'acme');
    for (const path of ['/files/welcome.txt', '/files/roadmap.txt', '/files/payroll.txt']) {
      const refused = await send('globex.localhost', 'GET', path, { cookie });
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body)).toEqual({ error: 'tenant_domain_mismatch' });
    }
  });

  it("globex, signed in on globex's domain, reads globex's files there and not on acme's", async () => {
    const cookie = await signIn('globex.localhost', 'bob', 'globex');
    expect((await send('globex.localhost', 'GET', '/files/payroll.txt', { cookie })).status).toBe(200);
    const refused = await send('acme.localhost', 'GET', '/files/welcome.txt', { cookie });
    expect(JSON.parse(refused.body)).toEqual({ error: 'tenant_domain_mismatch' });
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
