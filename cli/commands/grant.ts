/**
 * `tenant-gate grant`: a folder grant (issue 14) for a tenant's backend or a test, with the login's own
 * `mintGrant` (login/grants.ts) — so what it prints is a URL the edge gate accepts inside that folder only.
 */
import { LoginError } from '../../login/errors';
import { mintGrant } from '../../login/grants';
import { localSigningKey } from '../../login/local-keys';
import { UsageError, type CliIO, type Command } from '../command';
import { cliConfig, cliNow, cliOptions, cliTenant, positiveInt } from '../options';

const usage = `usage: tenant-gate grant --tenant TENANT --dir DIR --ttl SECS [options]

Prints the URL of a folder grant: https://<domain><grants.pathPrefix><grant>/<DIR under pathPrefix>. Every
file inside DIR opens with it (append its name, e.g. master.m3u8), until it expires, from any address or the
one given; nothing outside DIR does. Needs "grants" in the configuration.

options:
  --tenant TENANT     the tenant id (must match tenantPattern)
  --dir DIR           the folder, under pathPrefix and ending with "/", e.g. /files/films/nosferatu/
  --ttl SECS          lifetime, at most grants.maxLifetimeSeconds (48 h by default)
  --ip IP             bind the grant to this viewer address, IPv4 or IPv6
  --sub SUBJECT       the sub claim (default: cli)
  --kid KID           the signing key id (default: login.signingKid)
  --key FILE          the signing key: HS256 secret or private PEM/JWK (default: login.secrets.signingKey if a file)
  --config FILE       the gate configuration (default: gatekeeper.config.json)
  --now EPOCH         mint as of this time (default: now)`;

export const command: Command = {
  name: 'grant',
  summary: 'mint a folder grant URL (a rented film: every file in one folder, for a while)',
  usage,
  async run(argv: string[], io: CliIO): Promise<number> {
    const o = cliOptions(argv, ['tenant', 'dir', 'ttl', 'ip', 'sub', 'kid', 'key', 'config', 'now']);
    if (o.tenant === undefined) throw new UsageError('--tenant is required');
    if (o.dir === undefined) throw new UsageError('--dir is required');
    const ttl = positiveInt(o.ttl, '--ttl');
    if (ttl === undefined) throw new UsageError('--ttl is required');
    const config = cliConfig(io, o.config);
    if (config.grants === null) throw new UsageError('the configuration has no "grants" section: grants are off');
    cliTenant(config, o.tenant);
    if (ttl > config.grants.maxLifetimeSeconds)
      throw new UsageError(`--ttl ${ttl} exceeds grants.maxLifetimeSeconds (${config.grants.maxLifetimeSeconds})`);
    const key = await localSigningKey(config, { cwd: io.cwd, kid: o.kid, file: o.key });
    try {
      const grant = await mintGrant(config, key, {
        tenant: o.tenant,
        dir: o.dir,
        expiresIn: ttl,
        ip: o.ip,
        sub: o.sub ?? 'cli',
        now: cliNow(o.now),
      });
      io.out(grant.url);
    } catch (error) {
      if (error instanceof LoginError) {
        const flag = error.code === 'malformed_request' ? '--ip' : '--dir';
        throw new UsageError(`${flag}: ${error.code} (${error.reason})`);
      }
      throw error;
    }
    return 0;
  },
};
