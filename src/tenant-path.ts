/**
 * The viewer path rules and the rewrite into the tenant's prefix.
 *
 * CloudFront normalizes the path only to pick a behavior and sends the raw path on; S3 keys are literal,
 * so `..`, `.` and `//` would reach objects outside the intended key. The gate therefore refuses, before
 * and after percent-decoding, anything that is not a plain sequence of non-empty segments.
 */

/** S3 keys are at most 1024 bytes; the prefix adds a little. Longer viewer paths cannot name an object. */
export const MAX_URI_LENGTH = 1024;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Returns undefined when `uri` is an acceptable viewer path, or a short reason when it is not.
 * Accepts only printable ASCII (CloudFront hands the path percent-encoded), `%XX` escapes that are not
 * `/ \ . %` or a control character and that decode to valid UTF-8, and segments that are neither empty
 * nor `.` / `..`.
 */
export function checkViewerPath(uri: string): string | undefined {
  const length = uri.length;
  if (length === 0 || uri.charCodeAt(0) !== 47) return 'no leading /';
  if (length > MAX_URI_LENGTH) return 'too long';
  let escaped = false;
  let segmentStart = 1;
  for (let i = 1; i <= length; i++) {
    const c = i < length ? uri.charCodeAt(i) : 47;
    if (c === 47) {
      const size = i - segmentStart;
      if (size === 0) return 'empty segment';
      if (size <= 2 && uri.charCodeAt(segmentStart) === 46 && (size === 1 || uri.charCodeAt(segmentStart + 1) === 46)) {
        return 'dot segment';
      }
      segmentStart = i + 1;
      continue;
    }
    // Printable ASCII only; backslash, `?` and `#` have no place in a CloudFront uri field.
    if (c < 0x21 || c > 0x7e) return 'not printable ASCII';
    if (c === 92) return 'backslash';
    if (c === 63 || c === 35) return '? or #';
    if (c === 37) {
      if (i + 2 >= length) return 'bad escape';
      const hi = hexValue(uri.charCodeAt(i + 1));
      const lo = hexValue(uri.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return 'bad escape';
      const byte = hi * 16 + lo;
      if (byte === 47 || byte === 92 || byte === 46 || byte === 37) return 'encoded / \\ . or %';
      if (byte < 0x20 || byte === 0x7f) return 'encoded control';
      escaped = true;
      i += 2;
    }
  }
  if (!escaped) return undefined;
  let decoded: string;
  try {
    // Throws URIError on any byte sequence that is not valid UTF-8 (overlong forms, surrogates included).
    decoded = decodeURIComponent(uri);
  } catch (_error) {
    return 'not UTF-8';
  }
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    // C1 controls and the line/paragraph separators are as dangerous in logs and keys as C0 ones.
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 92) {
      return 'control after decoding';
    }
  }
  const segments = decoded.split('/');
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === '' || segment === '.' || segment === '..') return 'dot after decoding';
  }
  return undefined;
}

/** A tenant id is used as a path segment: check it as one, whatever the configured pattern admits. */
export function isSafeTenantSegment(tenant: string): boolean {
  if (tenant === '' || tenant === '.' || tenant === '..' || tenant.length > 255) return false;
  for (let i = 0; i < tenant.length; i++) {
    const c = tenant.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 47 || c === 92 || c === 37 || c === 63 || c === 35) return false;
  }
  return true;
}

/** `/tenants/{tenant}` + `/files/x` → `/tenants/acme/files/x`. Both inputs must already be checked. */
export function originUri(originPrefix: string, tenant: string, viewerUri: string): string {
  return originPrefix.replace('{tenant}', tenant) + viewerUri;
}
