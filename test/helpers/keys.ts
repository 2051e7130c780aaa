/** The throwaway keys of gatekeeper.config.json, with their private halves, for minting test tokens. */
import { createPrivateKey, createSecretKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig, type GateConfig } from '../../config/gate';

export const ROOT = join(import.meta.dirname, '..', '..');

const signing = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/throwaway-signing-keys.json'), 'utf8')) as Record<
  string,
  { alg: string; secret?: string; privateKeyJwk?: import('node:crypto').JsonWebKey }
>;

export const CONFIG: GateConfig = validateConfig(
  JSON.parse(readFileSync(join(ROOT, 'gatekeeper.config.json'), 'utf8')),
);

export type Kid = 'hs-2026-11' | 'hs-2026-10' | 'es-2026-11' | 'rs-2026-11' | 'ed-2026-11';

export function privateKey(kid: Kid): KeyObject {
  const entry = signing[kid];
  if (entry === undefined) throw new Error(`no test key ${kid}`);
  if (entry.secret !== undefined) return createSecretKey(Buffer.from(entry.secret, 'base64url'));
  return createPrivateKey({ key: entry.privateKeyJwk!, format: 'jwk' });
}

export function algOf(kid: Kid): string {
  return signing[kid]!.alg;
}
