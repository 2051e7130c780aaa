/**
 * Folder grants (issue 14): `POST /auth/grants` body parsing, the grant URL, and `mintGrant`, the one function
 * the login, `tenant-gate grant` and a tenant's own backend all call.
 *
 * A grant URL is `https://<domain><grants.pathPrefix><grant token>/<dir under pathPrefix>`, e.g.
 * `https://cdn.example.com/grants/eyJ…/films/nosferatu/`: a player given `…/master.m3u8` asks for every segment
 * by a relative URL, which keeps the token (src/grant.ts). The grant (`tenant-grant+jwt`) is what the gate
 * checks: that folder, that tenant (always the session's or the backend's, never the body's), that IP if bound.
 * No CloudFront signature: the grants behavior has no trusted key group (docs/deploy.md, "Folder grants").
 */
import type { GateConfig } from '../config/gate';
import { scopeRefusal, type ScopeClaims } from '../src/scopes';
import { checkViewerPath } from '../src/tenant-path';
import { grantDirFailure } from '../src/token-rules';
import { LoginError } from './errors';
import type { SigningKey } from './keys';
import { createTenantTokenMinter, type TenantTokenMinter, type TokenRulesForMinting } from './tenant-token';
import { canonicalIp } from './viewer-ip';

export interface GrantRequest {
  /** The folder, a viewer path under pathPrefix ending with `/`, e.g. `/files/films/nosferatu/`. */
  dir: string;
  expiresIn: number;
  bindIp: boolean;
  /** Optional; when given it must be the session's tenant (a cross-tenant request is refused, not ignored). */
  tenant: string | undefined;
}

export interface Grant {
  dir: string;
  /** The folder's URL with the grant in its path; append a file name inside the folder. */
  url: string;
  /** Epoch seconds: the grant's `exp`. */
  expires: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body of `POST /auth/grants`: `{ dir, expiresIn, bindIp?, tenant? }`, each checked, nothing else. */
export function parseGrantRequest(body: unknown, config: Pick<GateConfig, 'grants'>): GrantRequest {
  if (config.grants === null) throw new LoginError('not_found', 'grants are not configured');
  if (!isObject(body)) throw new LoginError('malformed_request', 'body must be a JSON object');
  for (const member of Object.keys(body)) {
    if (!['dir', 'expiresIn', 'bindIp', 'tenant'].includes(member))
      throw new LoginError('malformed_request', `unknown member ${member}`);
  }
  const { dir, expiresIn, bindIp = false, tenant } = body;
  if (typeof dir !== 'string') throw new LoginError('malformed_request', 'dir must be a string');
  if (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn < 1) {
    throw new LoginError('invalid_expiry', 'expiresIn must be a positive integer of seconds');
  }
  if (expiresIn > config.grants.maxLifetimeSeconds) {
    throw new LoginError('invalid_expiry', `expiresIn ${expiresIn} > ${config.grants.maxLifetimeSeconds}`);
  }
  if (typeof bindIp !== 'boolean') throw new LoginError('malformed_request', 'bindIp must be true or false');
  if (tenant !== undefined && typeof tenant !== 'string')
    throw new LoginError('malformed_request', 'tenant must be a string');
  return { dir, expiresIn, bindIp, tenant };
}

/** The gate's own folder rule (src/token-rules.ts `grantDirFailure`), stricter: a grant that would open nothing is never made. */
export function checkGrantDir(config: Pick<GateConfig, 'pathPrefix'>, dir: string): void {
  if (!dir.startsWith(config.pathPrefix) || dir.length === config.pathPrefix.length)
    throw new LoginError('path_not_allowed', 'dir outside pathPrefix');
  // The gate's rule (src/token-rules.ts), and more: one folder of plain segments (the gate's path rules), which the
  // edge does not check in `dir` itself because such a folder would open nothing there.
  if (grantDirFailure(dir, config.pathPrefix) !== undefined || checkViewerPath(dir.slice(0, -1)) !== undefined)
    throw new LoginError('invalid_path', 'dir must be plain segments ending with "/"');
}

/** The folder URL a grant token opens. */
export function grantUrl(
  config: Pick<GateConfig, 'domain' | 'pathPrefix' | 'grants'>,
  token: string,
  dir: string,
): string {
  return `https://${config.domain}${config.grants!.pathPrefix}${token}/${dir.slice(config.pathPrefix.length)}`;
}

export interface GrantOptions {
  tenant: string;
  /** The folder, e.g. `/files/films/nosferatu/`. */
  dir: string;
  /** Seconds, at most `grants.maxLifetimeSeconds`. */
  expiresIn: number;
  /** Bind the grant to this viewer address (IPv4, or IPv6 in any spelling: written canonical). */
  ip?: string | undefined;
  /** The `sub` claim: who the grant was made for or by (default `backend`). */
  sub?: string | undefined;
  /** Epoch seconds (default: now). */
  now?: number | undefined;
  /** With path scopes configured: the claims the rules read (the session's), carried by the grant. */
  scopeClaims?: ScopeClaims | undefined;
}

/**
 * A grant for a tenant's backend: the tenant-gate configuration and the signing key (the login's, e.g. from
 * `localSigningKey`) in, the grant URL out. Refuses (LoginError) what the gate would refuse: no grants
 * configured, a folder outside pathPrefix, a lifetime over the maximum, an address that is none.
 */
export async function mintGrant(
  config: GateConfig,
  key: SigningKey,
  options: GrantOptions,
  minter: TenantTokenMinter = createTenantTokenMinter(config satisfies TokenRulesForMinting),
): Promise<Grant> {
  if (config.grants === null) throw new LoginError('not_found', 'grants are not configured');
  checkGrantDir(config, options.dir);
  if (
    !Number.isInteger(options.expiresIn) ||
    options.expiresIn < 1 ||
    options.expiresIn > config.grants.maxLifetimeSeconds
  )
    throw new LoginError('invalid_expiry', `expiresIn must be 1 to ${config.grants.maxLifetimeSeconds} seconds`);
  const ip = options.ip === undefined ? undefined : canonicalIp(options.ip);
  if (options.ip !== undefined && ip === undefined) throw new LoginError('malformed_request', 'ip is not an address');
  const sub = options.sub ?? 'backend';
  // The gate's scope rules on the folder itself: never a grant for a folder its maker's scopes refuse (the gate
  // also applies them to every file of the folder, src/grant.ts).
  if (config.scopes !== undefined) {
    const refused = scopeRefusal(config.scopes, { subject: sub, scopeClaims: options.scopeClaims }, options.dir);
    if (refused !== undefined) throw new LoginError('scope_denied', refused);
  }
  const iat = options.now ?? Math.floor(Date.now() / 1000);
  const exp = iat + options.expiresIn;
  const token = await minter.grant(key, {
    sub,
    tenant: options.tenant,
    iat,
    exp,
    dir: options.dir,
    ...(ip === undefined ? {} : { ip }),
    ...(options.scopeClaims === undefined ? {} : { scopeClaims: options.scopeClaims }),
  });
  return { dir: options.dir, url: grantUrl(config, token, options.dir), expires: exp };
}
