/**
 * Equality whose time depends only on the length, not on where the inputs differ, so a signature cannot be
 * guessed byte by byte from response times. (CloudFront Functions have no `crypto.timingSafeEqual`.)
 */

/** Two strings, character by character: cheap under V8 (the Lambda@Edge bundle compares base64url digests). */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Two byte arrays. The CloudFront Function compares raw digests: under njs a loop over 32 bytes costs about a
 * seventh of one over 43 base64url characters read with `charCodeAt` (docs/platform.md#njs-as-a-stand-in).
 */
export function constantTimeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  const length = a.length;
  let diff = 0;
  // The length read once: under njs a typed array's `length` is a getter call, which would cost more than
  // the comparison itself.
  for (let i = 0; i < length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * Two 32-byte digests (HMAC-SHA256), as eight 32-bit words: under njs every element read costs about 300
 * instructions, so a quarter of the reads halve the comparison (docs/platform.md#njs-as-a-stand-in). Each is
 * copied first: a view needs a 4-byte-aligned offset, which a pooled Node Buffer need not have.
 */
export function constantTimeEqualDigests(digest: Uint8Array, b: Uint8Array): boolean {
  // `digest` is one the function computed: 32 bytes. `b` may be any length.
  if (b.length !== 32) return false;
  const a = digest;
  const x = new Uint32Array(new Uint8Array(a).buffer);
  const y = new Uint32Array(new Uint8Array(b).buffer);
  let diff = 0;
  for (let i = 0; i < 8; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}
