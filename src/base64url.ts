/**
 * Strict base64url checks shared by every runtime.
 *
 * RFC 7515 §2 and §C: base64url without padding, no whitespace. We also require the canonical form (the
 * unused low bits of the last character are zero) so that exactly one string encodes a given signature:
 * otherwise the Lambda@Edge target (which compares bytes) and the CloudFront Function (which compares
 * strings) could disagree on the same token.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function isCanonicalBase64url(segment: string): boolean {
  const length = segment.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) {
    const c = segment.charCodeAt(i);
    const ok =
      (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 /* - */ || c === 95; /* _ */
    if (!ok) return false;
  }
  const tail = length % 4;
  if (tail === 1) return false;
  if (tail === 0) return true;
  const last = ALPHABET.indexOf(segment.charAt(length - 1));
  // 2 chars carry 8 bits (4 spare), 3 chars carry 16 bits (2 spare).
  return tail === 2 ? (last & 15) === 0 : (last & 3) === 0;
}
