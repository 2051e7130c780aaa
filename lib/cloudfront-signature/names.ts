/**
 * CloudFront's own names for a signed URL's query parameters and for signed cookies
 * (docs/platform.md#signed-urls-and-cookies). Case-sensitive. Defined here once: the checker, the login's
 * signer, the access log's redaction and the gate configuration's `linkTokenParam` check all read them.
 */

/** Query parameters CloudFront consumes from a signed URL, by role. */
export const SIGNED_URL_PARAMS = {
  expires: 'Expires',
  policy: 'Policy',
  signature: 'Signature',
  keyPairId: 'Key-Pair-Id',
  hashAlgorithm: 'Hash-Algorithm',
} as const;

/** The cookies that make up a signed-cookie credential, by role. */
export const SIGNED_COOKIES = {
  expires: 'CloudFront-Expires',
  policy: 'CloudFront-Policy',
  signature: 'CloudFront-Signature',
  keyPairId: 'CloudFront-Key-Pair-Id',
  hashAlgorithm: 'CloudFront-Hash-Algorithm',
} as const;

export const SIGNED_URL_PARAM_NAMES: readonly string[] = Object.values(SIGNED_URL_PARAMS);
export const SIGNED_COOKIE_NAMES: readonly string[] = Object.values(SIGNED_COOKIES);
