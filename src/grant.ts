/**
 * Folder grants (issue 14): `<grants.pathPrefix><grant token>/<path inside the folder>`, e.g.
 * `/grants/eyJ…/films/nosferatu/master.m3u8` → `/tenants/acme/files/films/nosferatu/master.m3u8`.
 *
 * Why the token is in the path: a player asks for its playlist's segments by relative URLs, which inherit the
 * path and drop the query, so every segment request carries the grant with no cookie and no player support
 * (README, "Folder grants"). The gate (src/decision.ts) checks each request in full — path rules, the grant's
 * signature, expiry, tenant, folder, address and path scopes — and forwards the viewer path under the tenant's prefix without the token: the
 * origin never sees it. Written in the njs subset; compiled in only when `grants` is configured.
 */
import type { GateConfig } from '../config/gate';

/** Whether `uri` is a grant path (the caller has checked that grants are configured); src/decision.ts judges it. */
export function isGrantPath(config: GateConfig, uri: string): boolean {
  return uri.lastIndexOf(config.grants!.pathPrefix, 0) === 0;
}
