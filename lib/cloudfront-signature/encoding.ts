/**
 * CloudFront's URL-safe base64 variant (DG "private-content-creating-signed-url-custom-policy", step "Replace
 * characters that are invalid in a URL query string"): standard MIME base64, then `+`→`-`, `=`→`_`, `/`→`~`.
 * It is NOT base64url (`-`/`_` for `+`/`/`): `_` is padding here, so a base64url decoder would misread it.
 */

const TO_CLOUDFRONT: Readonly<Record<string, string>> = { '+': '-', '=': '_', '/': '~' };
const FROM_CLOUDFRONT: Readonly<Record<string, string>> = { '-': '+', _: '=', '~': '/' };

// Canonical form only: whole 4-char groups, padding (`_`) only at the end. Node's own base64 decoder silently
// skips junk and tolerates missing padding, so the shape is checked here before decoding.
const CANONICAL = /^(?:[A-Za-z0-9~-]{4})*(?:[A-Za-z0-9~-]{2}__|[A-Za-z0-9~-]{3}_)?$/;

export function encodeCloudFrontBase64(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  return bytes.toString('base64').replace(/[+=/]/g, (c) => TO_CLOUDFRONT[c] ?? c);
}

/**
 * Strict decode: returns undefined (never throws) for an empty string, a character outside the alphabet, a
 * length that is not a multiple of 4, misplaced padding, or non-zero unused trailing bits (a second spelling of
 * the same bytes). Stricter than CloudFront may be; a test oracle must not be more lenient than the edge.
 */
export function decodeCloudFrontBase64(text: string): Uint8Array | undefined {
  if (text.length === 0 || !CANONICAL.test(text)) return undefined;
  const standard = text.replace(/[-_~]/g, (c) => FROM_CLOUDFRONT[c] ?? c);
  const bytes = Buffer.from(standard, 'base64');
  // Re-encoding must give back the same text, which rules out non-zero trailing bits.
  if (bytes.toString('base64') !== standard) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
