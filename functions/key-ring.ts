/**
 * Node's side of the token port: `node:crypto` key objects made once at load, and the base64url decoder.
 *
 * Why not jose on the hot path: `jwtVerify` goes through WebCrypto, about 20× the cost of one
 * `createHmac` on Node 20. The rules jose would apply are applied by `src/token.ts`, and
 * test/differential.test.ts proves both agree on every token of the suite.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import { createHmac, createPublicKey, createSecretKey, verify, type KeyObject } from 'node:crypto';
import { constantTimeEqual } from '../src/constant-time';
import type { KeyConfig } from '../config/gate';
import type { Base64urlPort, KeyLookup, VerificationKey } from '../src/token';

function hmacKey(secret: KeyObject): VerificationKey {
  return {
    alg: 'HS256',
    verify(signingInput, signature) {
      // The core admits only canonical base64url, so comparing encodings is comparing bytes; and
      // `digest('base64url')` is about a third cheaper on Node 20 than allocating a Buffer digest.
      return constantTimeEqual(createHmac('sha256', secret).update(signingInput).digest('base64url'), signature);
    },
  };
}

function publicKey(alg: 'ES256' | 'RS256' | 'EdDSA', key: KeyObject): VerificationKey {
  // JWS ES256 signatures are the raw 64-byte r‖s (RFC 7518 §3.4), not DER.
  const expectedLength = alg === 'ES256' ? 64 : alg === 'EdDSA' ? 64 : undefined;
  const digest = alg === 'EdDSA' ? null : 'sha256';
  const keyInput = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  return {
    alg,
    verify(signingInput, _signature, given) {
      if (expectedLength !== undefined && given.length !== expectedLength) return false;
      try {
        return verify(digest, Buffer.from(signingInput, 'latin1'), keyInput, given);
      } catch {
        return false;
      }
    },
  };
}

export function importKey(config: KeyConfig): VerificationKey {
  if (config.alg === 'HS256') return hmacKey(createSecretKey(Buffer.from(config.secret, 'base64url')));
  return publicKey(
    config.alg,
    createPublicKey({ key: config.publicKeyJwk as import('node:crypto').JsonWebKey, format: 'jwk' }),
  );
}

/** Imports every configured key once; the lookup is a plain property read per request. */
export function createKeyRing(configs: KeyConfig[]): KeyLookup {
  const byKid: { [kid: string]: VerificationKey } = Object.create(null);
  for (const config of configs) byKid[config.kid] = importKey(config);
  return (kid) => byKid[kid];
}

/** Node's base64url and UTF-8, for the core's token rules (src/token-rules.ts). */
export const nodeBase64url: Base64urlPort = {
  segmentBytes: (segment) => Buffer.from(segment, 'base64url'),
  encode: (bytes) => (bytes as Buffer).toString('base64url'),
  // jose would read invalid UTF-8 as U+FFFD; a signed token with broken text is refused instead. Buffer's
  // `toString` keeps a leading byte-order mark, so JSON.parse refuses it (RFC 8259 §8.1).
  text: (bytes) => (isUtf8(bytes) ? (bytes as Buffer).toString('utf8') : undefined),
};
