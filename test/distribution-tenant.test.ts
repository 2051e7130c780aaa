/**
 * The gate on a multi-tenant distribution (issue 16): the credential's tenant must be the tenant whose domain was
 * called. The conformance table (test/cases/distribution-tenant-cases.ts) on every target that supports the mode,
 * the invariant as a property, and what the other targets and builds do with the mode.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArtifacts } from '../build/artifacts';
import { distributionTenantTargetProblem } from '../config/distribution-tenant';
import { validateConfig } from '../config/gate';
import { keyEntriesOf } from '../deploy/key-value-entries';
import { loadCloudFrontFunction } from '../local/cloudfront-function-runtime';
import { LocalKeyValueStore } from '../local/key-value-store';
import { REFUSALS } from '../src/errors';
import {
  ACME_SITE,
  distributionTenantCases,
  GLOBEX_SITE,
  type CalledTenant,
  type DistributionTenantCase,
} from './cases/distribution-tenant-cases';
import { cloudFrontFunctionEvent, cloudFrontFunctionOutcome } from './helpers/cloudfront-function';
import { njsSiteRunner, vmSiteRunner, type SiteRunner } from './helpers/distribution-tenant';
import { CONFIG, ROOT } from './helpers/keys';
import { lambdaEdgeEvent, lambdaEdgeOutcome, loadLambdaEdge } from './helpers/lambda-edge';
import { built } from './helpers/targets';
import { canRun, NJS } from './helpers/tools';
import { mint, NOW } from './helpers/tokens';
import { frozenAtNowQuietly } from './helpers/clock';

const REWRITE = { distributionTenant: { parameter: 'tenant' } };
const BY_PARAMETER = { distributionTenant: { parameter: 'tenant', originPath: 'parameter' } };

frozenAtNowQuietly();

function requestOf(c: DistributionTenantCase) {
  return {
    name: c.name,
    expect: { status: 400 },
    ...(c.uri === undefined ? {} : { uri: c.uri }),
    ...(c.cookies === undefined ? {} : { cookies: c.cookies }),
    ...(c.querystring === undefined ? {} : { querystring: c.querystring }),
  };
}

async function functionFile(build: 'rewrite' | 'parameter' | 'off'): Promise<string> {
  const dir = await built('default', build === 'off' ? {} : build === 'rewrite' ? REWRITE : BY_PARAMETER);
  return join(dir, 'cloudfront-function', 'index.js');
}

const runners: [string, (file: string) => SiteRunner][] = [
  ['CloudFront Function (node:vm, CloudFront built-ins)', vmSiteRunner],
  ...(canRun(NJS) ? [['CloudFront Function (njs)', njsSiteRunner] as [string, (file: string) => SiteRunner]] : []),
];

describe.each(runners)('%s', (_name, runnerFor) => {
  let run: Record<'rewrite' | 'parameter', SiteRunner>;
  beforeAll(async () => {
    run = { rewrite: runnerFor(await functionFile('rewrite')), parameter: runnerFor(await functionFile('parameter')) };
  });

  it.each(distributionTenantCases.map((c) => [c.name, c] as const))('%s', async (_caseName, c) => {
    const outcome = cloudFrontFunctionOutcome(
      await run[c.build ?? 'rewrite'](cloudFrontFunctionEvent(requestOf(c)), c.site),
    );
    if (c.expect.status === 'forward') {
      expect(outcome).toMatchObject({ status: 'forward', uri: c.expect.uri });
      if (outcome.status === 'forward') expect(outcome.cookies.join(';')).not.toContain('__Host-tenant');
    } else {
      expect(outcome).toMatchObject({ status: c.expect.status, code: c.expect.code });
      if (outcome.status !== 'forward') expect(outcome.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('the invariant', () => {
  it('a credential is forwarded on a distribution tenant exactly when its tenant is the parameter', async () => {
    const run = vmSiteRunner(await functionFile('rewrite'));
    const tenant = fc.constantFrom('acme', 'globex', 'initech', 'a', 'acme-2');
    await fc.assert(
      fc.asyncProperty(tenant, tenant, async (credentialTenant, siteTenant) => {
        const c = {
          name: 'p',
          expect: { status: 400 },
          cookies: [`__Host-tenant=${mint({ claims: { tid: credentialTenant } })}`],
        };
        const outcome = cloudFrontFunctionOutcome(
          await run(cloudFrontFunctionEvent(c), { id: 'dt_p', parameters: { tenant: siteTenant } }),
        );
        if (credentialTenant === siteTenant) {
          expect(outcome).toMatchObject({ status: 'forward', uri: `/tenants/${credentialTenant}/files/report.pdf` });
        } else {
          expect(outcome).toMatchObject({ status: 403, code: 'tenant_domain_mismatch' });
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('the fast path on a multi-tenant distribution', () => {
  it.each([
    ['rewrite', REWRITE],
    ['parameter', BY_PARAMETER],
  ] as const)(
    'changes no verdict (origin path: %s): each request in a fresh context and in a warm one, against a build without it',
    async (mode, overrides) => {
      const fastFile = await functionFile(mode);
      expect(readFileSync(fastFile, 'utf8')).toContain('[A-Za-z0-9_-]{42}');
      const outdir = mkdtempSync(join(tmpdir(), 'tenant-gate-dt-general-'));
      await buildArtifacts({ config: { ...CONFIG, ...overrides }, outdir, root: ROOT, cloudFrontFastPath: false });
      const general = vmSiteRunner(join(outdir, 'cloudfront-function', 'index.js'));
      const warm = vmSiteRunner(fastFile);
      const tenant = fc.constantFrom('acme', 'globex', 'acme-2');
      // A tenant's domain, one whose parameter is empty or missing, or a standard distribution (the runtime throws).
      const site = fc.oneof(
        tenant.map((t): CalledTenant => ({ id: 'dt_p', parameters: { tenant: t } })),
        fc.constantFrom<CalledTenant | undefined>(
          { id: 'dt_e', parameters: { tenant: '' } },
          { id: 'dt_m', parameters: {} },
          undefined,
        ),
      );
      const cookie = fc.oneof(
        tenant.map((t) => `__Host-tenant=${mint({ claims: { tid: t } })}`),
        fc.constant(`__Host-tenant=${mint({ claims: { tid: 'acme', exp: NOW - 3600 } })}`),
      );
      let forwarded = 0;
      await fc.assert(
        fc.asyncProperty(cookie, site, async (cookieHeader, called) => {
          const event = () => cloudFrontFunctionEvent({ name: 'p', expect: { status: 400 }, cookies: [cookieHeader] });
          const expected = cloudFrontFunctionOutcome(await general(event(), called));
          const fresh = cloudFrontFunctionOutcome(await vmSiteRunner(fastFile)(event(), called));
          expect(fresh).toEqual(expected);
          expect(cloudFrontFunctionOutcome(await warm(event(), called))).toEqual(expected);
          if (expected.status === 'forward') forwarded++;
        }),
        // One request in eight is forwarded (a live token of the called tenant): 200 runs give about 25.
        { numRuns: 200 },
      );
      expect(forwarded).toBeGreaterThan(5);
    },
  );
});

describe('the mode off (the default build)', () => {
  it('ignores distribution tenants: the rewrite alone keeps a credential in its tenant', async () => {
    const run = vmSiteRunner(await functionFile('off'));
    const c = { name: 'off', expect: { status: 400 }, cookies: [`__Host-tenant=${mint()}`] };
    expect(cloudFrontFunctionOutcome(await run(cloudFrontFunctionEvent(c), GLOBEX_SITE))).toMatchObject({
      status: 'forward',
      uri: '/tenants/acme/files/report.pdf',
    });
    expect(cloudFrontFunctionOutcome(await run(cloudFrontFunctionEvent(c), undefined))).toMatchObject({
      status: 'forward',
    });
  });

  it('carries none of its code: no cloudfront import, no parameter read, no refusal code', async () => {
    const code = readFileSync(await functionFile('off'), 'utf8');
    expect(code).not.toContain('distributionTenant');
    expect(code).not.toContain('tenant_domain_mismatch');
    expect(code).not.toContain('distribution_tenant_unavailable');
    expect(code.split('\n')[0]).not.toContain('import');
  });

  it('the mode build imports the cloudfront module on its first line', async () => {
    const code = readFileSync(await functionFile('rewrite'), 'utf8');
    expect(code.split('\n')[0]).toBe("import cf from 'cloudfront';");
    expect(code).toContain('cf.distributionTenant.parameters.get(');
  });
});

describe('Lambda@Edge', () => {
  it('refuses every request in this mode (503): its event does not name the distribution tenant', async () => {
    const handler = loadLambdaEdge(join(await built('default', REWRITE), 'viewer-request', 'index.js'));
    for (const cookies of [[`__Host-tenant=${mint()}`], []]) {
      const outcome = lambdaEdgeOutcome(
        await handler(lambdaEdgeEvent({ name: 'l@e', expect: { status: 503 }, cookies })),
      );
      expect(outcome).toMatchObject({ status: 503, code: 'distribution_tenant_unavailable' });
    }
  });

  it('the configuration is refused for the Lambda@Edge target, with the reason', () => {
    const config = validateConfig({ ...CONFIG, ...REWRITE });
    expect(distributionTenantTargetProblem(config, 'lambda-edge')).toMatch(/needs the CloudFront Function/);
    expect(distributionTenantTargetProblem(config, 'cloudfront-function')).toBeUndefined();
    expect(distributionTenantTargetProblem(CONFIG, 'lambda-edge')).toBeUndefined();
  });
});

describe('configuration', () => {
  it.each([
    [{ parameter: 'tenant' }, { parameter: 'tenant', domainParameter: 'domain', originPath: 'rewrite' }],
    [{}, { parameter: 'tenant', domainParameter: 'domain', originPath: 'rewrite' }],
    [
      { parameter: 'TenantId', originPath: 'parameter', domainParameter: 'Host' },
      { parameter: 'TenantId', domainParameter: 'Host', originPath: 'parameter' },
    ],
  ])('%j → %j', (input, output) => {
    expect(validateConfig({ ...CONFIG, distributionTenant: input }).distributionTenant).toEqual(output);
  });

  it.each([
    [{ parameter: '' }, /distributionTenant.parameter/],
    [{ parameter: '{{tenant}}' }, /distributionTenant.parameter/],
    [{ parameter: 'x'.repeat(65) }, /distributionTenant.parameter/],
    [{ originPath: 'both' }, /distributionTenant.originPath/],
    [{ parameter: 'tenant', other: 1 }, /distributionTenant/],
    [{ domainParameter: '{{domain}}' }, /distributionTenant.domainParameter/],
    [{ parameter: 'tenant', domainParameter: 'tenant' }, /distributionTenant.domainParameter: must differ/],
  ])('%j is refused', (input, message) => {
    expect(() => validateConfig({ ...CONFIG, distributionTenant: input })).toThrow(message);
  });

  it('both refusal codes are stable: 403 for a mismatch, 503 for an unreadable parameter', () => {
    expect(REFUSALS.tenant_domain_mismatch).toBe(403);
    expect(REFUSALS.distribution_tenant_unavailable).toBe(503);
    expect(ACME_SITE.parameters.tenant).toBe('acme');
  });
});

describe('with keys in the KeyValueStore: the same binding on the awaiting path', () => {
  it('fits, and binds the credential to the distribution tenant', async () => {
    const dir = await built('default', {
      ...REWRITE,
      cloudfrontFunction: { keySource: 'keyValueStore', tenantKillSwitch: false },
    });
    const code = readFileSync(join(dir, 'cloudfront-function', 'index.js'), 'utf8');
    expect(Buffer.byteLength(code)).toBeLessThanOrEqual(10240);
    expect(code.split('\n')[0]).toBe("import cf from 'cloudfront';");
    const store = new LocalKeyValueStore(Object.fromEntries(keyEntriesOf(CONFIG.keys).map((e) => [e.key, e.value])));
    const handler = loadCloudFrontFunction(code, { store, now: () => NOW * 1000 });
    const request = (cookie: string) =>
      cloudFrontFunctionEvent({ name: 'kvs', expect: { status: 400 }, cookies: [`__Host-tenant=${cookie}`] });
    const acme = mint();
    expect(cloudFrontFunctionOutcome(await handler(request(acme), ACME_SITE))).toMatchObject({
      status: 'forward',
      uri: '/tenants/acme/files/report.pdf',
    });
    expect(cloudFrontFunctionOutcome(await handler(request(acme), GLOBEX_SITE))).toMatchObject({
      status: 403,
      code: 'tenant_domain_mismatch',
    });
    expect(cloudFrontFunctionOutcome(await handler(request(acme), undefined))).toMatchObject({
      status: 503,
      code: 'distribution_tenant_unavailable',
    });
  });
});
