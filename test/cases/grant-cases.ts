/**
 * Folder grants in the conformance table (issue 14): the `grants` configuration, and every way a grant must be
 * refused — outside its folder (the prefix sibling, traversal), another tenant's, expired, another address, a
 * grant used as a session or a link and they as a grant. Run on every target by test/conformance.test.ts.
 */
import type { RequestCase } from './request-cases';
import { mint, mintGrant, mintLink, NOW } from '../helpers/tokens';

/** The `grants` configuration: the default one with folder grants on (48 h at most, under /grants/). */
export const GRANT_OVERRIDES = { grants: { pathPrefix: '/grants/', maxLifetimeSeconds: 172800 } };

const DIR = '/files/films/nosferatu/';
const film = mintGrant(DIR);
/** The grant path: the token, then the viewer path under pathPrefix (`films/nosferatu/…` for `/files/films/nosferatu/…`). */
const at = (token: string, rest: string) => `/grants/${token}/${rest}`;
const IN = 'films/nosferatu/';
const ORIGIN_DIR = '/tenants/acme/files/films/nosferatu/';
const forward = (uri: string) => ({ status: 'forward' as const, uri });
const unauthorized = { status: 401, code: 'invalid_token' } as const;
const badPath = { status: 400, code: 'invalid_path' } as const;

function grantCase(c: Omit<RequestCase, 'config'>): RequestCase {
  return { ...c, config: 'grants' };
}

export const grantCases: RequestCase[] = [
  // ── allowed: every file inside the folder, rewritten into the tenant's prefix, without the token ──────
  grantCase({
    name: 'grant: the playlist inside its folder',
    uri: at(film, IN + 'master.m3u8'),
    expect: forward(ORIGIN_DIR + 'master.m3u8'),
  }),
  grantCase({
    name: 'grant: a segment in a sub-folder',
    uri: at(film, IN + '720p/seg-001.ts'),
    expect: forward(ORIGIN_DIR + '720p/seg-001.ts'),
  }),
  grantCase({
    name: 'grant: HEAD, and the query kept',
    method: 'HEAD',
    uri: at(film, IN + 'master.m3u8'),
    querystring: 'v=2',
    expect: { status: 'forward', uri: ORIGIN_DIR + 'master.m3u8', querystring: 'v=2' },
  }),
  grantCase({
    name: 'grant: a percent-encoded name passes unchanged',
    uri: at(film, IN + 'r%C3%A9sum%C3%A9.vtt'),
    expect: forward(ORIGIN_DIR + 'r%C3%A9sum%C3%A9.vtt'),
  }),
  grantCase({
    name: 'grant: a session cookie beside it is not read, and dropped',
    uri: at(film, IN + 'master.m3u8'),
    cookies: ['theme=dark; __Host-tenant=' + mint({ claims: { tid: 'globex' } })],
    expect: { status: 'forward', uri: ORIGIN_DIR + 'master.m3u8', cookies: ['theme=dark'] },
  }),
  grantCase({
    name: 'grant: bound to the viewer address',
    uri: at(mintGrant(DIR, { ip: '203.0.113.178' }), IN + 'master.m3u8'),
    expect: forward(ORIGIN_DIR + 'master.m3u8'),
  }),
  grantCase({
    name: 'grant: bound to an IPv6 viewer, written another way',
    uri: at(mintGrant(DIR, { ip: '2001:db8::7' }), IN + 'master.m3u8'),
    ip: '2001:0db8:0:0:0:0:0:7',
    expect: forward(ORIGIN_DIR + 'master.m3u8'),
  }),
  grantCase({
    name: "grant: another tenant's grant opens that tenant's folder, never acme's",
    uri: at(mintGrant(DIR, { claims: { tid: 'globex' } }), IN + 'master.m3u8'),
    expect: forward('/tenants/globex/files/films/nosferatu/master.m3u8'),
  }),
  grantCase({
    name: 'grant: living exactly the configured maximum (48 h)',
    uri: at(mintGrant(DIR, { claims: { iat: NOW - 60, exp: NOW - 60 + 172800 } }), IN + 'master.m3u8'),
    expect: forward(ORIGIN_DIR + 'master.m3u8'),
  }),

  // ── outside the folder ──────────────────────────────────────────────────────────────────────────────
  grantCase({
    name: 'grant for /films/a/ used on the prefix sibling /films/ab/',
    uri: at(mintGrant('/files/films/a/'), 'films/ab/x.ts'),
    expect: { status: 403, code: 'grant_path_mismatch' },
  }),
  grantCase({
    name: 'grant used on the parent folder',
    uri: at(film, 'films/other.m3u8'),
    expect: { status: 403, code: 'grant_path_mismatch' },
  }),
  grantCase({
    name: 'grant used on the folder name without its slash',
    uri: at(mintGrant('/files/films/a/'), 'films/a'),
    expect: { status: 403, code: 'grant_path_mismatch' },
  }),
  ...[
    'films/nosferatu/../other/x.ts',
    'films/nosferatu/%2e%2e/%2e%2e/x',
    'films/nosferatu/..%2fother',
    'films/nosferatu/%2E%2E/x',
    'films/nosferatu//x.ts',
    'films/nosferatu/./x.ts',
    'films/nosferatu/',
    'films/nosferatu/a%5cb',
    'films/nosferatu/a%00b',
    '../tenants/globex/files/x',
    '',
  ].map((rest) =>
    grantCase({
      name: `grant: traversal or bad path ${JSON.stringify(rest)}`,
      uri: at(film, rest),
      expect: badPath,
    }),
  ),
  grantCase({
    name: 'grant: a path too long for an S3 key',
    uri: at(film, 'films/nosferatu/' + 'a'.repeat(1100)),
    expect: badPath,
  }),
  grantCase({
    name: 'a dot-dot token segment out of the grant prefix, with a session cookie',
    uri: '/grants/../files/report.pdf',
    cookies: [`__Host-tenant=${mint()}`],
    expect: unauthorized,
  }),
  {
    name: 'grants off: a dot-dot segment out of the grant prefix',
    uri: '/grants/../files/report.pdf',
    cookies: [`__Host-tenant=${mint()}`],
    expect: badPath,
  },
  grantCase({ name: 'grant path without a token', uri: '/grants/', expect: badPath }),
  grantCase({ name: 'grant path with an empty token segment', uri: '/grants//films/x.ts', expect: badPath }),
  grantCase({ name: 'grant path with only a token', uri: `/grants/${film}`, expect: badPath }),

  // ── the grant itself ────────────────────────────────────────────────────────────────────────────────
  grantCase({
    name: 'grant: expired',
    uri: at(mintGrant(DIR, { claims: { iat: NOW - 7200, exp: NOW - 3600 } }), IN + 'master.m3u8'),
    expect: unauthorized,
  }),
  grantCase({
    name: 'grant: living longer than the configured maximum',
    uri: at(mintGrant(DIR, { claims: { iat: NOW - 60, exp: NOW - 59 + 172800 } }), IN + 'master.m3u8'),
    expect: unauthorized,
  }),
  grantCase({
    name: 'grant: from another address',
    uri: at(mintGrant(DIR, { ip: '198.51.100.7' }), IN + 'master.m3u8'),
    expect: { status: 403, code: 'grant_ip_mismatch' },
  }),
  grantCase({
    name: 'grant: bound to IPv6, used from IPv4',
    uri: at(mintGrant(DIR, { ip: '2001:db8::7' }), IN + 'master.m3u8'),
    expect: { status: 403, code: 'grant_ip_mismatch' },
  }),
  grantCase({
    name: "grant: another tenant's claim on acme's signature (tampered)",
    uri: at(
      (() => {
        const [h, , s] = film.split('.');
        const other = mintGrant(DIR, { claims: { tid: 'globex' } }).split('.')[1];
        return `${h}.${other}.${s}`;
      })(),
      IN + 'master.m3u8',
    ),
    expect: unauthorized,
  }),
  ...[
    ['without dir', undefined],
    ['dir without its trailing slash', '/files/films/nosferatu'],
    ['dir outside pathPrefix', '/tenants/globex/files/'],
    ['dir a sibling of pathPrefix', '/filesx/'],
    ['dir not a string', 7],
  ].map(([what, dir]) =>
    grantCase({
      name: `grant: ${String(what)}`,
      uri: at(mintGrant(DIR, { claims: { dir } }), IN + 'master.m3u8'),
      expect: unauthorized,
    }),
  ),
  // A folder no valid path lies in opens nothing (the minter never makes one; the edge spares the bytes of a check).
  ...[
    ['dir with a dot segment', '/files/films/../'],
    ['dir with an encoded slash', '/files/films%2fnosferatu/'],
    ['dir with an empty segment', '/files/films//'],
  ].map(([what, dir]) =>
    grantCase({
      name: `grant: ${String(what)} opens nothing`,
      uri: at(mintGrant(DIR, { claims: { dir } }), IN + 'master.m3u8'),
      expect: { status: 403, code: 'grant_path_mismatch' },
    }),
  ),
  // pathPrefix itself: the whole tenant, no more than a session of the same signer (the minter refuses it).
  grantCase({
    name: 'grant: dir = pathPrefix opens the tenant as a session of its signer would',
    uri: at(mintGrant('/files/'), IN + 'master.m3u8'),
    expect: forward(ORIGIN_DIR + 'master.m3u8'),
  }),
  grantCase({
    name: 'grant: a bad cip',
    uri: at(mintGrant(DIR, { claims: { cip: '203.0.113.0/24' } }), IN + 'master.m3u8'),
    expect: unauthorized,
  }),
  grantCase({ name: 'grant: not a token', uri: at('not-a-token', IN + 'master.m3u8'), expect: unauthorized }),
  grantCase({
    name: 'grant: a link token beside it',
    uri: at(film, IN + 'master.m3u8'),
    querystring: `token=${mintLink('/files/films/nosferatu/master.m3u8')}`,
    expect: { status: 400, code: 'duplicate_credentials' },
  }),
  grantCase({ name: 'grant: POST', method: 'POST', uri: at(film, IN + 'master.m3u8'), expect: { status: 405 } }),

  // ── one kind is never another (RFC 8725 §3.11) ──────────────────────────────────────────────────────
  grantCase({ name: 'a session token in a grant path', uri: at(mint(), IN + 'master.m3u8'), expect: unauthorized }),
  grantCase({
    name: 'a link token in a grant path',
    uri: at(mintLink('/files/films/nosferatu/master.m3u8'), IN + 'master.m3u8'),
    expect: unauthorized,
  }),
  grantCase({
    name: 'a grant as the session cookie',
    uri: '/files/films/nosferatu/master.m3u8',
    cookies: [`__Host-tenant=${film}`],
    expect: unauthorized,
  }),
  grantCase({
    name: 'a grant as a link token',
    uri: '/files/films/nosferatu/master.m3u8',
    querystring: `token=${film}`,
    expect: unauthorized,
  }),
  grantCase({
    name: 'a session still opens files beside grants',
    uri: '/files/report.pdf',
    cookies: [`__Host-tenant=${mint()}`],
    expect: forward('/tenants/acme/files/report.pdf'),
  }),

  // ── grants not configured: nothing of them works ────────────────────────────────────────────────────
  {
    name: 'grants off: a grant path is outside pathPrefix',
    uri: at(film, IN + 'master.m3u8'),
    expect: { status: 403, code: 'path_not_allowed' },
  },
  {
    name: 'grants off: a grant as the session cookie',
    uri: '/files/films/nosferatu/master.m3u8',
    cookies: [`__Host-tenant=${film}`],
    expect: unauthorized,
  },
];
