/**
 * `tenant-gate tenants add | list | remove` against a stateful fake of CloudFront's distribution-tenant API that
 * keeps AWS's rules (test/fakes/distribution-tenants.ts): ETags on every write, idempotent onboarding, every change
 * listed, a tenant disabled before it is deleted.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attach } from '../../deploy/attach';
import { addTenant, DistributionTenantError, removeTenant, type TenantRecord } from '../../deploy/distribution-tenants';
import { runCli } from '../helpers/cli';
import { loadDistributionConfig } from '../helpers/distribution-config';
import { FakeDistributionTenants } from '../fakes/distribution-tenants';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';

const MULTI = loadDistributionConfig('multi-tenant');
const PLAIN = loadDistributionConfig('plain');
const ID = 'E2MULTITENANT01';
const CF_FUNCTION = {
  kind: 'cloudfront-function',
  arn: 'arn:aws:cloudfront::123456789012:function/tenant-gate-viewer',
} as const;
/** The distribution as attach leaves it: the tenant parameter declared. */
const ATTACHED = attach(MULTI, { pathPatterns: ['/files/*'], gate: CF_FUNCTION, tenantParameter: 'tenant' }).config;

let fake: FakeDistributionTenants;
let cwd: string;
beforeEach(() => {
  fake = new FakeDistributionTenants();
  fake.distributions.set(ID, ATTACHED);
  fake.distributions.set('E2STANDARD0001', PLAIN);
  fake.distributions.set('E2UNATTACHED01', MULTI);
  cwd = mkdtempSync(join(tmpdir(), 'tenant-gate-tenants-'));
});
afterEach(() => fake.restore());

const add = (...extra: string[]) =>
  runCli(['tenants', 'add', '--distribution-id', ID, '--name', 'acme', '--domain', 'files.acme.com', ...extra], cwd);

describe('tenants add', () => {
  it('creates the distribution tenant with its domains and the tenant parameter, and says so', async () => {
    const run = await add();
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^acme: created distribution tenant dt_\w+ for tenant acme on files\.acme\.com\n$/);
    const [stored] = [...fake.tenants.values()];
    expect(stored?.tenant.Parameters).toEqual([{ Name: 'tenant', Value: 'acme' }]);
    expect(stored?.tenant.Domains?.map((d) => d.Domain)).toEqual(['files.acme.com']);
  });

  it('is idempotent: the same tenant with the same domains is a no-op (no write)', async () => {
    await add();
    fake.calls.length = 0;
    const again = await add();
    expect(again.out).toBe('acme: nothing to do (already as asked)\n');
    expect(fake.calls.filter((c) => c.startsWith('Create') || c.startsWith('Update'))).toEqual([]);
  });

  it('converges an existing tenant to new domains and another tenant id with its ETag, listing each change', async () => {
    await add('--domain', 'acme.app.example.com');
    const run = await add('--tenant', 'acme-eu');
    expect(run.out).toBe(
      'acme: domains files.acme.com, acme.app.example.com → files.acme.com\nacme: parameter tenant acme → acme-eu\n',
    );
    const [stored] = [...fake.tenants.values()];
    expect(stored?.etag).toBe(2);
    expect(stored?.tenant.Parameters).toEqual([{ Name: 'tenant', Value: 'acme-eu' }]);
  });

  it('keeps the other parameters of an existing tenant', async () => {
    await add();
    const [stored] = [...fake.tenants.values()];
    stored!.tenant.Parameters = [...stored!.tenant.Parameters!, { Name: 'origin', Value: 'eu' }];
    await add('--tenant', 'acme2');
    expect(stored!.tenant.Parameters).toEqual([
      { Name: 'tenant', Value: 'acme2' },
      { Name: 'origin', Value: 'eu' },
    ]);
  });

  it('reads again when someone else updated the tenant between its read and its write', async () => {
    await add();
    const client = new CloudFrontClient({ region: 'us-east-1' });
    const [stored] = [...fake.tenants.values()];
    let raced = false;
    const racing = {
      send: async (command: Parameters<typeof client.send>[0]) => {
        if (!raced && command.constructor.name === 'UpdateDistributionTenantCommand') {
          raced = true;
          stored!.etag += 1;
        }
        return client.send(command as never);
      },
    } as unknown as CloudFrontClient;
    const result = await addTenant(
      racing,
      { distributionId: ID, name: 'acme', domains: ['files.acme.com'], parameter: 'tenant', tenant: 'acme-b' },
      /^[a-z0-9-]+$/,
    );
    expect(raced).toBe(true);
    expect(result.changes).toEqual(['acme: parameter tenant acme → acme-b']);
  });

  it('refuses a tenant id the pattern admits but the gate refuses as a path segment, as the gate would', async () => {
    const client = new CloudFrontClient({ region: 'us-east-1' });
    for (const tenant of ['..', '.', 'a/b', 'x'.repeat(256)]) {
      await expect(
        addTenant(
          client,
          { distributionId: ID, name: 'acme', domains: ['files.acme.com'], parameter: 'tenant', tenant },
          /^.+$/,
        ),
      ).rejects.toThrow(/is not a safe path segment/);
    }
  });

  it.each([
    [
      'a domain of another tenant (CloudFront: CNAMEAlreadyExists)',
      ['--name', 'globex'],
      /CNAMEAlreadyExists|already associated/,
    ],
    ['a tenant id the gate would refuse', ['--tenant', '../acme'], /tenantPattern/],
    ['no domain', [], /at least one --domain/],
  ])('refuses %s', async (_name, extra, message) => {
    if (extra[0] === '--name') await add();
    const argv =
      extra.length === 0
        ? ['tenants', 'add', '--distribution-id', ID, '--name', 'acme']
        : extra[0] === '--name'
          ? ['tenants', 'add', '--distribution-id', ID, '--name', 'globex', '--domain', 'files.acme.com']
          : ['tenants', 'add', '--distribution-id', ID, '--name', 'acme', '--domain', 'files.acme.com', ...extra];
    const run = await runCli(argv, cwd);
    expect(run.code).not.toBe(0);
    expect(run.err + run.out).toMatch(message);
  });

  it.each([
    ['a standard distribution', 'E2STANDARD0001', /not a multi-tenant distribution/],
    [
      'a multi-tenant distribution without the tenant parameter (attach not run)',
      'E2UNATTACHED01',
      /tenant-gate attach first/,
    ],
  ])('refuses %s', async (_name, id, message) => {
    await expect(
      addTenant(
        new CloudFrontClient({ region: 'us-east-1' }),
        { distributionId: id, name: 'acme', domains: ['files.acme.com'], parameter: 'tenant', tenant: 'acme' },
        /^[a-z]+$/,
      ),
    ).rejects.toThrow(message);
    expect(fake.tenants.size).toBe(0);
  });

  it('takes the parameter name from the gate config', async () => {
    const config = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'gatekeeper.config.json'), 'utf8'));
    writeFileSync(
      join(cwd, 'gatekeeper.config.json'),
      // Without a login: no sign-in domain to set (see "tenants add with a login" below).
      JSON.stringify({ ...config, $schema: undefined, login: undefined, distributionTenant: { parameter: 'tid' } }),
    );
    fake.distributions.set(
      ID,
      attach(MULTI, { pathPatterns: ['/files/*'], gate: CF_FUNCTION, tenantParameter: 'tid' }).config,
    );
    await add();
    expect([...fake.tenants.values()][0]?.tenant.Parameters).toEqual([{ Name: 'tid', Value: 'acme' }]);
  });
});

describe('tenants add with a login (the login per domain)', () => {
  const AUTH = {
    pathPattern: '/auth/*',
    originDomainName: 'k3x7vq2mzl5ubd4hwe6rtyjaoi0pnsfc.lambda-url.us-east-1.on.aws',
    originId: 'tenant-gate-auth',
  } as const;
  beforeEach(() => {
    const config = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'gatekeeper.config.json'), 'utf8'));
    writeFileSync(
      join(cwd, 'gatekeeper.config.json'),
      JSON.stringify({ ...config, $schema: undefined, distributionTenant: { parameter: 'tenant' } }),
    );
    const plan = { pathPatterns: ['/files/*'], gate: CF_FUNCTION, auth: AUTH, tenantParameter: 'tenant' };
    fake.distributions.set(ID, attach(MULTI, { ...plan, domainParameter: 'domain' }).config);
  });
  const parameters = () => [...fake.tenants.values()][0]?.tenant.Parameters;

  it('sets the domain parameter to the first domain, beside the tenant id', async () => {
    const run = await add('--domain', 'acme.app.example.com');
    expect(run.code).toBe(0);
    expect(parameters()).toEqual([
      { Name: 'tenant', Value: 'acme' },
      { Name: 'domain', Value: 'files.acme.com' },
    ]);
  });

  it('keeps a domain parameter that names one of the domains, and converges one that does not', async () => {
    await add('--domain', 'acme.app.example.com');
    const kept = await runCli(
      ['tenants', 'add', '--distribution-id', ID, '--name', 'acme', '--domain', 'acme.app.example.com'],
      cwd,
    );
    expect(kept.out).toBe(
      'acme: domains files.acme.com, acme.app.example.com → acme.app.example.com\nacme: parameter domain files.acme.com → acme.app.example.com\n',
    );
    expect(parameters()).toContainEqual({ Name: 'domain', Value: 'acme.app.example.com' });
    const again = await runCli(
      [
        'tenants',
        'add',
        '--distribution-id',
        ID,
        '--name',
        'acme',
        '--domain',
        'files.acme.com',
        '--domain',
        'acme.app.example.com',
      ],
      cwd,
    );
    expect(again.out).toBe('acme: domains acme.app.example.com → files.acme.com, acme.app.example.com\n');
    expect(parameters()).toContainEqual({ Name: 'domain', Value: 'acme.app.example.com' });
  });

  it('list shows the domain parameter and exits 1 when it is missing or not one of the domains', async () => {
    await add();
    const list = () => runCli(['tenants', 'list', '--distribution-id', ID], cwd);
    const ok = await list();
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^acme {2}dt_\w+ {2}tenant=acme {2}domain=files\.acme\.com {2}files\.acme\.com /);
    const tenant = [...fake.tenants.values()][0]!.tenant;
    tenant.Parameters = [
      { Name: 'tenant', Value: 'acme' },
      { Name: 'domain', Value: 'files.globex.com' },
    ];
    const other = await list();
    expect(other.code).toBe(1);
    expect(other.out).toContain('domain=files.globex.com (not one of its domains)');
    tenant.Parameters = [{ Name: 'tenant', Value: 'acme' }];
    const missing = await list();
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('domain= (missing: the login signs nobody in on its domains)');
  });

  it('refuses a distribution that does not declare the domain parameter (attach first)', async () => {
    fake.distributions.set(ID, ATTACHED);
    const run = await add();
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(/declares no parameter "domain"/);
    expect(fake.tenants.size).toBe(0);
  });
});

describe('tenants list', () => {
  it('lists every tenant of the distribution (across pages) with its tenant and domains; exit 1 when one lacks the parameter', async () => {
    for (const name of ['acme', 'globex', 'initech'])
      await runCli(['tenants', 'add', '--distribution-id', ID, '--name', name, '--domain', `files.${name}.com`], cwd);
    const run = await runCli(['tenants', 'list', '--distribution-id', ID], cwd);
    expect(run.code).toBe(0);
    expect(run.out.trim().split('\n')).toEqual([
      expect.stringMatching(/^acme {2}dt_\w+ {2}tenant=acme {2}files\.acme\.com {2}\(enabled, InProgress\)$/),
      expect.stringMatching(/^globex .*tenant=globex {2}files\.globex\.com/),
      expect.stringMatching(/^initech .*tenant=initech {2}files\.initech\.com/),
    ]);
    expect(fake.calls.filter((c) => c === 'ListDistributionTenants')).toHaveLength(2);
    [...fake.tenants.values()][1]!.tenant.Parameters = [];
    const missing = await runCli(['tenants', 'list', '--distribution-id', ID], cwd);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('tenant=(missing: the gate answers 503 on its domains)');
    const json = JSON.parse(
      (await runCli(['tenants', 'list', '--distribution-id', ID, '--json'], cwd)).out,
    ) as unknown[];
    expect(json).toHaveLength(3);
    expect(JSON.stringify(json)).not.toContain('"etag"');
  });
});

describe('tenants remove', () => {
  it('disables, then deletes with the new ETag; a second remove is a no-op', async () => {
    await add();
    const run = await runCli(['tenants', 'remove', '--distribution-id', ID, '--name', 'acme'], cwd);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(
      /^acme: disabled \(its domains serve nothing from now on\)\nacme: deleted distribution tenant dt_\w+ \(files\.acme\.com\)\n$/,
    );
    expect(fake.tenants.size).toBe(0);
    expect((await runCli(['tenants', 'remove', '--distribution-id', ID, '--name', 'acme'], cwd)).out).toBe(
      'acme: nothing to do (no such distribution tenant)\n',
    );
  });

  it("refuses another distribution's tenant", async () => {
    await add();
    await expect(
      removeTenant(new CloudFrontClient({ region: 'us-east-1' }), 'E2OTHER0000001', 'acme'),
    ).rejects.toBeInstanceOf(DistributionTenantError);
    expect(fake.tenants.size).toBe(1);
  });

  it('the fake keeps AWS rules: no delete of an enabled tenant, no write without or with a stale IfMatch', async () => {
    await add();
    const client = new CloudFrontClient({ region: 'us-east-1' });
    const { DeleteDistributionTenantCommand, UpdateDistributionTenantCommand } =
      await import('@aws-sdk/client-cloudfront');
    const [stored] = [...fake.tenants.values()];
    const id = stored!.tenant.Id!;
    await expect(client.send(new DeleteDistributionTenantCommand({ Id: id, IfMatch: 'ET1' }))).rejects.toMatchObject({
      name: 'ResourceNotDisabled',
    });
    await expect(
      client.send(new UpdateDistributionTenantCommand({ Id: id, IfMatch: 'ET0', Enabled: false })),
    ).rejects.toMatchObject({ name: 'PreconditionFailed' });
    await expect(
      client.send(new UpdateDistributionTenantCommand({ Id: id, IfMatch: undefined, Enabled: false })),
    ).rejects.toMatchObject({ name: 'InvalidIfMatchVersion' });
  });
});

describe('usage', () => {
  it.each([
    [['tenants'], /first argument/],
    [['tenants', 'add', '--name', 'acme'], /--distribution-id/],
    [['tenants', 'remove', '--distribution-id', ID], /needs --name/],
  ])('%j', async (argv, message) => {
    const run = await runCli(argv, cwd);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(message);
  });
});

describe('doctor --live on a multi-tenant distribution', () => {
  const gateConfig = () => {
    const config = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'gatekeeper.config.json'), 'utf8'));
    writeFileSync(
      join(cwd, 'gate.json'),
      JSON.stringify({ ...config, $schema: undefined, distributionTenant: { parameter: 'tenant' } }),
    );
    return join(cwd, 'gate.json');
  };

  it("reads the distribution tenants' parameters and reports one without its tenant", async () => {
    const { doctorSource } = await import('../../cli/commands/doctor');
    const { vi } = await import('vitest');
    const asked: string[] = [];
    const spy = vi.spyOn(doctorSource, 'create').mockReturnValue({
      distributionConfig: async () => ATTACHED,
      cachePolicy: async () => undefined,
      originRequestPolicy: async () => undefined,
      responseHeadersPolicy: async () => undefined,
      distributionTenants: async (id): Promise<TenantRecord[]> => {
        asked.push(id);
        return [
          {
            id: 'dt_1',
            name: 'acme',
            distributionId: ID,
            domains: ['files.acme.com'],
            enabled: true,
            status: 'Deployed',
            parameters: { tenant: 'acme' },
            etag: 'E1',
          },
          {
            id: 'dt_2',
            name: 'globex',
            distributionId: ID,
            domains: ['files.globex.com'],
            enabled: true,
            status: 'Deployed',
            parameters: {},
            etag: 'E1',
          },
        ];
      },
    });
    try {
      const r = await runCli(['doctor', '--live', ID, '--config', gateConfig(), '--json'], cwd);
      expect(asked).toEqual([ID]);
      const findings = (JSON.parse(r.out) as { findings: { code: string; what: string }[] }).findings;
      expect(findings.filter((f) => f.code === 'DISTRIBUTION_TENANT_WITHOUT_PARAMETER')).toEqual([
        expect.objectContaining({ what: 'distribution tenant globex (files.globex.com) has no tenant' }),
      ]);
      expect(r.code).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('does not list distribution tenants of a standard distribution', async () => {
    const { doctorSource } = await import('../../cli/commands/doctor');
    const { vi } = await import('vitest');
    let listed = false;
    const spy = vi.spyOn(doctorSource, 'create').mockReturnValue({
      distributionConfig: async () => PLAIN,
      cachePolicy: async () => undefined,
      originRequestPolicy: async () => undefined,
      responseHeadersPolicy: async () => undefined,
      distributionTenants: async () => ((listed = true), []),
    });
    try {
      const r = await runCli(['doctor', '--live', ID, '--config', gateConfig(), '--json'], cwd);
      expect(listed).toBe(false);
      expect((JSON.parse(r.out) as { findings: { code: string }[] }).findings.map((f) => f.code)).toContain(
        'TENANT_MODE_ON_STANDARD',
      );
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the deploy guide (docs/deploy.md, "Multi-tenant distributions")', () => {
  const GUIDE = `npx tenant-gate tenants add --distribution-id E2MULTITENANT01 --name acme --domain files.acme.com --tenant acme
npx tenant-gate tenants list --distribution-id E2MULTITENANT01
npx tenant-gate tenants remove --distribution-id E2MULTITENANT01 --name acme`;

  it('runs its onboarding commands, in order, against the fake', async () => {
    const outs: string[] = [];
    for (const line of GUIDE.split('\n')) {
      const run = await runCli(line.split(' ').slice(2), cwd);
      expect(run.code, line).toBe(0);
      outs.push(run.out);
    }
    expect(outs[0]).toMatch(/^acme: created distribution tenant/);
    expect(outs[1]).toMatch(/^acme {2}dt_\w+ {2}tenant=acme {2}files\.acme\.com/);
    expect(outs[2]).toMatch(/acme: deleted distribution tenant/);
  });
});
