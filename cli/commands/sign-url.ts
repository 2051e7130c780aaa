/**
 * `tenant-gate sign-url`: a CloudFront signed URL for one file — with `--tenant`, the same link the login
 * origin's `POST /auth/links` hands out (link token in `?token=`, then the CloudFront parameters).
 */
import { signUrl } from '../../login/cloudfront-signing';
import { localCloudFrontKey, localSigningKey } from '../../login/local-keys';
import { createTenantTokenMinter } from '../../login/tenant-token';
import { UsageError, type CliIO, type Command } from '../command';
import { cliConfig, cliNow, cliOptions, cliPath, cliTenant, cloudFrontSigning, positiveInt } from '../options';

const usage = `usage: tenant-gate sign-url --path PATH --expires-in SECS [options]

Prints https://<domain><PATH>?… signed for CloudFront with an explicit custom policy whose Resource is exactly
that URL (no wildcard), DateLessThan = now + SECS, and with --ip an IpAddress of IP/32.

options:
  --path PATH           the viewer path, under pathPrefix (e.g. /files/film.mp4)
  --expires-in SECS     lifetime (at most login.links.maxExpiresInSeconds / maxLinkLifetimeSeconds)
  --ip IPV4             bind to this viewer IPv4 address (CloudFront policies are IPv4-only)
  --hash SHA1|SHA256    signature hash (default: login.cloudfront.hashAlgorithm, else SHA256)
  --tenant TENANT       also put a link token for TENANT in ?token= (what the edge gate checks), signed with
                        --key / login.secrets.signingKey; without it the URL passes CloudFront but not the gate
  --key-pair-id ID      CloudFront public key ID (default: login.cloudfront.keyPairId)
  --private-key FILE    CloudFront private key PEM (default: login.secrets.cloudfrontPrivateKey if a file)
  --key FILE            tenant-token signing key (with --tenant)
  --config FILE         the gate configuration (default: gatekeeper.config.json)
  --now EPOCH           sign as of this time (default: now)`;

export const command: Command = {
  name: 'sign-url',
  summary: "sign a per-file URL for CloudFront (and, with --tenant, add the gate's link token)",
  usage,
  async run(argv: string[], io: CliIO): Promise<number> {
    const o = cliOptions(argv, [
      'path',
      'expires-in',
      'ip',
      'hash',
      'tenant',
      'key-pair-id',
      'private-key',
      'key',
      'config',
      'now',
    ]);
    if (o.path === undefined) throw new UsageError('--path is required');
    const expiresIn = positiveInt(o['expires-in'], '--expires-in');
    if (expiresIn === undefined) throw new UsageError('--expires-in is required');
    const config = cliConfig(io, o.config);
    cliPath(config, o.path);
    const max = config.login?.links.maxExpiresInSeconds ?? config.maxLinkLifetimeSeconds;
    if (expiresIn > max)
      throw new UsageError(`--expires-in ${expiresIn} exceeds the configured maximum for links (${max})`);
    const cf = cloudFrontSigning(config, o, { signedCookies: false, signedUrls: true });
    const now = cliNow(o.now);
    const exp = now + expiresIn;
    let url = `https://${config.domain}${o.path}`;
    if (o.tenant !== undefined) {
      cliTenant(config, o.tenant);
      const key = await localSigningKey(config, { cwd: io.cwd, file: o.key });
      const token = await createTenantTokenMinter(config).link(key, {
        sub: 'cli',
        tenant: o.tenant,
        iat: now,
        exp,
        path: o.path,
        ...(o.ip === undefined ? {} : { ip: o.ip }),
      });
      url += `?${config.linkTokenParam}=${token}`;
    }
    const privateKey = await localCloudFrontKey(config, { cwd: io.cwd, file: o['private-key'] });
    io.out(signUrl(privateKey, cf, url, exp, o.ip));
    return 0;
  },
};
