/**
 * `tenant-gate token`: mint a tenant token (session or link) for a test, with the same minter the login origin
 * uses — so what it prints is exactly what the edge accepts.
 */
import { localSigningKey } from '../../login/local-keys';
import { createTenantTokenMinter } from '../../login/tenant-token';
import { canonicalIp } from '../../login/viewer-ip';
import { UsageError, type CliIO, type Command } from '../command';
import { cliConfig, cliNow, cliOptions, cliPath, cliTenant, positiveInt } from '../options';

const usage = `usage: tenant-gate token --tenant TENANT [options]

Prints a tenant token the edge gate accepts: a session token (the ${'`__Host-tenant`'} cookie value) or, with
--path, a per-file link token (the ?token= value).

options:
  --tenant TENANT     the tenant id (must match tenantPattern)
  --sub SUBJECT       the sub claim (default: cli)
  --expires-in SECS   lifetime (default: login.sessionLifetimeSeconds, or 3600 for a link; capped by the config)
  --path PATH         mint a link token for this exact viewer path (e.g. /files/film.mp4)
  --ip IP             bind the link token to this viewer address, IPv4 or IPv6 (needs --path; IPv6 is
                      written in its canonical form, RFC 5952, as the gate compares it)
  --kid KID           the signing key id (default: login.signingKid)
  --key FILE          the signing key: HS256 secret or private PEM/JWK (default: login.secrets.signingKey if a file)
  --config FILE       the gate configuration (default: gatekeeper.config.json)
  --now EPOCH         mint as of this time (default: now)`;

export const command: Command = {
  name: 'token',
  summary: 'mint a tenant session or link token for a test',
  usage,
  async run(argv: string[], io: CliIO): Promise<number> {
    const o = cliOptions(argv, ['tenant', 'sub', 'expires-in', 'path', 'ip', 'kid', 'key', 'config', 'now']);
    if (o.tenant === undefined) throw new UsageError('--tenant is required');
    const config = cliConfig(io, o.config);
    cliTenant(config, o.tenant);
    if (o.ip !== undefined && o.path === undefined) throw new UsageError('--ip binds a link token: give --path too');
    const ip = o.ip === undefined ? undefined : canonicalIp(o.ip);
    if (o.ip !== undefined && ip === undefined)
      throw new UsageError(`--ip must be an IPv4 or IPv6 address, got "${o.ip}"`);
    if (o.path !== undefined) cliPath(config, o.path);
    const link = o.path !== undefined;
    const max = link ? config.maxLinkLifetimeSeconds : config.maxTokenLifetimeSeconds;
    const fallback = link ? Math.min(3600, max) : (config.login?.sessionLifetimeSeconds ?? Math.min(900, max));
    const expiresIn = positiveInt(o['expires-in'], '--expires-in') ?? fallback;
    if (expiresIn > max)
      throw new UsageError(
        `--expires-in ${expiresIn} exceeds ${link ? 'maxLinkLifetimeSeconds' : 'maxTokenLifetimeSeconds'} (${max})`,
      );
    const key = await localSigningKey(config, { cwd: io.cwd, kid: o.kid, file: o.key });
    const iat = cliNow(o.now);
    const minter = createTenantTokenMinter(config);
    const claims = { sub: o.sub ?? 'cli', tenant: o.tenant, iat, exp: iat + expiresIn };
    const token = link
      ? await minter.link(key, { ...claims, path: o.path!, ...(ip === undefined ? {} : { ip }) })
      : await minter.session(key, claims);
    io.out(token);
    return 0;
  },
};
