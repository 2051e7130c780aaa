/**
 * The distribution's custom error responses (`CustomErrorResponses`: ErrorCode → ResponsePagePath, ResponseCode,
 * ErrorCachingMinTTL; docs/platform.md#custom-error-responses-and-limits):
 *
 * - they replace 4xx/5xx answers from an origin and CloudFront's own refusals (a trusted key group's 403, a
 *   method the behavior does not allow, a function that failed) with the page at `ResponsePagePath`, fetched
 *   through the distribution like any object, under `ResponseCode` (or the original code when none is given);
 *   when the page itself cannot be had, the viewer gets the original error;
 * - they do not replace a response an edge function generated: the gate's 401/403 JSON reaches the viewer as
 *   the gate wrote it (unconfirmed by AWS, see docs/platform.md; the doctor warns about 403 pages either way);
 * - an origin's error is cached for `ErrorCachingMinTTL` seconds (10 by default) on a behavior that caches.
 */
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';

export interface CustomErrorResponse {
  errorCode: number;
  pagePath: string | undefined;
  responseCode: number | undefined;
  errorCachingMinTtl: number;
}

/** CloudFront's default time to cache an origin's error (DG "Custom error responses"). */
export const DEFAULT_ERROR_CACHING_MIN_TTL = 10;

/** The codes CloudFront lets a distribution customize (and caches errors for). */
export const CUSTOMIZABLE_ERROR_CODES: readonly number[] = [400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504];

export function customErrorResponsesFrom(config: DistributionConfig): Map<number, CustomErrorResponse> {
  const out = new Map<number, CustomErrorResponse>();
  for (const item of config.CustomErrorResponses?.Items ?? []) {
    const code = item.ErrorCode;
    if (code === undefined || !CUSTOMIZABLE_ERROR_CODES.includes(code))
      throw new Error(`CustomErrorResponses: ErrorCode ${String(code)} is not one CloudFront customizes`);
    const page =
      item.ResponsePagePath === undefined || item.ResponsePagePath === '' ? undefined : item.ResponsePagePath;
    if (page !== undefined && !page.startsWith('/'))
      throw new Error(`CustomErrorResponses ${code}: ResponsePagePath must start with "/"`);
    const responseCode =
      item.ResponseCode === undefined || item.ResponseCode === '' ? undefined : Number(item.ResponseCode);
    if (responseCode !== undefined && (!Number.isInteger(responseCode) || responseCode < 200 || responseCode > 599))
      throw new Error(`CustomErrorResponses ${code}: ResponseCode ${item.ResponseCode} is not an HTTP status`);
    out.set(code, {
      errorCode: code,
      pagePath: page,
      responseCode,
      errorCachingMinTtl: item.ErrorCachingMinTTL ?? DEFAULT_ERROR_CACHING_MIN_TTL,
    });
  }
  return out;
}
