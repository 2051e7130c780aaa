/**
 * Strict base64url checks shared by every runtime.
 *
 * RFC 7515 §2 and §C: base64url without padding, no whitespace. We also require the canonical form (the
 * unused low bits of the last character are zero) so that exactly one string encodes a given byte
 * sequence: HMAC signatures are then compared as strings in both runtimes, and asymmetric ones decoded to
 * bytes, without the two ways ever disagreeing on the same token.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Whether the last character of a base64url string leaves no spare bits set (its length already checked). */
export function hasCanonicalTail(segment: string): boolean {
  const tail = segment.length % 4;
  if (tail === 0) return true;
  if (tail === 1) return false;
  const last = ALPHABET.indexOf(segment.charAt(segment.length - 1));
  // 2 chars carry 8 bits (4 spare), 3 chars carry 16 bits (2 spare).
  return tail === 2 ? (last & 15) === 0 : (last & 3) === 0;
}
