/**
 * `tenant-gate sign-cookies`: CloudFront signed cookies for every file under pathPrefix — the same cookies
 * `POST /auth/session` sets — as Set-Cookie lines, or as one Cookie header for curl.
 */
import { cookieResource, customPolicy, signCookies } from '../../login/cloudfront-signing';
import { localCloudFrontKey, localSigningKey } from '../../login/local-keys';
import { sessionSetCookies } from '../../login/set-cookie';
import { createTenantTokenMinter } from '../../login/tenant-token';
import { UsageError, type CliIO, type Command } from '../command';
import { cliConfig, cliNow, cliOptions, cliTenant, cloudFrontSigning, positiveInt } from '../options';

const usage = `usage: tenant-gate sign-cookies --expires-in SECS [options]

Prints CloudFront signed cookies (custom policy, Resource https://<domain><pathPrefix>*) as Set-Cookie lines.

options:
  --expires-in SECS     lifetime (at most maxTokenLifetimeSeconds, like the session it stands for)
  --ip IPV4             bind to this viewer IPv4 address (CloudFront policies are IPv4-only)
  --hash SHA1|SHA256    signature hash (default: login.cloudfront.hashAlgorithm, else SHA256)
  --tenant TENANT       also mint the tenant session cookie (what the edge gate checks)
  --format FORMAT       set-cookie (default) or header: one "Cookie: …" line for curl -H
  --key-pair-id ID      CloudFront public key ID (default: login.cloudfront.keyPairId)
  --private-key FILE    CloudFront private key PEM (default: login.secrets.cloudfrontPrivateKey if a file)
  --key FILE            tenant-token signing key (with --tenant)
  --config FILE         the gate configuration (default: gatekeeper.config.json)
  --now EPOCH           sign as of this time (default: now)`;

export const command: Command = {
  name: 'sign-cookies',
  summary: 'sign CloudFront cookies for the protected prefix (and, with --tenant, the session cookie)',
  usage,
  async run(argv: string[], io: CliIO): Promise<number> {
    const o = cliOptions(argv, [
      'expires-in',
      'ip',
      'hash',
      'tenant',
      'format',
      'key-pair-id',
      'private-key',
      'key',
      'config',
      'now',
    ]);
    const expiresIn = positiveInt(o['expires-in'], '--expires-in');
    if (expiresIn === undefined) throw new UsageError('--expires-in is required');
    const format = o.format ?? 'set-cookie';
    if (format !== 'set-cookie' && format !== 'header') throw new UsageError('--format must be set-cookie or header');
    const config = cliConfig(io, o.config);
    if (expiresIn > config.maxTokenLifetimeSeconds) {
      throw new UsageError(
        `--expires-in ${expiresIn} exceeds maxTokenLifetimeSeconds (${config.maxTokenLifetimeSeconds})`,
      );
    }
    const cf = cloudFrontSigning(config, o, { signedCookies: true, signedUrls: false });
    const now = cliNow(o.now);
    const exp = now + expiresIn;
    const privateKey = await localCloudFrontKey(config, { cwd: io.cwd, file: o['private-key'] });
    const cloudfront = signCookies(
      privateKey,
      cf,
      customPolicy({
        resource: cookieResource(config),
        dateLessThan: exp,
        ...(o.ip === undefined ? {} : { ip: o.ip }),
      }),
    );
    let token: string | undefined;
    if (o.tenant !== undefined) {
      cliTenant(config, o.tenant);
      const key = await localSigningKey(config, { cwd: io.cwd, file: o.key });
      token = await createTenantTokenMinter(config).session(key, { sub: 'cli', tenant: o.tenant, iat: now, exp });
    }
    if (format === 'header') {
      const pairs = [
        ...(token === undefined ? [] : [`${config.cookieName}=${token}`]),
        ...Object.entries(cloudfront).map(([n, v]) => `${n}=${v}`),
      ];
      io.out(`Cookie: ${pairs.join('; ')}`);
    } else {
      const lines = sessionSetCookies(config, token ?? '', expiresIn, cloudfront);
      io.out((token === undefined ? lines.slice(1) : lines).map((line) => `Set-Cookie: ${line}`).join('\n'));
    }
    return 0;
  },
};
