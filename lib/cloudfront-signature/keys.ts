import { createPublicKey, KeyObject } from 'node:crypto';

/** Public keys by CloudFront key ID (the `Key-Pair-Id` value), as a PEM string or an imported `KeyObject`. */
export type PublicKeyInput = KeyObject | string;

export type ImportedKeys = { ok: true; keys: ReadonlyMap<string, KeyObject> } | { ok: false; reason: string };

/**
 * CloudFront accepts RSA 2048-bit public keys, and ECDSA P-256 keys (DG "private-content-trusted-signers",
 * docs/platform.md#signed-urls-and-cookies); anything else could never verify at the edge, so it is refused here as a configuration error.
 */
function keyProblem(key: KeyObject): string | undefined {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') {
    return details?.modulusLength === 2048 ? undefined : 'must be RSA-2048';
  }
  if (key.asymmetricKeyType === 'ec') {
    return details?.namedCurve === 'prime256v1' ? undefined : 'must be ECDSA on P-256';
  }
  return `has unsupported type ${String(key.asymmetricKeyType)} (RSA-2048 or ECDSA P-256 only)`;
}

/** Imports and checks every key up front; never throws. */
export function importPublicKeys(publicKeys: unknown): ImportedKeys {
  if (typeof publicKeys !== 'object' || publicKeys === null) {
    return { ok: false, reason: 'publicKeys must be an object mapping key IDs to public keys' };
  }
  const keys = new Map<string, KeyObject>();
  for (const [id, input] of Object.entries(publicKeys)) {
    let key: KeyObject;
    try {
      // A private KeyObject is accepted too (its public half is used), which keeps test setups short.
      if (input instanceof KeyObject) key = input.type === 'public' ? input : createPublicKey(input);
      else if (typeof input === 'string') key = createPublicKey(input);
      else throw new TypeError('not a key');
    } catch {
      return { ok: false, reason: `publicKeys["${id}"] is not a readable public key (PEM or KeyObject)` };
    }
    const problem = keyProblem(key);
    if (problem !== undefined) return { ok: false, reason: `publicKeys["${id}"] ${problem}` };
    keys.set(id, key);
  }
  return { ok: true, keys };
}
