/**
 * The login origin's cost per session: one tenant token (jose SignJWT, key imported once) plus CloudFront
 * signed cookies (one RSA-2048 signature over the custom policy, KeyObject parsed once), against its floor,
 * one raw RSA-2048 `crypto.sign` with a KeyObject. Goal (issue #4): ≤ 1.3×.
 *
 * Also shows why the signer gets a KeyObject: the same cookies from a PEM string, re-parsed per call.
 */
import { sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cookieResource, customPolicy, signCookies } from '../login/cloudfront-signing';
import type { LoginGateConfig } from '../config/login';
import { createKeyLoader } from '../login/keys';
import { defaultSecretReaders } from '../login/secrets';
import { sessionSetCookies } from '../login/set-cookie';
import { createTenantTokenMinter } from '../login/tenant-token';
import { loadConfig } from '../build/artifacts';
import { measureAsync, measureRatio } from './measure';

const ROOT = join(import.meta.dirname, '..');
const GOAL = 1.3;

export async function benchLogin(
  row: (...cells: (string | number)[]) => void,
  us: (n: number) => string,
): Promise<void> {
  const config = loadConfig(join(ROOT, 'gatekeeper.config.json')) as LoginGateConfig;
  const login = config.login;
  if (login.cloudfront === null) throw new Error('the bench needs login.cloudfront in gatekeeper.config.json');
  const cf = login.cloudfront;
  const keys = await createKeyLoader(config, login, defaultSecretReaders(ROOT))();
  const cfKey = keys.cloudfront!;
  const minter = createTenantTokenMinter(config);
  const now = Math.floor(Date.now() / 1000);
  const digest = cf.hashAlgorithm === 'SHA256' ? 'sha256' : 'sha1';
  const resource = cookieResource(config);

  async function session(i: number): Promise<string[]> {
    const iat = now + (i % 1000);
    const exp = iat + login.sessionLifetimeSeconds;
    const token = await minter.session(keys.signing, { sub: 'bench', tenant: 'acme', iat, exp });
    const cookies = signCookies(cfKey, cf, customPolicy({ resource, dateLessThan: exp }));
    return sessionSetCookies(config, token, exp - iat, cookies);
  }
  const policyBytes = Buffer.from(customPolicy({ resource, dateLessThan: now + 900 }));
  const floor = () => sign(digest, policyBytes, cfKey);

  if ((await session(0)).length !== 5)
    throw new Error('the bench session is not a tenant cookie plus four CloudFront cookies');
  const m = await measureRatio(floor, session, 200, 9, () => {});
  row(
    `login: mint a session (${keys.signing.alg} token + ${cf.hashAlgorithm} cookies)`,
    us(m.gate),
    `floor ${us(m.floor)}`,
    `${m.ratio.toFixed(2)}×`,
    `goal ≤ ${GOAL}×`,
    m.ratio <= GOAL ? 'met' : 'MISSED',
  );

  const pem = readFileSync(join(ROOT, 'test/fixtures/login-cloudfront-private-key.pem'), 'utf8');
  const fromPem = await measureAsync(
    async () => signCookies(pem as unknown as typeof cfKey, cf, customPolicy({ resource, dateLessThan: now + 900 })),
    200,
    5,
  );
  row(
    'login: the same cookies from a PEM re-parsed per call',
    us(fromPem),
    '',
    '',
    '(why the signer gets a KeyObject)',
    '',
  );
}
