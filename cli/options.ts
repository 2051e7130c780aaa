/** Option helpers shared by the `tenant-gate` commands. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../build/artifacts';
import type { GateConfig } from '../config/gate';
import type { CloudFrontSigningConfig } from '../config/login';
import { LoginError } from '../login/errors';
import { checkLinkPath } from '../login/links';
import { isIpv4 } from '../login/viewer-ip';
import { tenantFailure } from '../src/token-rules';
import { UsageError, type CliIO } from './command';

/** Parsed `--name value` options (strings only; the commands here take no flags without values). */
export function cliOptions(argv: string[], names: readonly string[]): Record<string, string | undefined> {
  const options: Record<string, { type: 'string' }> = {};
  for (const name of names) options[name] = { type: 'string' };
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | undefined
    >;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,9}$/.test(value))
    throw new UsageError(`${flag} must be a positive whole number of seconds, got "${value}"`);
  return Number(value);
}

export function cliConfig(io: CliIO, path: string | undefined): GateConfig {
  return loadConfig(resolve(io.cwd, path ?? 'gatekeeper.config.json'));
}

export function cliNow(value: string | undefined): number {
  if (value === undefined) return Math.floor(Date.now() / 1000);
  if (!/^\d{1,12}$/.test(value)) throw new UsageError(`--now must be epoch seconds, got "${value}"`);
  return Number(value);
}

/** `--tenant`: a tenant the gate accepts in a token (src/token-rules.ts): `tenantPattern`, and a safe path segment. */
export function cliTenant(config: GateConfig, tenant: string): void {
  if (tenantFailure(tenant, new RegExp(config.tenantPattern)) !== undefined)
    throw new UsageError(`--tenant "${tenant}" does not match tenantPattern ${config.tenantPattern}`);
}

export function cliPath(config: GateConfig, path: string): void {
  try {
    checkLinkPath(config, path);
  } catch (error) {
    if (error instanceof LoginError) throw new UsageError(`--path ${path}: ${error.code} (${error.reason})`);
    throw error;
  }
}

/**
 * The CloudFront signing settings of `sign-url` / `sign-cookies`: `--ip` (IPv4 only), `--hash`,
 * `--key-pair-id` (or the config's), checked as CloudFront would take them.
 */
export function cloudFrontSigning(
  config: GateConfig,
  o: Record<string, string | undefined>,
  use: { signedCookies: boolean; signedUrls: boolean },
): CloudFrontSigningConfig {
  if (o.ip !== undefined && !isIpv4(o.ip)) {
    throw new UsageError(`--ip "${o.ip}" is not an IPv4 address: CloudFront policies (IpAddress) are IPv4-only`);
  }
  if (o.hash !== undefined && o.hash !== 'SHA1' && o.hash !== 'SHA256')
    throw new UsageError('--hash must be SHA1 or SHA256');
  const keyPairId = o['key-pair-id'] ?? config.login?.cloudfront?.keyPairId;
  if (keyPairId === undefined)
    throw new UsageError('no CloudFront key: pass --key-pair-id (or set login.cloudfront.keyPairId)');
  if (!/^[A-Z0-9]{1,128}$/.test(keyPairId))
    throw new UsageError('--key-pair-id must be a CloudFront public key ID (A-Z, 0-9)');
  return {
    keyPairId,
    hashAlgorithm: (o.hash as 'SHA1' | 'SHA256' | undefined) ?? config.login?.cloudfront?.hashAlgorithm ?? 'SHA256',
    signedCookies: use.signedCookies,
    signedUrls: use.signedUrls,
  };
}
