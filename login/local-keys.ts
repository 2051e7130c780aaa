/**
 * Keys for local tools (the CLI): from a file named on the command line, or else from the configuration's
 * own `login.secrets` when that is a file. Cloud sources are not read by the CLI: it never needs AWS access.
 */
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { GateConfig } from '../config/gate';
import type { SecretSource } from '../config/login';
import { parseCloudFrontPrivateKey, parseSigningKey, type SigningKey } from './keys';
import { describeSource } from './secrets';

async function readLocal(
  cwd: string,
  explicit: string | undefined,
  configured: SecretSource | null | undefined,
  what: string,
  flag: string,
): Promise<string> {
  let path = explicit;
  if (path === undefined) {
    if (configured === undefined || configured === null) throw new Error(`no ${what}: pass ${flag} FILE`);
    if (!('file' in configured))
      throw new Error(`the configured ${what} is in ${describeSource(configured)}; pass ${flag} FILE`);
    path = configured.file;
  }
  try {
    return await readFile(isAbsolute(path) ? path : resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

export async function localSigningKey(
  config: GateConfig,
  options: { cwd: string; kid?: string; file?: string },
): Promise<SigningKey> {
  const kid = options.kid ?? config.login?.signingKid ?? config.keys[0]!.kid;
  const keyConfig = config.keys.find((k) => k.kid === kid);
  if (keyConfig === undefined)
    throw new Error(`kid "${kid}" is not one of the configured keys (${config.keys.map((k) => k.kid).join(', ')})`);
  const configured =
    options.kid === undefined || options.kid === config.login?.signingKid
      ? config.login?.secrets.signingKey
      : undefined;
  const text = await readLocal(options.cwd, options.file, configured, `signing key for ${kid}`, '--key');
  return parseSigningKey(text, keyConfig);
}

export async function localCloudFrontKey(
  config: GateConfig,
  options: { cwd: string; file?: string },
): Promise<KeyObject> {
  const text = await readLocal(
    options.cwd,
    options.file,
    config.login?.secrets.cloudfrontPrivateKey,
    'CloudFront private key',
    '--private-key',
  );
  return parseCloudFrontPrivateKey(text);
}
