/**
 * The login origin's core: `/auth/session` (POST, GET, DELETE), `/auth/links` (POST) and, with grants configured,
 * `/auth/grants` (POST), on runtime-neutral
 * request and response shapes. functions/login.ts converts a Lambda function URL event to and from them.
 *
 * Order of the checks, as at the edge: route and method, origin, request shape, then credentials and
 * cryptography — so malformed or foreign requests cost no signature work.
 */
import { cookieValues } from '../src/cookies';
import { nodeBase64url } from '../functions/key-ring';
import { createTokenVerifier, type VerifiedToken } from '../src/token';
import { cookieResource, customPolicy, signCookies } from './cloudfront-signing';
import type { LoginGateConfig } from '../config/login';
import { LoginError, type LoginErrorCode } from './errors';
import { RETRY_AFTER_SECONDS } from './limits';
import { failureName } from './secrets';
import { createIdentityVerifier, type IdentityVerifier } from './identity';
import type { LoginKeys } from './keys';
import { mapIdentityClaims } from './claim-mapping';
import { createLinks, parseLinkRequest } from './links';
import { mintGrant, parseGrantRequest } from './grants';
import { clearingSetCookies, sessionSetCookies } from './set-cookie';
import { createTenantTokenMinter } from './tenant-token';
import { LOGIN_QUERY_PARAMETERS } from './origin-request';
import { notBeforeOf, revoke, type EntryStore } from '../deploy/revocation-store';
import { revocation } from '../src/revocation';
import { isIpv4, viewerIp } from './viewer-ip';
import { checkSiteTenant, sitePath, type Site } from './site';

export interface LoginRequest {
  method: string;
  /** The raw path, e.g. `/auth/session`. */
  path: string;
  /** The raw query string, without `?` ('' when none). */
  query?: string;
  /** A request header by lower-case name, or undefined. */
  header(name: string): string | undefined;
  /** Raw `Cookie` header values or single `name=value` pairs (function URLs give the latter). */
  cookies: string[];
  /** The request body as text, or undefined. */
  body: string | undefined;
  /** The TCP peer as the runtime reports it. */
  sourceIp: string | undefined;
}

export interface LoginResponse {
  status: number;
  /** Lower-case names, one value each. */
  headers: Record<string, string>;
  /** `Set-Cookie` values, one per cookie (function URLs take them apart from headers). */
  cookies: string[];
  body: string;
}

export interface LogEntry {
  login: 'ok' | 'refused' | 'error';
  route: string;
  status: number;
  code?: LoginErrorCode;
  /** Why, for operators: a rule or field name. Never a token or a cookie value. */
  reason?: string;
  tenant?: string;
}

export interface LoginDeps {
  /** The private keys, cached with a TTL and served stale within a bound (see ./keys.ts `createKeyLoader`). */
  keys: () => Promise<LoginKeys>;
  /** The identity verifier; built from the configuration when omitted. */
  identity?: IdentityVerifier;
  /** Epoch seconds; `Date.now()` when omitted (tests freeze it). */
  now?: () => number;
  log?: (entry: LogEntry) => void;
  /**
   * The store of revocation entries (deploy/revocation-store.ts), when revocation is on: "sign out everywhere"
   * writes to it, and every session the login judges is checked against it, as the edge checks it.
   */
  revocations?: EntryStore;
}

export interface LoginService {
  handle(request: LoginRequest): Promise<LoginResponse>;
}

const SESSION_PATH = '/auth/session';
const LINKS_PATH = '/auth/links';
const GRANTS_PATH = '/auth/grants';
const REVOCATION_PATH = '/auth/revocation';
const ROUTES: Record<string, string[]> = {
  [SESSION_PATH]: ['POST', 'GET', 'DELETE'],
  [LINKS_PATH]: ['POST'],
  [REVOCATION_PATH]: ['GET'],
};
/** `DELETE /auth/session?everywhere=1`: the one query the login reads (login/origin-request.ts forwards it). */
export const EVERYWHERE_PARAM = LOGIN_QUERY_PARAMETERS[0]!;
/** On a sign-out everywhere: the epoch every earlier credential of the user is now refused before. */
export const REVOKED_BEFORE_HEADER = 'x-revoked-before';
const MAX_BODY_BYTES = 64 * 1024;

function baseHeaders(): Record<string, string> {
  // Credentials and tenant data: never cached by CloudFront or the browser.
  return { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
}

function json(
  status: number,
  value: unknown,
  cookies: string[] = [],
  headers: Record<string, string> = {},
): LoginResponse {
  return {
    status,
    headers: { ...baseHeaders(), 'content-type': 'application/json', ...headers },
    cookies,
    body: JSON.stringify(value),
  };
}

function empty(status: number, cookies: string[] = [], headers: Record<string, string> = {}): LoginResponse {
  return { status, headers: { ...baseHeaders(), ...headers }, cookies, body: '' };
}

function defaultLog(entry: LogEntry): void {
  console.log(JSON.stringify(entry));
}

export function createLoginService(config: LoginGateConfig, deps: LoginDeps): LoginService {
  const login = config.login;
  const identity = deps.identity ?? createIdentityVerifier(login.identity, config);
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const log = deps.log ?? defaultLog;
  const minter = createTenantTokenMinter(config);
  // The same verifier and keys as the edge gate: a session this origin accepts is one the edge accepts.
  const sessions = createTokenVerifier(config, nodeBase64url);
  /** The domain the viewer called: the distribution tenant's on a multi-tenant distribution (login/site.ts). */
  const domainOf = (site: Site | undefined): string => (site === undefined ? config.domain : site.domain);
  const signedCookies = login.cloudfront !== null && login.cloudfront.signedCookies;
  // `/auth/grants` exists only where the gate serves grants.
  const routes = config.grants === null ? ROUTES : { ...ROUTES, [GRANTS_PATH]: ['POST'] };
  const revocationOn = config.cloudfrontFunction.revocation || config.lambdaEdge.revocation;
  const revocations = revocationOn ? deps.revocations : undefined;

  /** The credential's "not before" epoch from the store; a store that cannot answer refuses (fail closed). */
  async function notBefore(token: VerifiedToken): Promise<number> {
    if (revocations === undefined) throw new LoginError('revocation_unavailable', 'no revocation store configured');
    try {
      return await notBeforeOf(revocations, token.tenant, token.subject);
    } catch (error) {
      throw new LoginError('revocation_unavailable', `read: ${failureName(error)}`, { cause: error });
    }
  }

  async function keys(): Promise<LoginKeys> {
    try {
      return await deps.keys();
    } catch (error) {
      if (error instanceof LoginError) throw error;
      throw new LoginError('internal_error', `keys: ${failureName(error)}`, { cause: error });
    }
  }

  function allowedOrigin(request: LoginRequest): string | undefined {
    const origin = request.header('origin');
    return origin !== undefined && config.corsOrigins.includes(origin) ? origin : undefined;
  }

  function corsHeaders(origin: string | undefined): Record<string, string> {
    return origin === undefined
      ? {}
      : { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
  }

  function preflight(request: LoginRequest, methods: string[]): LoginResponse {
    const origin = allowedOrigin(request);
    if (origin === undefined) throw new LoginError('origin_not_allowed', 'preflight origin');
    const method = request.header('access-control-request-method');
    if (method === undefined || !methods.includes(method))
      throw new LoginError('method_not_allowed', 'preflight method');
    return empty(204, [], {
      ...corsHeaders(origin),
      'access-control-allow-methods': methods.join(', '),
      // x-amz-content-sha256: behind origin access control a POST must carry its body's hash (Lambda DG).
      'access-control-allow-headers': ['content-type', login.identity.tokenHeader, 'x-amz-content-sha256'].join(', '),
      'access-control-max-age': '600',
    });
  }

  /**
   * Cross-site request forgery: a state-changing request that names an Origin must come from the CDN host
   * itself or an allowed app origin. (Browsers always send Origin on POST and DELETE.)
   */
  function checkOrigin(request: LoginRequest, site: Site | undefined): void {
    const origin = request.header('origin');
    // On a multi-tenant distribution "itself" is the distribution tenant's domain, never another tenant's.
    if (origin === undefined || origin === `https://${domainOf(site)}` || config.corsOrigins.includes(origin)) return;
    throw new LoginError('origin_not_allowed', 'origin');
  }

  function readJson(request: LoginRequest, required: boolean): unknown {
    const body = request.body ?? '';
    if (body === '') {
      if (required) throw new LoginError('malformed_request', 'body required');
      return {};
    }
    // A JSON content type cannot be sent cross-site without a CORS preflight: one more CSRF guard.
    const type = (request.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json')
      throw new LoginError('unsupported_media_type', 'content-type must be application/json');
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new LoginError('malformed_request', 'body too large');
    try {
      return JSON.parse(body) as unknown;
    } catch {
      throw new LoginError('malformed_request', 'body is not JSON');
    }
  }

  function identityToken(request: LoginRequest): string {
    const value = request.header(login.identity.tokenHeader);
    if (value === undefined || value.trim() === '')
      throw new LoginError('missing_identity', login.identity.tokenHeader);
    const match = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i.exec(value.trim());
    if (match) return match[1]!;
    // Only a dedicated header (behind origin access control) may carry the bare token.
    if (login.identity.tokenHeader !== 'authorization' && /^[A-Za-z0-9._-]+$/.test(value.trim())) return value.trim();
    throw new LoginError('missing_identity', 'not a Bearer token');
  }

  /** The one credential cookie, verified (either kind), not yet judged against revocation. */
  async function credential(request: LoginRequest, at: number): Promise<VerifiedToken> {
    const values = cookieValues(request.cookies, config.cookieName);
    if (values.length === 0 || values[0] === '') throw new LoginError('missing_session', 'no session cookie');
    // Two cookies of one name (cookie tossing from a sibling host): refuse, as the edge does.
    if (values.length > 1) throw new LoginError('invalid_session', 'duplicate session cookies');
    const result = sessions.verify(values[0]!, (await keys()).verification, at);
    if (!result.ok) throw new LoginError('invalid_session', result.failure);
    return result.token;
  }

  /**
   * The signed-in user's session token, valid, unrevoked and, on a multi-tenant distribution, of the domain's own
   * tenant (`site`): every route that acts for a session reads it here, so none can skip a check.
   */
  async function session(
    request: LoginRequest,
    at: number,
    site: Site | undefined,
  ): Promise<{ token: VerifiedToken; sub: string }> {
    const token = await credential(request, at);
    if (token.kind !== 'session') throw new LoginError('invalid_session', 'typ_mismatch');
    // A revoked session mints nothing: not a link, not a fresh session (the edge refuses it too).
    if (revocationOn && revocation(token, {}, await notBefore(token)) !== undefined)
      throw new LoginError('invalid_session', 'revoked');
    checkSiteTenant(site, token.tenant);
    return { token, sub: token.subject ?? 'unknown' };
  }

  /**
   * The session a route that mints for it acts for (links, grants). The tenant always comes from the session: a
   * body naming another one is a cross-tenant attempt.
   */
  async function sessionFor(
    request: LoginRequest,
    at: number,
    site: Site | undefined,
    bodyTenant: string | undefined,
  ): Promise<{ token: VerifiedToken; sub: string }> {
    const found = await session(request, at, site);
    if (bodyTenant !== undefined && bodyTenant !== found.token.tenant)
      throw new LoginError('tenant_mismatch', 'body tenant');
    return found;
  }

  /**
   * Decides whether to bind, and to which viewer address (IPv4 dotted quad or canonical IPv6, RFC 5952);
   * undefined means "do not bind". A link token binds either family.
   */
  function binding(request: LoginRequest, requested: boolean): string | undefined {
    if (login.bindIp === 'never') {
      if (requested) throw new LoginError('ip_binding_unavailable', 'bindIp is disabled (login.bindIp: never)');
      return undefined;
    }
    if (!requested && login.bindIp === 'optional') return undefined;
    const ip = viewerIp(login.viewerIpSource, request.sourceIp, request.header);
    const code = login.bindIp === 'always' ? 'ip_binding_required' : 'ip_binding_unavailable';
    if (ip === undefined) throw new LoginError(code, `no viewer address from ${login.viewerIpSource}`);
    return ip;
  }

  /**
   * A session binds through the CloudFront cookies' policy alone (the tenant token has no IP claim), and
   * CloudFront's `IpAddress` condition is IPv4-only (docs/platform.md#signed-urls-and-cookies).
   */
  function cloudFrontBinding(request: LoginRequest, requested: boolean): string | undefined {
    const ip = binding(request, requested);
    if (ip !== undefined && !isIpv4(ip)) {
      const code = login.bindIp === 'always' ? 'ip_binding_required' : 'ip_binding_unavailable';
      throw new LoginError(code, 'IPv6 viewer: a CloudFront policy binds IPv4 only');
    }
    return ip;
  }

  async function createSession(request: LoginRequest, site: Site | undefined): Promise<LoginResponse> {
    checkOrigin(request, site);
    const body = readJson(request, false);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new LoginError('malformed_request', 'body must be an object');
    const { bindIp: requested = false, ...rest } = body as Record<string, unknown>;
    if (Object.keys(rest).length > 0 || typeof requested !== 'boolean')
      throw new LoginError('malformed_request', 'body: { "bindIp"?: boolean }');
    const token = identityToken(request);
    const iat = now();
    // The keys and the identity's keys come from two dependencies: wait for both at once, not one after the other.
    const loading = keys();
    loading.catch(() => undefined);
    const who = await identity.verify(token, iat);
    checkSiteTenant(site, who.tenant);
    // Session binding applies to the CloudFront cookies: the tenant token has no IP claim (src/token.ts).
    if (requested && !signedCookies)
      throw new LoginError('ip_binding_unavailable', 'no CloudFront signed cookies to bind');
    const ip = signedCookies ? cloudFrontBinding(request, requested) : undefined;
    const loaded = await loading;
    // Never longer than configured, and never past the identity the session stands for.
    const exp = Math.min(iat + login.sessionLifetimeSeconds, who.exp);
    if (exp <= iat) throw new LoginError('invalid_identity', 'identity token expires now');
    const mapped = mapIdentityClaims(login.claimMapping, config.scopes, who.claims, who.sub);
    const tenantToken = await minter.session(loaded.signing, {
      sub: mapped.sub,
      tenant: who.tenant,
      iat,
      exp,
      ...(config.scopes === undefined ? {} : { scopeClaims: mapped.claims }),
    });
    let cloudfront: Record<string, string> | undefined;
    if (signedCookies && login.cloudfront !== null) {
      if (loaded.cloudfront === null) throw new LoginError('internal_error', 'no CloudFront private key loaded');
      // DateLessThan = the tenant token's exp: the CloudFront grant never outlives the session.
      const policy = customPolicy({
        resource: cookieResource({ domain: domainOf(site), pathPrefix: config.pathPrefix }),
        dateLessThan: exp,
        ...(ip === undefined ? {} : { ip }),
      });
      cloudfront = signCookies(loaded.cloudfront, login.cloudfront, policy);
    }
    log({ login: 'ok', route: 'POST /auth/session', status: 204, tenant: who.tenant });
    return empty(
      204,
      sessionSetCookies(config, tenantToken, exp - iat, cloudfront),
      corsHeaders(allowedOrigin(request)),
    );
  }

  async function readSession(request: LoginRequest, site: Site | undefined): Promise<LoginResponse> {
    const { token, sub } = await session(request, now(), site);
    // Who is signed in, for a new tab: the session token's own claims, never a credential.
    return json(200, { tenant: token.tenant, sub, expires: token.exp }, [], corsHeaders(allowedOrigin(request)));
  }

  async function deleteSession(request: LoginRequest, site: Site | undefined): Promise<LoginResponse> {
    checkOrigin(request, site);
    const everywhere = new URLSearchParams(request.query ?? '').getAll(EVERYWHERE_PARAM);
    if (everywhere.length > 1 || (everywhere.length === 1 && everywhere[0] !== '1'))
      throw new LoginError('malformed_request', `${EVERYWHERE_PARAM} must be 1`);
    if (everywhere.length === 1) {
      // Only the signed-in user, from a valid session: nobody signs out someone else.
      const at = now();
      const { token } = await session(request, at, site);
      if (token.subject === undefined) throw new LoginError('invalid_session', 'no sub to revoke');
      if (revocations === undefined) throw new LoginError('revocation_unavailable', 'revocation is off');
      try {
        // Every credential of this user issued until now: this session, its links, any copy of either.
        await revoke(revocations, token.tenant, token.subject, at + 1);
      } catch (error) {
        throw new LoginError('revocation_unavailable', `write: ${failureName(error)}`, { cause: error });
      }
      log({ login: 'ok', route: 'DELETE /auth/session?everywhere=1', status: 204, tenant: token.tenant });
      // The proof it happened: behind a policy that drops the query, the same request is a plain logout, and a
      // client must be able to tell (the demo SPA says so).
      const origin = allowedOrigin(request);
      return empty(204, clearingSetCookies(config, signedCookies), {
        ...corsHeaders(origin),
        [REVOKED_BEFORE_HEADER]: String(at + 1),
        ...(origin === undefined ? {} : { 'access-control-expose-headers': REVOKED_BEFORE_HEADER }),
      });
    }
    log({ login: 'ok', route: 'DELETE /auth/session', status: 204 });
    return empty(204, clearingSetCookies(config, signedCookies), corsHeaders(allowedOrigin(request)));
  }

  /**
   * For Lambda@Edge, which cannot read the store (functions/revocation-cache.ts): the "not before" epoch of the
   * credential it presents as the session cookie, of either kind. Only a holder of a valid credential learns its
   * own tenant's and user's epoch.
   */
  async function revocationOf(request: LoginRequest): Promise<LoginResponse> {
    const token = await credential(request, now());
    return json(200, { notBefore: await notBefore(token) });
  }

  async function links(request: LoginRequest, site: Site | undefined): Promise<LoginResponse> {
    checkOrigin(request, site);
    const body = parseLinkRequest(readJson(request, true), login);
    const iat = now();
    const { token, sub } = await sessionFor(request, iat, site, body.tenant);
    const ip = binding(request, body.bindIp);
    const loaded = await keys();
    const made = await createLinks(
      // Links open on the domain they were made on: a distribution tenant's own on a multi-tenant distribution.
      {
        config: { ...config, domain: domainOf(site) },
        login,
        minter,
        signingKey: loaded.signing,
        cloudfrontKey: loaded.cloudfront,
      },
      { sub, tenant: token.tenant, scopeClaims: token.scopeClaims },
      body.paths,
      iat,
      iat + body.expiresIn,
      ip,
    );
    log({ login: 'ok', route: 'POST /auth/links', status: 200, tenant: token.tenant });
    return json(200, { links: made }, [], corsHeaders(allowedOrigin(request)));
  }

  /** `POST /auth/grants`: a folder grant for the signed-in user's tenant (login/grants.ts). */
  async function grants(request: LoginRequest, site: Site | undefined): Promise<LoginResponse> {
    checkOrigin(request, site);
    const body = parseGrantRequest(readJson(request, true), config);
    const iat = now();
    const { token, sub } = await sessionFor(request, iat, site, body.tenant);
    const ip = binding(request, body.bindIp);
    const loaded = await keys();
    const grant = await mintGrant(
      // A grant opens on the domain it was made on, as links do.
      { ...config, domain: domainOf(site) },
      loaded.signing,
      {
        tenant: token.tenant,
        dir: body.dir,
        expiresIn: body.expiresIn,
        ip,
        sub,
        now: iat,
        scopeClaims: token.scopeClaims,
      },
      minter,
    );
    log({ login: 'ok', route: 'POST /auth/grants', status: 200, tenant: token.tenant });
    return json(200, { grant }, [], corsHeaders(allowedOrigin(request)));
  }

  /** The viewer's path for the `Allow` header of a refusal: the path as it came when it has no valid site. */
  function viewerPath(path: string): string {
    try {
      return sitePath(config, path).path;
    } catch {
      return path;
    }
  }

  async function route(request: LoginRequest): Promise<LoginResponse> {
    const { site, path } = sitePath(config, request.path);
    const methods = routes[path];
    if (methods === undefined) throw new LoginError('not_found', 'route');
    if (request.method === 'OPTIONS') return preflight(request, methods);
    if (!methods.includes(request.method)) throw new LoginError('method_not_allowed', request.method);
    if (path === LINKS_PATH) return links(request, site);
    if (path === GRANTS_PATH) return grants(request, site);
    if (path === REVOCATION_PATH) return revocationOf(request);
    if (request.method === 'POST') return createSession(request, site);
    if (request.method === 'GET') return readSession(request, site);
    return deleteSession(request, site);
  }

  return {
    async handle(request) {
      try {
        return await route(request);
      } catch (error) {
        // Not the message of an unexpected error: it could quote what failed to parse.
        const refused =
          error instanceof LoginError ? error : new LoginError('internal_error', failureName(error), { cause: error });
        log({
          login: refused.code === 'internal_error' ? 'error' : 'refused',
          route: `${request.method} ${request.path}`,
          status: refused.status,
          code: refused.code,
          reason: refused.reason,
        });
        const response = json(refused.status, { error: refused.code }, [], corsHeaders(allowedOrigin(request)));
        const methods = routes[viewerPath(request.path)];
        if (refused.code === 'method_not_allowed' && methods !== undefined) {
          response.headers.allow = [...methods, 'OPTIONS'].join(', ');
        }
        if (refused.status === 401) response.headers['www-authenticate'] = 'Bearer realm="tenant-gate"';
        if (refused.status === 503) response.headers['retry-after'] = String(RETRY_AFTER_SECONDS);
        return response;
      }
    },
  };
}
