/** CloudFront quotas the build and the deploy check against, each defined once. */

/** The maximum size of a CloudFront Function's code (docs/platform.md#cloudfront-functions-runtime). */
export const CLOUDFRONT_FUNCTION_MAX_BYTES = 10 * 1024;
