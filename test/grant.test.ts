/**
 * Folder grants in the core (src/grant.ts, the grant rules of src/token-rules.ts): what a grant token verifies
 * to, every reason one is refused, and the invariant — a grant never forwards outside its folder of its tenant.
 * The same rows on the built artifacts are in test/cases/grant-cases.ts.
 */
import { createSecretKey, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildArtifacts } from '../build/artifacts';
import { validateConfig } from '../config/gate';
import { keyEntry } from '../deploy/key-value-entries';
import { LocalKeyValueStore } from '../local/key-value-store';
import { explainToken } from '../login/explain-token';
import { mintGrant as mintGrant_ } from '../login/grants';
import { localSigningKey } from '../login/local-keys';
import { SCOPES } from './cases/scope-cases';
import { cloudFrontFunctionEvent, cloudFrontFunctionOutcome, vmRunner } from './helpers/cloudfront-function';
import { GRANT_OVERRIDES } from './cases/grant-cases';
import { coreFor } from './helpers/core';
import { CONFIG, ROOT } from './helpers/keys';
import { mint, mintGrant, mintLink, NOW } from './helpers/tokens';
import type { GateRequest } from '../src/decision';

const core = coreFor(validateConfig({ ...CONFIG, ...GRANT_OVERRIDES }));
const off = coreFor();
const DIR = '/files/films/nosferatu/';

function request(uri: string, viewerIp = '192.0.2.1'): GateRequest {
  return { method: 'GET', uri, tokenCookies: [], linkTokens: [], viewerIp, header: () => undefined };
}

describe('grant tokens (frozen clock)', () => {
  it('verify to kind grant, with their folder and address', () => {
    expect(core.tokens.verify(mintGrant(DIR, { ip: '192.0.2.1' }), core.keys, NOW)).toMatchObject({
      ok: true,
      token: { kind: 'grant', tenant: 'acme', path: DIR, ip: '192.0.2.1' },
    });
  });

  it.each([
    ['no dir', { dir: undefined }, 'grant_dir_invalid'],
    ['dir a number', { dir: 1 }, 'grant_dir_invalid'],
    ['dir without a trailing /', { dir: '/files/films' }, 'grant_dir_invalid'],
    ['dir outside the prefix', { dir: '/other/films/' }, 'grant_dir_invalid'],
    ['dir a sibling of the prefix', { dir: '/filesx/films/' }, 'grant_dir_invalid'],
    ['cip not an address', { cip: 'localhost' }, 'link_ip_invalid'],
    ['lifetime over grants.maxLifetimeSeconds', { iat: NOW - 10, exp: NOW - 9 + 172800 }, 'lifetime_exceeded'],
    ['expired', { iat: NOW - 100, exp: NOW - 50 }, 'expired'],
  ])('refused: %s', (_name, claims, failure) => {
    expect(core.tokens.verify(mintGrant(DIR, { claims }), core.keys, NOW)).toEqual({ ok: false, failure });
  });

  it.each([
    ['valid', {}],
    ['no dir', { dir: undefined }],
    ['dir outside the prefix', { dir: '/other/films/' }],
    ['cip not an address', { cip: 'localhost' }],
    ['lifetime over the maximum', { iat: NOW - 10, exp: NOW - 9 + 172800 }],
  ])('tenant-gate verify explains a grant as the gate judges it: %s', (_name, claims) => {
    const token = mintGrant(DIR, { claims });
    const judged = core.tokens.verify(token, core.keys, NOW);
    const explained = explainToken(token, core.config, core.keys, NOW);
    expect(explained.result).toEqual(judged);
    const first = explained.checks.find((c) => c.status === 'fail');
    expect(first?.code ?? 'ok').toBe(judged.ok ? 'ok' : judged.failure);
    if (judged.ok) expect(explained.checks.find((c) => c.rule === 'grant dir')?.detail).toBe(`opens ${DIR}`);
  });

  it('a configuration without grants refuses every grant token by its lifetime (no grant may live)', () => {
    expect(off.tokens.verify(mintGrant(DIR), off.keys, NOW)).toEqual({ ok: false, failure: 'lifetime_exceeded' });
  });
});

describe('the grant decision', () => {
  it('forwards the viewer path under the tenant prefix, never the token', () => {
    const grant = mintGrant(DIR);
    const decision = core.gate.decide(request(`/grants/${grant}/films/nosferatu/seg-1.ts`), core.keys, NOW);
    expect(decision).toMatchObject({ action: 'forward', uri: '/tenants/acme/files/films/nosferatu/seg-1.ts' });
    expect(JSON.stringify(decision.action === 'forward' && decision.uri)).not.toContain(grant.split('.')[1]);
  });

  it('judges a grant path by the grant alone: session and link tokens are other kinds', () => {
    for (const token of [mint(), mintLink('/files/films/nosferatu/a.ts')]) {
      expect(core.gate.decide(request(`/grants/${token}/films/nosferatu/a.ts`), core.keys, NOW)).toMatchObject({
        action: 'respond',
        refusal: { code: 'invalid_token', reason: 'typ_mismatch' },
      });
    }
  });

  it('property: whatever the path and folder, a grant forwards only inside its own folder of its own tenant', () => {
    // Mostly plain segments (a valid folder, a valid path), sometimes one that the path rules refuse.
    const segment = fc.oneof(
      { arbitrary: fc.stringMatching(/^[a-z]{1,2}$/), weight: 8 },
      { arbitrary: fc.constantFrom('.', '..', '', '%2e', '%2f', 'a%2Fb', '%2e%2e'), weight: 1 },
    );
    const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));
    let forwarded = 0;
    fc.assert(
      fc.property(path, path, fc.boolean(), fc.constantFrom('acme', 'globex'), (dir, tail, inside, tenant) => {
        const folder = `/files/${dir}/`;
        // Half the paths start inside the folder, so that forwards are common and the check below runs.
        const rest = inside ? `${dir}/${tail}` : tail;
        const grant = mintGrant(folder, { claims: { tid: tenant } });
        const decision = core.gate.decide(request(`/grants/${grant}/${rest}`), core.keys, NOW);
        if (decision.action === 'forward') {
          forwarded++;
          expect(decision.uri.startsWith(`/tenants/${tenant}${folder}`)).toBe(true);
          expect(decision.uri).not.toMatch(/\/\.\.?(?:\/|$)|\/\/|%2e|%2f/i);
        }
      }),
      { numRuns: 2000 },
    );
    expect(forwarded).toBeGreaterThan(100);
  });
});

describe('the grants configuration', () => {
  it.each([
    ['inside pathPrefix', { pathPrefix: '/files/grants/' }],
    ['holding pathPrefix', { pathPrefix: '/' }],
    ['inside /auth/', { pathPrefix: '/auth/grants/' }],
    ['no trailing /', { pathPrefix: '/grants' }],
    ['a dot segment', { pathPrefix: '/../' }],
    ['a lifetime over 30 days', { maxLifetimeSeconds: 30 * 86400 + 1 }],
    ['an unknown member', { maxLifetime: 3600 }],
  ])('refuses a grants section %s', (_name, grants) => {
    expect(() => validateConfig({ ...CONFIG, grants })).toThrow(/grants/);
  });

  it('defaults: /grants/ and 48 hours; absent is off (null)', () => {
    expect(validateConfig({ ...CONFIG, grants: {} }).grants).toEqual({
      pathPrefix: '/grants/',
      maxLifetimeSeconds: 172800,
    });
    expect(CONFIG.grants).toBeNull();
  });
});

describe('grants with the keys in the KeyValueStore (CloudFront Function)', () => {
  it('reads the key the grant in the path names', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'tenant-gate-grants-kvs-'));
    const config = {
      ...CONFIG,
      ...GRANT_OVERRIDES,
      cloudfrontFunction: { keySource: 'keyValueStore', tenantKillSwitch: false },
    };
    // 10 172 B today (docs/deploy.md, "Folder grants"): the build fails if the two outgrow CloudFront's 10 KB.
    await buildArtifacts({ config, outdir, root: ROOT });
    const secret = randomBytes(32);
    const store = new LocalKeyValueStore({ 'key:k-grant': keyEntry('unused', secret.toString('base64url')).value });
    const run = vmRunner(join(outdir, 'cloudfront-function', 'index.js'), store);
    const grant = mintGrant(DIR, { header: { kid: 'k-grant' }, signKey: createSecretKey(secret) });
    const event = (token: string) =>
      cloudFrontFunctionEvent({ name: '', uri: `/grants/${token}/films/nosferatu/a.ts`, expect: { status: 0 } });
    expect(cloudFrontFunctionOutcome(await run(event(grant)))).toMatchObject({
      status: 'forward',
      uri: '/tenants/acme/files/films/nosferatu/a.ts',
    });
    store.delete('key:k-grant');
    expect(cloudFrontFunctionOutcome(await run(event(grant)))).toMatchObject({ status: 401 });
  });
});

describe('grant refusals with the web features on', () => {
  const web = coreFor(
    validateConfig({ ...CONFIG, ...GRANT_OVERRIDES, loginUrl: '/login', corsOrigins: ['https://app.example.com'] }),
  );
  const navigation = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', accept: 'text/html' };

  it.each([
    ['expired', mintGrant(DIR, { claims: { iat: NOW - 7200, exp: NOW - 3600 } })],
    ['a session token', mint()],
  ])('a navigation to a grant path with %s is a 401, never a redirect that would carry the grant', (_name, token) => {
    const uri = `/grants/${token}/films/nosferatu/master.m3u8`;
    const decision = web.gate.decide(
      { ...request(uri), header: (name) => (navigation as Record<string, string>)[name] },
      web.keys,
      NOW,
    );
    expect(decision).toMatchObject({ action: 'respond', response: { status: 401 } });
    expect(JSON.stringify(decision)).not.toContain(token.split('.')[1]);
    // The same navigation to a gated path still goes to the login.
    const gated = web.gate.decide(
      { ...request('/files/x.pdf'), header: (name) => (navigation as Record<string, string>)[name] },
      web.keys,
      NOW,
    );
    expect(gated).toMatchObject({ action: 'respond', response: { status: 302 } });
  });

  it('a refused grant is readable by an allowed origin (a player on the app domain)', () => {
    const decision = web.gate.decide(
      {
        ...request(`/grants/${mintGrant('/files/films/a/')}/films/b/x.ts`),
        header: (name) => (name === 'origin' ? 'https://app.example.com' : undefined),
      },
      web.keys,
      NOW,
    );
    expect(decision).toMatchObject({
      action: 'respond',
      response: { status: 403, headers: { 'access-control-allow-origin': 'https://app.example.com' } },
    });
  });
});

describe('grants under path scopes', () => {
  const scoped = coreFor(
    validateConfig({
      ...CONFIG,
      ...GRANT_OVERRIDES,
      scopes: SCOPES,
      login: { ...CONFIG.login, claimMapping: { groups: 'roles' } },
    }),
  );
  const decide = (token: string, rest: string) =>
    scoped.gate.decide(request(`/grants/${token}/${rest}`), scoped.keys, NOW);

  it.each([
    // alice's own folder: her grant opens it; bob's folder inside the same granted parent is refused.
    ['/files/users/', {}, 'users/alice/a.ts', 'forward'],
    ['/files/users/', {}, 'users/bob/a.ts', 'scope_denied'],
    // A role folder: a grant carrying the role opens it, one without does not.
    ['/files/finance/', { roles: ['finance'] }, 'finance/q3.pdf', 'forward'],
    ['/files/finance/', {}, 'finance/q3.pdf', 'scope_denied'],
    // Paths no rule covers: the configuration's default (deny here).
    ['/files/films/', {}, 'films/a.ts', 'scope_denied'],
    ['/files/public/', {}, 'public/a.ts', 'forward'],
  ])('a grant for %s with %j on %s: %s', (dir, claims, rest, verdict) => {
    const decision = decide(mintGrant(dir, { claims }), rest);
    expect(decision.action === 'forward' ? 'forward' : decision.refusal?.code).toBe(verdict);
  });

  it('mintGrant refuses a folder its maker’s scopes refuse, and carries the scope claims it is given', async () => {
    const config = scoped.config;
    const key = await localSigningKey(config, { cwd: ROOT });
    const base = { tenant: 'acme', expiresIn: 60, now: NOW };
    await expect(mintGrant_(config, key, { ...base, sub: 'alice', dir: '/files/users/bob/' })).rejects.toMatchObject({
      code: 'scope_denied',
    });
    await expect(mintGrant_(config, key, { ...base, sub: 'alice', dir: '/files/finance/' })).rejects.toMatchObject({
      code: 'scope_denied',
    });
    const made = await mintGrant_(config, key, {
      ...base,
      sub: 'alice',
      dir: '/files/finance/',
      scopeClaims: { roles: ['cfo'] },
    });
    const token = made.url.split('/')[4]!;
    expect(decide(token, 'finance/q3.pdf')).toMatchObject({ action: 'forward' });
  });
});
