/**
 * The viewer path rules and the rewrite into the tenant's prefix.
 *
 * CloudFront normalizes the path only to pick a behavior and sends the raw path on; S3 keys are literal,
 * so `..`, `.` and `//` would reach objects outside the intended key. The gate therefore refuses, before
 * and after percent-decoding, anything that is not a plain sequence of non-empty segments.
 */
import type { PathProblem } from './errors';

/** S3 keys are at most 1024 bytes; the prefix adds a little. Longer viewer paths cannot name an object. */
export const MAX_URI_LENGTH = 1024;

/**
 * The end of the input. Not `$`: under njs (PCRE) `$` also matches before a final newline, so `/^a$/` accepts
 * "a\n" there and not in V8 (docs/platform.md#njs-as-a-stand-in).
 */
export const END = '(?![\\s\\S])';

/** A character a plain segment may hold: printable ASCII but `/ \ ? # %` (0x21–0x7e less 0x2f 0x5c 0x3f 0x23 0x25). */
const SEGMENT_CHAR = '[!"$&-.0->@-\\[\\]-~]';

/** A tenant id as a path segment: 1–255 such characters, not `.` or `..`. */
const SAFE_SEGMENT = new RegExp('^(?!\\.\\.?' + END + ')' + SEGMENT_CHAR + '{1,255}' + END);

/**
 * The common case in one anchored expression: segments of printable ASCII without `/ \ ? # %`, none of them
 * empty, `.` or `..`. Everything it matches, the full scan below accepts too; it only spares that scan, which
 * costs about 0.17 µs a character under njs against about 1.6 µs for this whole expression on a 200-character
 * path (docs/platform.md#njs-as-a-stand-in). A path with an escape or any oddity takes the full scan.
 */
export const PLAIN_PATH = new RegExp('^(?:/(?!\\.\\.?(?:/|' + END + '))' + SEGMENT_CHAR + '+)+' + END);

/**
 * Returns undefined when `uri` is an acceptable viewer path, or a short reason when it is not.
 * Accepts only printable ASCII (CloudFront hands the path percent-encoded), `%XX` escapes that are not
 * `/ \ . %` or a control character and that decode to valid UTF-8, and segments that are neither empty
 * nor `.` / `..`.
 */
export function checkViewerPath(uri: string): PathProblem | undefined {
  return uri.length <= MAX_URI_LENGTH && PLAIN_PATH.test(uri) ? undefined : scanViewerPath(uri);
}

// The full rules, one expression each: under njs a native scan costs a fraction of a loop in JavaScript.
const NOT_PRINTABLE = /[^!-~]/;
const BACKSLASH_QUERY_FRAGMENT = /[\\?#]/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const ENCODED_SEPARATOR = /%(?:2[EeFf5]|5[Cc])/;
const ENCODED_CONTROL = /%(?:[01][0-9A-Fa-f]|7[Ff])/;
const EMPTY_OR_DOT_SEGMENT = new RegExp('/(?:\\.\\.?)?(?:/|' + END + ')');
/** C1 controls and the line/paragraph separators are as dangerous in logs and keys as C0 ones. */
const DECODED_CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\\]/;

/** The rules of `checkViewerPath` without its fast path (exported for the test that holds the two together). */
export function scanViewerPath(uri: string): PathProblem | undefined {
  if (uri.charCodeAt(0) !== 47) return 'no leading /';
  if (uri.length > MAX_URI_LENGTH) return 'too long';
  // Printable ASCII only; backslash, `?` and `#` have no place in a CloudFront uri field.
  if (NOT_PRINTABLE.test(uri)) return 'not printable ASCII';
  if (BACKSLASH_QUERY_FRAGMENT.test(uri)) return 'backslash, ? or #';
  if (BAD_ESCAPE.test(uri)) return 'bad escape';
  if (ENCODED_SEPARATOR.test(uri)) return 'encoded / \\ . or %';
  if (ENCODED_CONTROL.test(uri)) return 'encoded control';
  if (EMPTY_OR_DOT_SEGMENT.test(uri)) return 'empty or dot segment';
  if (uri.indexOf('%') === -1) return undefined;
  let decoded: string;
  try {
    // Throws URIError on any byte sequence that is not valid UTF-8 (overlong forms, surrogates included).
    decoded = decodeURIComponent(uri);
  } catch (_error) {
    return 'not UTF-8';
  }
  if (DECODED_CONTROL.test(decoded)) return 'control after decoding';
  if (EMPTY_OR_DOT_SEGMENT.test(decoded)) return 'dot after decoding';
  return undefined;
}

/** A tenant id is used as a path segment: check it as one, whatever the configured pattern admits. */
export function isSafeTenantSegment(tenant: string): boolean {
  return SAFE_SEGMENT.test(tenant);
}

/** `originPrefix` around its one `{tenant}` (config/gate.ts admits no other), split once rather than per request. */
export type OriginPrefix = [before: string, after: string];

export function originPrefixParts(originPrefix: string): OriginPrefix {
  const at = originPrefix.indexOf('{tenant}');
  return [originPrefix.slice(0, at), originPrefix.slice(at + '{tenant}'.length)];
}

/**
 * `/tenants/{tenant}` + `/files/x` → `/tenants/acme/files/x`. Both inputs must already be checked. Concatenated, not
 * `replace`d (a tenant pattern may admit `$`, and `$&` in a replacement is a pattern), with the prefix split once:
 * under njs splitting and joining it costs four times the concatenation, on every request.
 */
export function originUri(prefix: OriginPrefix, tenant: string, viewerUri: string): string {
  return prefix[0] + tenant + prefix[1] + viewerUri;
}
