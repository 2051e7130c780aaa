/**
 * Conformance rows for path scopes (issue 13), run like every row against each built target, in the `scopes`
 * configuration below: per-user folders (with an admin role that opens every one of them), a role folder, a
 * `{sub}` segment in the middle of a pattern, an open folder, and deny by default.
 */
import type { RequestCase } from './request-cases';
import { mint, mintLink } from '../helpers/tokens';

/** The `scopes` configuration: the default one plus these rules (and the login's mapping for `roles`). */
export const SCOPES = {
  rules: [
    { path: '/files/users/{sub}/', claim: 'roles', anyOf: ['admin'] },
    { path: '/files/finance/', claim: 'roles', anyOf: ['finance', 'cfo'] },
    { path: '/files/teams/{sub}/shared/' },
    { path: '/files/public/' },
  ],
  default: 'deny',
} as const;

const cookie = (token: string) => `__Host-tenant=${token}`;
const withClaims = (claims: Record<string, unknown>) => [cookie(mint({ claims }))];
const alice = [cookie(mint())];
const forward = (uri: string) => ({ status: 'forward', uri: `/tenants/acme${uri}` }) as const;
const denied = { status: 403, code: 'scope_denied' } as const;
const unauthorized = { status: 401, code: 'invalid_token' } as const;

const rows: Omit<RequestCase, 'config'>[] = [
  // ── per-user folders ────────────────────────────────────────────────────────────────────────────────
  {
    name: 'own folder opens',
    uri: '/files/users/alice/notes.txt',
    cookies: alice,
    expect: forward('/files/users/alice/notes.txt'),
  },
  {
    name: 'own folder, nested',
    uri: '/files/users/alice/2026/q3.pdf',
    cookies: alice,
    expect: forward('/files/users/alice/2026/q3.pdf'),
  },
  {
    name: "another user's folder of the same tenant is refused",
    uri: '/files/users/bob/notes.txt',
    cookies: alice,
    expect: denied,
  },
  {
    name: 'a folder whose name starts with the sub is another folder',
    uri: '/files/users/alicex/notes.txt',
    cookies: alice,
    expect: denied,
  },
  {
    name: 'the folder of a user whose name the sub starts with is refused',
    uri: '/files/users/ali/notes.txt',
    cookies: alice,
    expect: denied,
  },
  {
    name: 'own folder named with escapes: judged decoded, forwarded as sent',
    uri: '/files/users/%61lice/notes.txt',
    cookies: alice,
    expect: forward('/files/users/%61lice/notes.txt'),
  },
  {
    name: "another user's folder named with escapes is refused (S3 decodes the key)",
    uri: '/files/users/b%6Fb/notes.txt',
    cookies: alice,
    expect: denied,
  },
  {
    name: 'a file beside the user folders is no folder of the rule: default deny',
    uri: '/files/users/alice',
    cookies: alice,
    expect: denied,
  },
  {
    name: 'a role of the rule opens every user folder',
    uri: '/files/users/bob/notes.txt',
    cookies: withClaims({ roles: ['staff', 'admin'] }),
    expect: forward('/files/users/bob/notes.txt'),
  },
  {
    name: 'a credential without sub owns no folder',
    uri: '/files/users/alice/notes.txt',
    cookies: withClaims({ sub: undefined }),
    expect: denied,
  },
  {
    name: 'a sub that is not a safe path segment owns no folder, even where the decoded path names it',
    uri: '/files/users/a%20b/notes.txt',
    cookies: withClaims({ sub: 'a b' }),
    expect: denied,
  },
  {
    name: 'a sub holding "/" matches no single segment',
    uri: '/files/users/alice/bob/notes.txt',
    cookies: withClaims({ sub: 'alice/bob' }),
    expect: denied,
  },
  {
    name: 'sub is compared exactly: case matters (S3 keys are case-sensitive)',
    uri: '/files/users/Alice/notes.txt',
    cookies: alice,
    expect: denied,
  },
  // ── {sub} inside a pattern ────────────────────────────────────────────────────────────────────────
  {
    name: "own team's shared folder opens",
    uri: '/files/teams/alice/shared/plan.md',
    cookies: alice,
    expect: forward('/files/teams/alice/shared/plan.md'),
  },
  {
    name: 'beside the shared folder: no rule, default deny',
    uri: '/files/teams/alice/private/plan.md',
    cookies: alice,
    expect: denied,
  },
  {
    name: "another's shared folder is refused",
    uri: '/files/teams/bob/shared/plan.md',
    cookies: alice,
    expect: denied,
  },
  // ── role folders ──────────────────────────────────────────────────────────────────────────────────
  {
    name: 'role folder opens with one of its roles',
    uri: '/files/finance/q3.xlsx',
    cookies: withClaims({ roles: ['finance'] }),
    expect: forward('/files/finance/q3.xlsx'),
  },
  {
    name: 'role folder opens with another of its roles',
    uri: '/files/finance/q3.xlsx',
    cookies: withClaims({ roles: ['cfo'] }),
    expect: forward('/files/finance/q3.xlsx'),
  },
  { name: 'role folder refused without roles', uri: '/files/finance/q3.xlsx', cookies: alice, expect: denied },
  {
    name: 'role folder refused with other roles',
    uri: '/files/finance/q3.xlsx',
    cookies: withClaims({ roles: ['sales', 'Finance', 'finance '] }),
    expect: denied,
  },
  {
    name: 'role folder named with escapes is still the role folder',
    uri: '/files/fin%61nce/q3.xlsx',
    cookies: alice,
    expect: denied,
  },
  {
    name: 'role folder refused with an empty role list',
    uri: '/files/finance/q3.xlsx',
    cookies: withClaims({ roles: [] }),
    expect: denied,
  },
  // ── open folder, default ──────────────────────────────────────────────────────────────────────────
  {
    name: 'an open folder opens to every credential of the tenant',
    uri: '/files/public/logo.png',
    cookies: alice,
    expect: forward('/files/public/logo.png'),
  },
  { name: 'no rule covers the path: default deny', uri: '/files/report.pdf', cookies: alice, expect: denied },
  {
    name: 'a role opens nothing outside its rule: default deny',
    uri: '/files/report.pdf',
    cookies: withClaims({ roles: ['admin', 'finance'] }),
    expect: denied,
  },
  // ── malformed scope claims: token failures (401), never read in part ───────────────────────────────
  {
    name: 'roles as a string',
    uri: '/files/public/logo.png',
    cookies: withClaims({ roles: 'finance' }),
    expect: unauthorized,
  },
  {
    name: 'roles holding a number',
    uri: '/files/public/logo.png',
    cookies: withClaims({ roles: ['a', 1] }),
    expect: unauthorized,
  },
  {
    name: 'roles holding an empty string',
    uri: '/files/public/logo.png',
    cookies: withClaims({ roles: [''] }),
    expect: unauthorized,
  },
  {
    name: 'roles as an object',
    uri: '/files/public/logo.png',
    cookies: withClaims({ roles: { 0: 'finance' } }),
    expect: unauthorized,
  },
  {
    name: 'roles with more than 64 values',
    uri: '/files/public/logo.png',
    cookies: withClaims({ roles: Array.from({ length: 65 }, (_, i) => `r${i}`) }),
    expect: unauthorized,
  },
  {
    name: 'a role longer than 128 characters',
    uri: '/files/public/logo.png',
    cookies: withClaims({ roles: ['r'.repeat(129)] }),
    expect: unauthorized,
  },
  { name: 'roles null', uri: '/files/public/logo.png', cookies: withClaims({ roles: null }), expect: unauthorized },
  { name: 'sub as a number', uri: '/files/public/logo.png', cookies: withClaims({ sub: 7 }), expect: unauthorized },
  { name: 'sub empty', uri: '/files/public/logo.png', cookies: withClaims({ sub: '' }), expect: unauthorized },
  {
    name: 'sub of 256 characters',
    uri: '/files/public/logo.png',
    cookies: withClaims({ sub: 'a'.repeat(256) }),
    expect: unauthorized,
  },
  {
    name: 'sub of 255 characters is a sub',
    uri: `/files/users/${'a'.repeat(255)}/x`,
    cookies: withClaims({ sub: 'a'.repeat(255) }),
    expect: forward(`/files/users/${'a'.repeat(255)}/x`),
  },
  // ── order: scopes come after the other checks ──────────────────────────────────────────────────────
  {
    name: 'outside pathPrefix stays path_not_allowed',
    uri: '/private/x',
    cookies: alice,
    expect: { status: 403, code: 'path_not_allowed' },
  },
  {
    name: 'no credential stays a 401',
    uri: '/files/users/bob/x',
    expect: { status: 401, code: 'missing_credentials' },
  },
  // ── links: scopes apply to them too ─────────────────────────────────────────────────────────────────
  {
    name: 'link into own folder',
    uri: '/files/users/alice/notes.txt',
    querystring: `token=${mintLink('/files/users/alice/notes.txt')}`,
    expect: forward('/files/users/alice/notes.txt'),
  },
  {
    name: "link into another's folder, minted by someone else, is refused",
    uri: '/files/users/bob/notes.txt',
    querystring: `token=${mintLink('/files/users/bob/notes.txt')}`,
    expect: denied,
  },
  {
    name: 'link into the role folder carrying the role',
    uri: '/files/finance/q3.xlsx',
    querystring: `token=${mintLink('/files/finance/q3.xlsx', { claims: { roles: ['finance'] } })}`,
    expect: forward('/files/finance/q3.xlsx'),
  },
  {
    name: 'link into the role folder without the role',
    uri: '/files/finance/q3.xlsx',
    querystring: `token=${mintLink('/files/finance/q3.xlsx')}`,
    expect: denied,
  },
  {
    name: 'link with malformed roles',
    uri: '/files/public/logo.png',
    querystring: `token=${mintLink('/files/public/logo.png', { claims: { roles: 'admin' } })}`,
    expect: unauthorized,
  },
];

export const scopeCases: RequestCase[] = rows.map((row) => ({ ...row, name: `scopes: ${row.name}`, config: 'scopes' }));
