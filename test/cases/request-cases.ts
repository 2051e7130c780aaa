/**
 * The conformance table: viewer requests and what the gate must do with them. Run against every built
 * artifact (Lambda@Edge bundle, CloudFront Function), so the targets cannot drift apart.
 *
 * A request is described in runtime-neutral terms (raw Cookie header values, a raw query string); each
 * runner turns it into its runtime's event the way CloudFront would.
 */
import { grantCases } from './grant-cases';
import { scopeCases } from './scope-cases';
import { tokenCases } from './token-cases';
import { mint, mintLink } from '../helpers/tokens';

export interface RequestCase {
  name: string;
  /**
   * Which built configuration: the default one, `web` (loginUrl and corsOrigins set), `scopes` (scope-cases.ts) or
   * `grants` (folder grants on, grant-cases.ts).
   */
  config?: 'default' | 'web' | 'scopes' | 'grants';
  method?: string;
  uri?: string;
  /** Raw `Cookie` header values, one per header. */
  cookies?: string[];
  querystring?: string;
  headers?: Record<string, string>;
  ip?: string;
  expect:
    | { status: 'forward'; uri: string; querystring?: string; cookies?: string[] }
    | { status: number; code?: string; headers?: Record<string, string> };
  /** Only HS256 is verifiable in a CloudFront Function: there this case is a 401. */
  asymmetric?: boolean;
}

const good = mint();
const cookie = (token: string) => `__Host-tenant=${token}`;
const FILE = '/files/report.pdf';
const ACME_FILE = '/tenants/acme/files/report.pdf';
const unauthorized = { status: 401, code: 'invalid_token' } as const;

const traversal = [
  '/files/../tenants/globex/files/x',
  '/files/a/../../tenants/globex/files/x',
  '/files/./x',
  '/files/.',
  '/files/..',
  '/files//x',
  '/files/x/',
  '/files/%2e%2e/x',
  '/files/%2E%2E/x',
  '/files/.%2e/x',
  '/files/%2e/x',
  '/files/a%2fb',
  '/files/a%2Fb',
  '/files/%2f%2fevil',
  '/files/a%5cb',
  '/files/a\\b',
  '/files/..\\x',
  '/files/%25',
  '/files/%252e%252e/x',
  '/files/%c0%ae%c0%ae/x',
  '/files/%c0%af',
  '/files/%ff',
  '/files/%e2%80',
  '/files/%ed%a0%80',
  '/files/%ZZ',
  '/files/%2',
  '/files/%',
  '/files/a%00b',
  '/files/a%0ab',
  '/files/a%0d%0aset-cookie:x',
  '/files/a%7f',
  '/files/a%c2%85',
  '/files/a%e2%80%a8',
  '/files/a b',
  '/files/ä',
  '/files/a\tb',
  '/files/a?b',
  '/files/a#b',
  'files/report.pdf',
  '',
];

export const requestCases: RequestCase[] = [
  // ── allowed ───────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'valid cookie: rewritten into the tenant prefix',
    cookies: [cookie(good)],
    expect: { status: 'forward', uri: ACME_FILE },
  },
  { name: 'HEAD passes', method: 'HEAD', cookies: [cookie(good)], expect: { status: 'forward', uri: ACME_FILE } },
  {
    name: 'nested path',
    uri: '/files/2026/q3/report.pdf',
    cookies: [cookie(good)],
    expect: { status: 'forward', uri: '/tenants/acme/files/2026/q3/report.pdf' },
  },
  {
    name: 'percent-encoded UTF-8 and spaces pass unchanged',
    uri: '/files/r%C3%A9sum%C3%A9%20final.pdf',
    cookies: [cookie(good)],
    expect: { status: 'forward', uri: '/tenants/acme/files/r%C3%A9sum%C3%A9%20final.pdf' },
  },
  {
    name: 'a name of three dots is a name, not a dot segment',
    uri: '/files/...',
    cookies: [cookie(good)],
    expect: { status: 'forward', uri: '/tenants/acme/files/...' },
  },
  {
    name: 'dotfile-like names pass',
    uri: '/files/.well-known',
    cookies: [cookie(good)],
    expect: { status: 'forward', uri: '/tenants/acme/files/.well-known' },
  },
  {
    name: 'token cookie dropped, other cookies kept, across several Cookie headers',
    cookies: ['theme=dark; ' + cookie(good), 'lang=en'],
    expect: { status: 'forward', uri: ACME_FILE, cookies: ['theme=dark', 'lang=en'] },
  },
  {
    name: 'querystring kept',
    querystring: 'v=3&w=200',
    cookies: [cookie(good)],
    expect: { status: 'forward', uri: ACME_FILE, querystring: 'v=3&w=200' },
  },
  {
    name: 'tenant hints in headers, query and host are ignored',
    cookies: [cookie(good)],
    querystring: 'tenant=globex&tid=globex',
    headers: { 'x-tenant': 'globex', 'x-tenant-id': 'globex', host: 'globex.cdn.example.com' },
    expect: { status: 'forward', uri: ACME_FILE, querystring: 'tenant=globex&tid=globex' },
  },
  {
    name: 'the other tenant gets its own prefix',
    cookies: [cookie(mint({ claims: { tid: 'globex' } }))],
    expect: { status: 'forward', uri: '/tenants/globex/files/report.pdf' },
  },

  // ── credentials ───────────────────────────────────────────────────────────────────────────────────
  { name: 'no cookie at all', expect: { status: 401, code: 'missing_credentials' } },
  {
    name: 'other cookies only',
    cookies: ['theme=dark; lang=en'],
    expect: { status: 401, code: 'missing_credentials' },
  },
  {
    name: 'cookie name in another case',
    cookies: [`__host-tenant=${good}`],
    expect: { status: 401, code: 'missing_credentials' },
  },
  {
    name: 'cookie name as a suffix of another',
    cookies: [`x__Host-tenant=${good}`],
    expect: { status: 401, code: 'missing_credentials' },
  },
  { name: 'empty token cookie', cookies: ['__Host-tenant='], expect: { status: 401, code: 'missing_credentials' } },
  {
    name: 'token cookie twice in one header',
    cookies: [`${cookie(good)}; ${cookie(good)}`],
    expect: { status: 400, code: 'duplicate_credentials' },
  },
  {
    name: 'token cookie twice across headers',
    cookies: [cookie(good), cookie(mint({ claims: { tid: 'globex' } }))],
    expect: { status: 400, code: 'duplicate_credentials' },
  },
  {
    name: 'token cookie twice, one empty (tossed)',
    cookies: [`__Host-tenant=; ${cookie(good)}`],
    expect: { status: 400, code: 'duplicate_credentials' },
  },
  {
    name: 'a token in the Authorization header is not a credential',
    headers: { authorization: `Bearer ${good}` },
    expect: { status: 401, code: 'missing_credentials' },
  },
  { name: 'quoted cookie value', cookies: [`__Host-tenant="${good}"`], expect: unauthorized },
  { name: 'a link token in the cookie', cookies: [cookie(mintLink(FILE))], expect: unauthorized },
  ...tokenCases
    .filter((c) => c.expect !== 'ok' && c.token !== '' && !c.token.includes(';') && !/[\s"]/.test(c.token))
    .map((c): RequestCase => ({ name: `cookie token: ${c.name}`, cookies: [cookie(c.token)], expect: unauthorized })),
  ...tokenCases
    .filter((c) => c.expect === 'ok')
    .map((c): RequestCase => ({
      name: `cookie token: ${c.name}`,
      cookies: [cookie(c.token)],
      expect: {
        status: 'forward',
        uri:
          '/tenants/' +
          (JSON.parse(Buffer.from(c.token.split('.')[1]!, 'base64url').toString()).tid as string) +
          '/files/report.pdf',
      },
      asymmetric: c.asymmetric === true,
    })),

  // ── link tokens ───────────────────────────────────────────────────────────────────────────────────
  {
    name: 'link token opens its file, and is stripped',
    querystring: `token=${mintLink(FILE)}`,
    expect: { status: 'forward', uri: ACME_FILE, querystring: '' },
  },
  {
    name: 'link token among other parameters',
    querystring: `w=200&token=${mintLink(FILE)}&v=2`,
    expect: { status: 'forward', uri: ACME_FILE, querystring: 'w=200&v=2' },
  },
  {
    name: 'link token wins over a bad cookie',
    cookies: [cookie('garbage')],
    querystring: `token=${mintLink(FILE)}`,
    expect: { status: 'forward', uri: ACME_FILE, querystring: '' },
  },
  {
    name: 'link token for another file',
    uri: '/files/other.pdf',
    querystring: `token=${mintLink(FILE)}`,
    expect: { status: 403, code: 'link_path_mismatch' },
  },
  {
    name: 'link token for a prefix of the path',
    uri: '/files/report.pdf2',
    querystring: `token=${mintLink(FILE)}`,
    expect: { status: 403, code: 'link_path_mismatch' },
  },
  {
    name: 'link token bound to the viewer address',
    ip: '192.0.2.10',
    querystring: `token=${mintLink(FILE, { ip: '192.0.2.10' })}`,
    expect: { status: 'forward', uri: ACME_FILE, querystring: '' },
  },
  {
    name: 'link token bound to another address',
    ip: '192.0.2.11',
    querystring: `token=${mintLink(FILE, { ip: '192.0.2.10' })}`,
    expect: { status: 403, code: 'link_ip_mismatch' },
  },
  {
    name: 'link token bound, viewer on IPv6',
    ip: '2001:db8::10',
    querystring: `token=${mintLink(FILE, { ip: '192.0.2.10' })}`,
    expect: { status: 403, code: 'link_ip_mismatch' },
  },
  {
    name: 'link token bound to an IPv6 address, viewer at it in another spelling',
    ip: '2001:0DB8:0:0:0:0:0:010',
    querystring: `token=${mintLink(FILE, { ip: '2001:db8::10' })}`,
    expect: { status: 'forward', uri: ACME_FILE, querystring: '' },
  },
  {
    name: 'link token bound to an IPv6 address, viewer at another IPv6 address',
    ip: '2001:db8::11',
    querystring: `token=${mintLink(FILE, { ip: '2001:db8::10' })}`,
    expect: { status: 403, code: 'link_ip_mismatch' },
  },
  {
    name: 'link token bound to an IPv6 address, viewer on IPv4',
    ip: '192.0.2.10',
    querystring: `token=${mintLink(FILE, { ip: '2001:db8::10' })}`,
    expect: { status: 403, code: 'link_ip_mismatch' },
  },
  {
    name: 'link token bound to an IPv6 address, viewer address unreadable (an IPv4 tail)',
    ip: '::ffff:192.0.2.10',
    querystring: `token=${mintLink(FILE, { ip: '::ffff:c000:20a' })}`,
    expect: { status: 403, code: 'link_ip_mismatch' },
  },
  {
    name: 'link token bound to an IPv6 address with a zone',
    ip: 'fe80::1',
    querystring: `token=${mintLink(FILE, { ip: 'fe80::1%eth0' })}`,
    expect: unauthorized,
  },
  {
    name: 'link token with an X-Forwarded-For claiming the bound address',
    ip: '198.51.100.7',
    headers: { 'x-forwarded-for': '192.0.2.10' },
    querystring: `token=${mintLink(FILE, { ip: '192.0.2.10' })}`,
    expect: { status: 403, code: 'link_ip_mismatch' },
  },
  {
    name: 'link token expired',
    querystring: `token=${mintLink(FILE, { claims: { exp: 1_800_000_000 - 31 } })}`,
    expect: unauthorized,
  },
  {
    name: 'link token repeated',
    querystring: `token=${mintLink(FILE)}&token=${mintLink(FILE)}`,
    expect: { status: 400, code: 'invalid_query' },
  },
  {
    name: 'link token repeated under an encoded name',
    querystring: `token=${mintLink(FILE)}&%74oken=x`,
    expect: { status: 400, code: 'invalid_query' },
  },
  {
    name: 'link token empty',
    querystring: 'token=',
    cookies: [cookie(good)],
    expect: { status: 400, code: 'invalid_query' },
  },
  { name: 'session token in the query', querystring: `token=${good}`, expect: unauthorized },
  {
    name: 'link token of another tenant for the same viewer path opens its own tenant only',
    querystring: `token=${mintLink(FILE, { claims: { tid: 'globex' } })}`,
    expect: { status: 'forward', uri: '/tenants/globex/files/report.pdf', querystring: '' },
  },

  // ── methods ───────────────────────────────────────────────────────────────────────────────────────
  ...['POST', 'PUT', 'DELETE', 'PATCH', 'get', 'TRACE', 'CONNECT'].map((method): RequestCase => ({
    name: `method ${method}`,
    method,
    cookies: [cookie(good)],
    expect: { status: 405, code: 'method_not_allowed', headers: { allow: 'GET, HEAD' } },
  })),
  {
    name: 'OPTIONS without corsOrigins',
    method: 'OPTIONS',
    headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' },
    expect: { status: 405, code: 'method_not_allowed' },
  },

  // ── paths ─────────────────────────────────────────────────────────────────────────────────────────
  ...traversal.map((uri): RequestCase => ({
    name: `path ${JSON.stringify(uri)}`,
    uri,
    cookies: [cookie(good)],
    expect: { status: 400, code: 'invalid_path' },
  })),
  {
    name: 'path longer than an S3 key',
    uri: '/files/' + 'a'.repeat(1100),
    cookies: [cookie(good)],
    expect: { status: 400, code: 'invalid_path' },
  },
  {
    name: 'path outside /files/',
    uri: '/tenants/globex/files/report.pdf',
    cookies: [cookie(good)],
    expect: { status: 403, code: 'path_not_allowed' },
  },
  {
    name: 'path /files without a file',
    uri: '/files',
    cookies: [cookie(good)],
    expect: { status: 403, code: 'path_not_allowed' },
  },
  {
    name: 'path /filesx/a',
    uri: '/filesx/a',
    cookies: [cookie(good)],
    expect: { status: 403, code: 'path_not_allowed' },
  },
  {
    name: 'bad path refused before credentials are read',
    uri: '/files/../x',
    expect: { status: 400, code: 'invalid_path' },
  },

  // ── web configuration: login redirect and CORS ────────────────────────────────────────────────────
  {
    name: 'navigation without a cookie redirects to login',
    config: 'web',
    headers: { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', accept: 'text/html' },
    expect: { status: 302, headers: { location: '/login?return_to=%2Ffiles%2Freport.pdf' } },
  },
  {
    name: 'navigation without Sec-Fetch headers, Accept text/html',
    config: 'web',
    headers: { accept: 'text/html,application/xhtml+xml' },
    expect: { status: 302, headers: { location: '/login?return_to=%2Ffiles%2Freport.pdf' } },
  },
  {
    name: 'image fetch without a cookie is a 401, not a redirect',
    config: 'web',
    headers: { 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image', accept: 'text/html' },
    expect: { status: 401, code: 'missing_credentials' },
  },
  {
    name: 'navigation with a bad path is a 400, not a redirect',
    config: 'web',
    uri: '/files/%2e%2e/x',
    headers: { accept: 'text/html' },
    expect: { status: 400, code: 'invalid_path' },
  },
  {
    name: 'CORS preflight from an allowed origin',
    config: 'web',
    method: 'OPTIONS',
    headers: {
      origin: 'https://app.example.com',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'range, x-evil',
    },
    expect: {
      status: 204,
      headers: {
        'access-control-allow-origin': 'https://app.example.com',
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET, HEAD',
        'access-control-allow-headers': 'range, if-none-match, if-modified-since',
        vary: 'Origin',
      },
    },
  },
  {
    name: 'CORS preflight from another origin',
    config: 'web',
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' },
    expect: { status: 403, code: 'origin_not_allowed' },
  },
  {
    name: 'CORS preflight for POST',
    config: 'web',
    method: 'OPTIONS',
    headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    expect: { status: 405, code: 'method_not_allowed' },
  },
  {
    name: 'refusal readable by an allowed origin',
    config: 'web',
    headers: { origin: 'https://app.example.com' },
    expect: {
      status: 401,
      code: 'missing_credentials',
      headers: { 'access-control-allow-origin': 'https://app.example.com' },
    },
  },
  {
    name: 'method refusal lists OPTIONS when CORS is on',
    config: 'web',
    method: 'POST',
    expect: { status: 405, code: 'method_not_allowed', headers: { allow: 'GET, HEAD, OPTIONS' } },
  },
  ...scopeCases,
  ...grantCases,
];

/** The `web` configuration: the default one plus a login URL and one allowed origin. */
export const WEB_OVERRIDES = { loginUrl: '/login', corsOrigins: ['https://app.example.com'] };
