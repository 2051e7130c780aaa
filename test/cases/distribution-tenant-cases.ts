/**
 * The distribution-tenant mode's conformance table: which distribution tenant a request came in on (its `tenant`
 * parameter), the credential it carries, and what the gate must do. Run on every target that supports the mode —
 * the CloudFront Function, in node:vm and under njs (test/distribution-tenant.test.ts); the Lambda@Edge event does
 * not name the distribution tenant, so that bundle refuses every request in this mode.
 */
import { mint, mintLink } from '../helpers/tokens';

/** The distribution tenant a request is served for: undefined is a standard distribution (the runtime throws). */
export interface CalledTenant {
  id: string;
  parameters: Record<string, string>;
}

export const ACME_SITE: CalledTenant = { id: 'dt_acme0000000001', parameters: { tenant: 'acme' } };
export const GLOBEX_SITE: CalledTenant = { id: 'dt_globex00000002', parameters: { tenant: 'globex' } };

export interface DistributionTenantCase {
  name: string;
  /** The build: `rewrite` (the uri rewritten under originPrefix) or `parameter` (the origin path names the tenant). */
  build?: 'rewrite' | 'parameter';
  site: CalledTenant | undefined;
  uri?: string;
  cookies?: string[];
  querystring?: string;
  expect: { status: 'forward'; uri: string } | { status: number; code: string };
}

const FILE = '/files/report.pdf';
const cookie = (token: string) => `__Host-tenant=${token}`;
const acme = mint();
const globex = mint({ claims: { tid: 'globex' } });
const acmeLink = mintLink(FILE);
const mismatch = { status: 403, code: 'tenant_domain_mismatch' } as const;
const unavailable = { status: 503, code: 'distribution_tenant_unavailable' } as const;

export const distributionTenantCases: DistributionTenantCase[] = [
  // ── its own domain ────────────────────────────────────────────────────────────────────────────────
  {
    name: "acme's session on acme's domain opens acme's file",
    site: ACME_SITE,
    cookies: [cookie(acme)],
    expect: { status: 'forward', uri: '/tenants/acme/files/report.pdf' },
  },
  {
    name: "globex's session on globex's domain opens globex's file",
    site: GLOBEX_SITE,
    cookies: [cookie(globex)],
    expect: { status: 'forward', uri: '/tenants/globex/files/report.pdf' },
  },
  {
    name: "acme's link on acme's domain opens its file",
    site: ACME_SITE,
    querystring: `token=${acmeLink}`,
    expect: { status: 'forward', uri: '/tenants/acme/files/report.pdf' },
  },
  {
    name: 'origin path by parameter: the viewer uri goes on unchanged (the OriginPath names the tenant)',
    build: 'parameter',
    site: ACME_SITE,
    cookies: [cookie(acme)],
    expect: { status: 'forward', uri: FILE },
  },
  // ── another tenant's domain ───────────────────────────────────────────────────────────────────────
  { name: "acme's session on globex's domain", site: GLOBEX_SITE, cookies: [cookie(acme)], expect: mismatch },
  { name: "globex's session on acme's domain", site: ACME_SITE, cookies: [cookie(globex)], expect: mismatch },
  { name: "acme's link on globex's domain", site: GLOBEX_SITE, querystring: `token=${acmeLink}`, expect: mismatch },
  {
    name: "origin path by parameter: acme's session on globex's domain",
    build: 'parameter',
    site: GLOBEX_SITE,
    cookies: [cookie(acme)],
    expect: mismatch,
  },
  {
    name: 'a parameter differing only in case is another tenant',
    site: { id: 'dt_x', parameters: { tenant: 'ACME' } },
    cookies: [cookie(acme)],
    expect: mismatch,
  },
  {
    name: 'a parameter that is no valid tenant equals no credential',
    site: { id: 'dt_x', parameters: { tenant: '../acme' } },
    cookies: [cookie(acme)],
    expect: mismatch,
  },
  // ── fail closed: the parameter cannot be read ─────────────────────────────────────────────────────
  {
    name: 'a standard distribution (the runtime throws)',
    site: undefined,
    cookies: [cookie(acme)],
    expect: unavailable,
  },
  {
    name: 'a distribution tenant without the parameter',
    site: { id: 'dt_x', parameters: { other: 'acme' } },
    cookies: [cookie(acme)],
    expect: unavailable,
  },
  {
    name: 'an empty parameter',
    site: { id: 'dt_x', parameters: { tenant: '' } },
    cookies: [cookie(acme)],
    expect: unavailable,
  },
  { name: 'unreadable before any credential is judged', site: undefined, expect: unavailable },
  // ── the other rules still apply on the tenant's own domain ────────────────────────────────────────
  { name: 'no credential on acme', site: ACME_SITE, expect: { status: 401, code: 'missing_credentials' } },
  {
    name: 'a forged session on acme',
    site: ACME_SITE,
    cookies: [cookie(acme.slice(0, -4) + 'AAAA')],
    expect: { status: 401, code: 'invalid_token' },
  },
  {
    name: 'a traversal on acme',
    site: ACME_SITE,
    uri: '/files/../tenants/globex/files/x',
    cookies: [cookie(acme)],
    expect: { status: 400, code: 'invalid_path' },
  },
  {
    name: "acme's link for another file on acme",
    site: ACME_SITE,
    uri: '/files/other.pdf',
    querystring: `token=${acmeLink}`,
    expect: { status: 403, code: 'link_path_mismatch' },
  },
];
