/**
 * Path scopes (issue 13, src/scopes.ts): the configuration's rules, the rule semantics on the core, and the
 * property that a scoped credential never opens a path outside its scopes. The built targets run the rows
 * of test/cases/scope-cases.ts (test/conformance.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, validateConfig, type GateConfig } from '../config/gate';
import { scopeRefusal, type ScopesConfig } from '../src/scopes';
import type { GateRequest } from '../src/decision';
import { SCOPES } from './cases/scope-cases';
import type { RequestCase } from './cases/request-cases';
import { cloudFrontFunctionEvent, cloudFrontFunctionOutcome, vmRunner } from './helpers/cloudfront-function';
import { coreFor } from './helpers/core';
import { lambdaEdgeEvent, lambdaEdgeOutcome, loadLambdaEdge } from './helpers/lambda-edge';
import type { Outcome } from './helpers/outcome';
import { built } from './helpers/targets';
import { CONFIG, ROOT } from './helpers/keys';
import { mint, mintLink, NOW } from './helpers/tokens';
import { frozenAtNowQuietly } from './helpers/clock';

const example = { ...CONFIG } as Record<string, unknown>;
const login = CONFIG.login!;

function withScopes(scopes: unknown, claimMapping: Record<string, string> = { groups: 'roles' }): unknown {
  return { ...example, scopes, login: { ...login, claimMapping } };
}

function issuesOf(config: unknown): { path: string; message: string }[] {
  try {
    validateConfig(config);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [...error.issues];
  }
}

const OWNER = { path: '/files/users/{sub}/' };
const FINANCE = { path: '/files/finance/', claim: 'roles', anyOf: ['finance'] };

describe('scopes configuration', () => {
  it('accepts per-user and role folders, fills default "allow", and validates to itself', () => {
    const config = validateConfig(withScopes({ rules: [OWNER, FINANCE] }));
    expect(config.scopes).toEqual({ rules: [OWNER, FINANCE], default: 'allow' });
    expect(config.login!.claimMapping).toEqual({ groups: 'roles' });
    expect(validateConfig(config)).toEqual(config);
  });

  it('is optional, and so is the login mapping', () => {
    const config = validateConfig(example);
    expect(config.scopes).toBeUndefined();
    expect(config.login!.claimMapping).toEqual({});
  });

  it('accepts a mapping to sub (a user name instead of an opaque id names the folders)', () => {
    expect(issuesOf(withScopes({ rules: [OWNER] }, { username: 'sub' }))).toEqual([]);
  });

  it('without a login section, the rules need no mapping', () => {
    const { login: _login, ...gateOnly } = example;
    expect(issuesOf({ ...gateOnly, scopes: { rules: [FINANCE] } })).toEqual([]);
  });

  it.each([
    ['no rules', { rules: [] }, 'scopes.rules', 'at least one rule'],
    ['rules not an array', { rules: {} }, 'scopes.rules', 'array'],
    ['an unknown default', { rules: [OWNER], default: 'maybe' }, 'scopes.default', '"allow", "deny"'],
    ['a misspelt member', { rules: [OWNER], defualt: 'deny' }, 'scopes.defualt', 'did you mean `default`'],
    ['a path outside pathPrefix', { rules: [{ path: '/other/x/' }] }, 'scopes.rules[0].path', 'under pathPrefix'],
    ['a path without its trailing /', { rules: [{ path: '/files/finance' }] }, 'scopes.rules[0].path', 'end with "/"'],
    ['a path with a dot segment', { rules: [{ path: '/files/../x/' }] }, 'scopes.rules[0].path', 'plain segments'],
    ['a path with an escape', { rules: [{ path: '/files/fin%61nce/' }] }, 'scopes.rules[0].path', 'plain segments'],
    ['{sub} inside a segment', { rules: [{ path: '/files/u-{sub}/' }] }, 'scopes.rules[0].path', 'whole "{sub}"'],
    ['{sub} as the end of the path', { rules: [{ path: '/files/{sub}' }] }, 'scopes.rules[0].path', 'end with "/"'],
    ['{sub} twice', { rules: [{ path: '/files/{sub}/{sub}/' }] }, 'scopes.rules[0].path', 'once'],
    ['another placeholder', { rules: [{ path: '/files/{tenant}/' }] }, 'scopes.rules[0].path', 'plain segments'],
    ['a claim without anyOf', { rules: [{ path: '/files/a/', claim: 'roles' }] }, 'scopes.rules[0].anyOf', 'together'],
    ['anyOf without a claim', { rules: [{ path: '/files/a/', anyOf: ['x'] }] }, 'scopes.rules[0].claim', 'together'],
    ['an empty anyOf', { rules: [{ ...FINANCE, anyOf: [] }] }, 'scopes.rules[0].anyOf', 'at least one'],
    [
      '65 values',
      { rules: [{ ...FINANCE, anyOf: Array.from({ length: 65 }, (_, i) => `r${i}`) }] },
      'scopes.rules[0].anyOf',
      'at most 64',
    ],
    [
      'a value with a control character',
      { rules: [{ ...FINANCE, anyOf: ['a\nb'] }] },
      'scopes.rules[0].anyOf[0]',
      'control',
    ],
    ['an empty value', { rules: [{ ...FINANCE, anyOf: [''] }] }, 'scopes.rules[0].anyOf[0]', '1 to 128'],
    [
      'a claim name with a colon',
      { rules: [{ ...FINANCE, claim: 'cognito:groups' }] },
      'scopes.rules[0].claim',
      'a letter',
    ],
    [
      'the claim constructor',
      { rules: [{ ...FINANCE, claim: 'constructor' }] },
      'scopes.rules[0].claim',
      'every JavaScript object',
    ],
    [
      'the claim toString',
      { rules: [{ ...FINANCE, claim: 'toString' }] },
      'scopes.rules[0].claim',
      'every JavaScript object',
    ],
    ['the tenant claim', { rules: [{ ...FINANCE, claim: 'tid' }] }, 'scopes.rules[0].claim', 'reads itself'],
    ['the sub claim', { rules: [{ ...FINANCE, claim: 'sub' }] }, 'scopes.rules[0].claim', '{sub} folder'],
    ['the exp claim', { rules: [{ ...FINANCE, claim: 'exp' }] }, 'scopes.rules[0].claim', 'reads itself'],
    ['a duplicate path', { rules: [FINANCE, FINANCE] }, 'scopes.rules[1].path', 'never applies: rules[0]'],
    ['a rule behind a wider one', { rules: [{ path: '/files/' }, FINANCE] }, 'scopes.rules[1].path', 'never applies'],
    [
      'a user folder behind {sub}',
      { rules: [OWNER, { path: '/files/users/bob/' }] },
      'scopes.rules[1].path',
      'never applies',
    ],
    [
      'a deeper {sub} folder behind {sub}',
      { rules: [OWNER, { path: '/files/users/{sub}/x/' }] },
      'scopes.rules[1].path',
      'never applies',
    ],
  ])('refuses %s', (_name, scopes, path, message) => {
    const issues = issuesOf(withScopes(scopes));
    expect(issues).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it('a named user folder before {sub} is fine: it decides first', () => {
    expect(issuesOf(withScopes({ rules: [{ path: '/files/users/bob/' }, OWNER] }, {}))).toEqual([]);
  });

  it.each([
    [
      'a rule claim the login does not carry',
      { rules: [FINANCE] },
      {},
      'login.claimMapping',
      'must map an identity claim to "roles"',
    ],
    [
      'a mapping no rule reads',
      { rules: [FINANCE] },
      { groups: 'roles', dept: 'department' },
      'login.claimMapping.dept',
      'no scope rule reads',
    ],
    [
      'two claims mapped to one',
      { rules: [FINANCE] },
      { groups: 'roles', 'cognito:groups': 'roles' },
      'login.claimMapping.cognito:groups',
      'already mapped',
    ],
    [
      'a mapping to the tenant claim',
      { rules: [FINANCE] },
      { groups: 'roles', org: 'tid' },
      'login.claimMapping.org',
      'writes itself',
    ],
    ['a mapping to exp', { rules: [FINANCE] }, { groups: 'roles', x: 'exp' }, 'login.claimMapping.x', 'writes itself'],
    [
      'a mapping to a name that is no claim name',
      { rules: [FINANCE] },
      { groups: 'roles', x: 'a-b' },
      'login.claimMapping.x',
      'a letter',
    ],
    ['a mapping without scopes', undefined, { groups: 'roles' }, 'login.claimMapping.groups', 'no scope rule reads'],
  ])('refuses %s', (_name, scopes, mapping, path, message) => {
    const issues = issuesOf(withScopes(scopes, mapping));
    expect(issues).toContainEqual({ path, message: expect.stringContaining(message) });
  });
});

describe('scopeRefusal: the rules on a credential', () => {
  const scopes: ScopesConfig = {
    rules: [
      { path: '/files/users/{sub}/', claim: 'roles', anyOf: ['admin'] },
      { path: '/files/finance/', claim: 'roles', anyOf: ['finance'] },
    ],
    default: 'allow',
  };
  const who = (subject: string | undefined, roles?: string[]) => ({
    subject,
    scopeClaims: (roles === undefined ? {} : { roles }) as Record<string, string[]>,
  });

  it.each([
    ['own folder', who('alice'), '/files/users/alice/a', undefined],
    ["another's folder", who('alice'), '/files/users/bob/a', 'rule 0'],
    ["another's folder, as admin", who('alice', ['admin']), '/files/users/bob/a', undefined],
    ['finance without the role', who('alice'), '/files/finance/a', 'rule 1'],
    ['finance with the role', who('alice', ['finance']), '/files/finance/a', undefined],
    ['finance spelt with escapes', who('alice'), '/files/fin%61nce/a', 'rule 1'],
    ['no rule: default allow (tenant-wide)', who('alice'), '/files/report.pdf', undefined],
    ['no rule, no sub: default allow', who(undefined), '/files/report.pdf', undefined],
    ['a file named like the folder', who('alice'), '/files/finance', undefined],
    ['a sub "." owns nothing', who('.'), '/files/users/./a', 'rule 0'],
  ])('%s', (_name, credential, path, expected) => {
    expect(scopeRefusal(scopes, credential, path)).toBe(expected);
  });

  it('default deny refuses what no rule covers', () => {
    expect(scopeRefusal({ ...scopes, default: 'deny' }, who('alice'), '/files/report.pdf')).toBe('default');
  });
});

describe('tokens carry sub and the claims the rules read', () => {
  const scoped = validateConfig(withScopes({ rules: [OWNER, FINANCE] })) as GateConfig;
  const { tokens, keys } = coreFor(scoped);

  it('returns the sub and the validated claims, and only the claims a rule reads', () => {
    const token = mint({ claims: { roles: ['finance'], dept: ['x'] } });
    expect(tokens.verify(token, keys, NOW)).toMatchObject({
      ok: true,
      token: { subject: 'alice', scopeClaims: { roles: ['finance'] } },
    });
    const result = tokens.verify(token, keys, NOW);
    expect(result.ok && Object.keys(result.token.scopeClaims!)).toEqual(['roles']);
  });

  it('a missing claim is no claim: it opens nothing and is not an error', () => {
    expect(tokens.verify(mint(), keys, NOW)).toMatchObject({ ok: true, token: { scopeClaims: {} } });
  });

  it('a link token carries them too', () => {
    expect(tokens.verify(mintLink('/files/finance/a', { claims: { roles: ['finance'] } }), keys, NOW)).toMatchObject({
      ok: true,
      token: { kind: 'link', subject: 'alice', scopeClaims: { roles: ['finance'] } },
    });
  });
});

// ── the property ──────────────────────────────────────────────────────────────────────────────────────
// An independent reading of the rules, on segments: a rule covers a path when each of its segments equals the
// path's (the `{sub}` one: any segment) and the path goes on below it.

const SEGMENTS = ['users', 'finance', 'alice', 'bob', 'a', 'shared', 'x.pdf', '%61lice', 'b%6Fb', 'fin%61nce', 'a%20b'];
const SUBS = ['alice', 'bob', 'a', 'a b', 'A'];
const ROLES = ['finance', 'admin', 'staff'];

function decodedSegments(path: string): string[] {
  return path.split('/').slice(1).map(decodeURIComponent);
}

function oracleAllows(scopes: ScopesConfig, subject: string | undefined, roles: string[], path: string): boolean {
  const segments = decodedSegments(path);
  for (const rule of scopes.rules) {
    const pattern = rule.path.split('/').slice(1, -1);
    if (segments.length <= pattern.length) continue;
    const sub = pattern.indexOf('{sub}');
    if (!pattern.every((segment, i) => segment === '{sub}' || segment === segments[i])) continue;
    const owner = sub !== -1 && subject === segments[sub] && /^[!-~]+$/.test(subject) && !/[/\\?#%]/.test(subject);
    const role = rule.claim !== undefined && roles.some((r) => rule.anyOf!.includes(r));
    return owner || role || (sub === -1 && rule.claim === undefined);
  }
  return scopes.default === 'allow';
}

/** The login mapping a configuration needs: `roles` when a rule reads it. */
function mappingFor(scopes: { rules: object[] }): Record<string, string> {
  return scopes.rules.some((r) => 'claim' in r) ? { groups: 'roles' } : {};
}

const ruleArb = fc.record(
  {
    segments: fc.array(fc.constantFrom('users', 'finance', 'shared', 'a', '{sub}'), { minLength: 1, maxLength: 3 }),
    roles: fc.option(fc.subarray(ROLES, { minLength: 1 }), { nil: undefined }),
  },
  { requiredKeys: ['segments'] },
);

const configArb = fc
  .record({ rules: fc.array(ruleArb, { minLength: 1, maxLength: 4 }), deny: fc.boolean() })
  .map(({ rules, deny }) => ({
    rules: rules
      .filter((r) => r.segments.filter((s) => s === '{sub}').length <= 1)
      .map((r) => ({
        path: '/files/' + r.segments.join('/') + '/',
        ...(r.roles === undefined ? {} : { claim: 'roles', anyOf: r.roles }),
      })),
    default: deny ? ('deny' as const) : ('allow' as const),
  }))
  // Keep the configurations the build accepts (no shadowed rule): the validator decides, not a copy of it.
  .filter(
    (scopes) =>
      scopes.rules.length > 0 &&
      issuesOf(withScopes(scopes, scopes.rules.some((r) => 'claim' in r) ? { groups: 'roles' } : {})).length === 0,
  );

function request(uri: string, cookie: string | undefined, link: string | undefined): GateRequest {
  return {
    method: 'GET',
    uri,
    tokenCookies: cookie === undefined ? [] : [cookie],
    linkTokens: link === undefined ? [] : [link],
    viewerIp: '192.0.2.1',
    header: () => undefined,
  };
}

describe('property: a scoped credential never opens a path outside its scopes', () => {
  it('the gate forwards exactly the paths the rules open, for sessions and links, and refuses the rest 403 scope_denied', () => {
    let forwarded = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        configArb,
        fc.constantFrom(...SUBS),
        fc.subarray(ROLES),
        fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.option(fc.tuple(fc.nat(), fc.constantFrom(...SEGMENTS)), { nil: undefined }),
        (scopes, subject, roles, segments, asLink, under) => {
          const config = validateConfig(withScopes(scopes, mappingFor(scopes)));
          const { gate, keys } = coreFor(config);
          // Half the paths are under a rule's folder (its `{sub}` filled with a segment), so that rules decide often.
          const uri =
            under === undefined
              ? '/files/' + segments.join('/')
              : scopes.rules[under[0] % scopes.rules.length]!.path.replace('{sub}', under[1]) + segments.join('/');
          const claims = { sub: subject, roles };
          const decision = asLink
            ? gate.decide(request(uri, undefined, mintLink(uri, { claims })), keys, NOW)
            : gate.decide(request(uri, mint({ claims }), undefined), keys, NOW);
          const allowed = oracleAllows(scopes, subject, roles, uri);
          if (decision.action === 'forward') {
            forwarded++;
            expect(allowed).toBe(true);
            expect(decision.uri).toBe('/tenants/acme' + uri);
          } else {
            refused++;
            expect(allowed).toBe(false);
            expect(decision.refusal).toMatchObject({ code: 'scope_denied' });
            expect(decision.response.status).toBe(403);
          }
        },
      ),
      { numRuns: 400 },
    );
    // Both outcomes are reached, so the property cannot hold vacuously.
    expect(forwarded).toBeGreaterThan(40);
    expect(refused).toBeGreaterThan(40);
  });
});

describe("docs/reference.md's scopes example ('reference.md', Path scopes)", () => {
  const page = readFileSync(join(ROOT, 'docs', 'reference.md'), 'utf8');
  const section = page.slice(page.indexOf('### Path scopes'));
  const block = JSON.parse(/```json\n([\s\S]*?)```/.exec(section)![1]!) as {
    scopes: unknown;
    login: { claimMapping: Record<string, string> };
  };
  const config = validateConfig({ ...example, scopes: block.scopes, login: { ...login, ...block.login } });
  const { gate, keys } = coreFor(config);
  const verdict = (uri: string, claims: Record<string, unknown>) => {
    const decision = gate.decide(request(uri, mint({ claims }), undefined), keys, NOW);
    return decision.action === 'forward' ? 'forward' : decision.refusal!.code;
  };

  it.each([
    ['alice opens her folder', '/files/users/alice/a', {}, 'forward'],
    ["and nobody else's", '/files/users/bob/a', {}, 'scope_denied'],
    ['unless she has the admin role', '/files/users/bob/a', { roles: ['admin'] }, 'forward'],
    ['finance only with finance', '/files/finance/a', { roles: ['finance'] }, 'forward'],
    ['or cfo', '/files/finance/a', { roles: ['cfo'] }, 'forward'],
    ['not without', '/files/finance/a', {}, 'scope_denied'],
    ['shared always', '/files/shared/a', {}, 'forward'],
    ['and nothing else', '/files/report.pdf', { roles: ['admin', 'finance'] }, 'scope_denied'],
  ])('%s', (_name, uri, claims, expected) => {
    expect(verdict(uri, claims)).toBe(expected);
  });
});

describe("property, on the built targets: both give the rules' verdict (the scopes variant, default deny)", () => {
  let edge: (c: RequestCase) => Promise<Outcome>;
  let cff: (c: RequestCase) => Promise<Outcome>;
  frozenAtNowQuietly();
  beforeAll(async () => {
    const dir = await built('scopes');
    const handler = loadLambdaEdge(join(dir, 'viewer-request', 'index.js'));
    const run = vmRunner(join(dir, 'cloudfront-function', 'index.js'));
    edge = async (c) => lambdaEdgeOutcome(await handler(lambdaEdgeEvent(c)));
    cff = async (c) => cloudFrontFunctionOutcome(await run(cloudFrontFunctionEvent(c)));
  });

  it('forwards exactly what the rules open, refuses the rest 403 scope_denied, on Lambda@Edge and the CloudFront Function alike', async () => {
    const scopes = SCOPES as unknown as ScopesConfig;
    const folders = ['/files/users/', '/files/teams/', '/files/finance/', '/files/public/', '/files/'];
    const outcomes = { forwarded: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...folders),
        fc.array(fc.constantFrom(...SEGMENTS, 'shared', 'alice', 'A'), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...SUBS),
        fc.subarray(['finance', 'cfo', 'admin', 'staff']),
        fc.boolean(),
        async (folder, segments, subject, roles, asLink) => {
          const uri = folder + segments.join('/');
          const claims = { sub: subject, roles };
          const c: RequestCase = asLink
            ? { name: uri, uri, querystring: `token=${mintLink(uri, { claims })}`, expect: { status: 0 } }
            : { name: uri, uri, cookies: [`__Host-tenant=${mint({ claims })}`], expect: { status: 0 } };
          const [onEdge, onCff] = [await edge(c), await cff(c)];
          const allowed = oracleAllows(scopes, subject, roles, uri);
          outcomes[allowed ? 'forwarded' : 'refused']++;
          const expected = allowed
            ? { status: 'forward', uri: '/tenants/acme' + uri }
            : { status: 403, code: 'scope_denied' };
          expect(onEdge).toMatchObject(expected);
          expect(onCff).toMatchObject(expected);
        },
      ),
      { numRuns: 300 },
    );
    // Both outcomes are reached, so the property cannot hold vacuously.
    expect(outcomes.forwarded).toBeGreaterThan(30);
    expect(outcomes.refused).toBeGreaterThan(30);
  });
});
