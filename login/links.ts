/**
 * Per-file links: `POST /auth/links` body parsing and the links themselves.
 *
 * A link is `https://<domain><path>?<linkTokenParam>=<link token>`, plus CloudFront signed-URL parameters when
 * configured. The link token (`tenant-link+jwt`) is what the gate checks: that exact path, that tenant (always
 * the session's, never the body's), that IP if bound. The CloudFront policy's Resource is the same URL, token
 * included, so CloudFront too accepts that one URL and no other.
 */
import type { KeyObject } from 'node:crypto';
import type { GateConfig } from '../config/gate';
import { scopeRefusal, type ScopeClaims } from '../src/scopes';
import { checkViewerPath } from '../src/tenant-path';
import { signUrl } from './cloudfront-signing';
import type { LoginConfig } from '../config/login';
import { LoginError } from './errors';
import type { SigningKey } from './keys';
import type { TenantTokenMinter } from './tenant-token';
import { isIpv4 } from './viewer-ip';

export interface LinkRequest {
  paths: string[];
  expiresIn: number;
  bindIp: boolean;
  /** Optional; when given it must be the session's tenant (a cross-tenant request is refused, not ignored). */
  tenant: string | undefined;
}

export interface Link {
  path: string;
  url: string;
  /** Epoch seconds: the link token's `exp` and the CloudFront policy's `DateLessThan`. */
  expires: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseLinkRequest(body: unknown, login: LoginConfig): LinkRequest {
  if (!isObject(body)) throw new LoginError('malformed_request', 'body must be a JSON object');
  for (const member of Object.keys(body)) {
    if (!['paths', 'expiresIn', 'bindIp', 'tenant'].includes(member))
      throw new LoginError('malformed_request', `unknown member ${member}`);
  }
  const { paths, expiresIn, bindIp = false, tenant } = body;
  if (!Array.isArray(paths) || paths.length === 0)
    throw new LoginError('malformed_request', 'paths must be a non-empty array');
  if (paths.length > login.links.maxPaths)
    throw new LoginError('too_many_paths', `${paths.length} > ${login.links.maxPaths}`);
  if (paths.some((p) => typeof p !== 'string')) throw new LoginError('malformed_request', 'paths must be strings');
  if (typeof expiresIn !== 'number' || !Number.isInteger(expiresIn) || expiresIn < 1) {
    throw new LoginError('invalid_expiry', 'expiresIn must be a positive integer of seconds');
  }
  if (expiresIn > login.links.maxExpiresInSeconds) {
    throw new LoginError('invalid_expiry', `expiresIn ${expiresIn} > ${login.links.maxExpiresInSeconds}`);
  }
  if (typeof bindIp !== 'boolean') throw new LoginError('malformed_request', 'bindIp must be true or false');
  if (tenant !== undefined && typeof tenant !== 'string')
    throw new LoginError('malformed_request', 'tenant must be a string');
  return { paths: paths as string[], expiresIn, bindIp, tenant };
}

/** The gate's own path rules (src/decision.ts), plus no `*`: it is a wildcard in a CloudFront Resource. */
export function checkLinkPath(config: Pick<GateConfig, 'pathPrefix'>, path: string): void {
  const problem = checkViewerPath(path);
  if (problem !== undefined) throw new LoginError('invalid_path', problem);
  if (!path.startsWith(config.pathPrefix) || path.length === config.pathPrefix.length) {
    throw new LoginError('path_not_allowed', 'outside pathPrefix');
  }
  if (path.includes('*')) throw new LoginError('invalid_path', '"*" is a CloudFront wildcard');
}

export interface LinkContext {
  config: GateConfig;
  login: LoginConfig;
  minter: TenantTokenMinter;
  signingKey: SigningKey;
  cloudfrontKey: KeyObject | null;
}

export async function createLinks(
  context: LinkContext,
  owner: { sub: string; tenant: string; scopeClaims?: ScopeClaims | undefined },
  paths: readonly string[],
  iat: number,
  exp: number,
  ip: string | undefined,
): Promise<Link[]> {
  const { config, login } = context;
  for (const path of paths) checkLinkPath(config, path);
  // The gate's own scope rules (src/scopes.ts), on the session's claims: never a link the gate would refuse, and
  // never a link the user could not open themselves. Every path is judged before any link is minted.
  if (config.scopes !== undefined) {
    for (const path of paths) {
      const refused = scopeRefusal(config.scopes, { subject: owner.sub, scopeClaims: owner.scopeClaims }, path);
      if (refused !== undefined) throw new LoginError('scope_denied', refused);
    }
  }
  const links: Link[] = [];
  for (const path of paths) {
    const token = await context.minter.link(context.signingKey, {
      sub: owner.sub,
      tenant: owner.tenant,
      // The link carries the session's scope claims: the gate applies the scopes to links too.
      ...(owner.scopeClaims === undefined ? {} : { scopeClaims: owner.scopeClaims }),
      iat,
      exp,
      path,
      ...(ip === undefined ? {} : { ip }),
    });
    let url = `https://${config.domain}${path}?${config.linkTokenParam}=${token}`;
    if (login.cloudfront !== null && login.cloudfront.signedUrls) {
      if (context.cloudfrontKey === null) throw new Error('CloudFront signing configured but no private key loaded');
      // The link token binds either family; CloudFront's IpAddress condition only IPv4
      // (docs/platform.md#signed-urls-and-cookies), so an IPv6 viewer's policy carries no IP.
      url = signUrl(context.cloudfrontKey, login.cloudfront, url, exp, ip !== undefined && isIpv4(ip) ? ip : undefined);
    }
    links.push({ path, url, expires: exp });
  }
  return links;
}
