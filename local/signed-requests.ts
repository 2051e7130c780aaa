/**
 * A behavior's trusted key group: CloudFront's own signed URL / signed cookie check, done by the project's
 * independent implementation (lib/cloudfront-signature): policy decoding, RSA / ECDSA verification with the
 * group's public keys, `DateLessThan`, `DateGreaterThan`, `IpAddress`, `Resource` wildcards, and a signed
 * URL winning over cookies. A refusal is CloudFront's 403.
 *
 * Which URL is judged: CloudFront matches `Resource` against the URL the viewer asked for on the
 * distribution's own domain (`https://cdn.example.com/files/a.png?…`). Locally the emulator *is* the
 * distribution, whatever host and port the browser used, so the URL judged is
 * `https://<config.domain><path>?<query>`: the policies the login function signs for production are judged
 * here unchanged. The check runs before the viewer-request function, on the viewer's own path and query
 * (whether CloudFront orders them so is unconfirmed — docs/platform.md#signed-urls-and-cookies; the gate's check is complete on its own).
 */
import type { KeyObject } from 'node:crypto';
import { judgeCloudFrontRequest, type CloudFrontVerifyResult } from '../lib/cloudfront-signature/index';
import { urlCarriesSignature } from '../lib/cloudfront-signature/signed-params';
import { CLOUDFRONT_SIGNED_COOKIES, CLOUDFRONT_SIGNED_PARAMS } from './access-log';
import { headerValues, xmlError, type EdgeRequest, type EdgeResponse } from './http-message';
import { redactCredentials } from './redact-credentials';
import { SignedCookieCache } from './signed-cookie-cache';

export interface TrustedKeyGroup {
  /** Public keys by CloudFront key ID (the `Key-Pair-Id` value); at most 5 per group, as in CloudFront. */
  publicKeys: Readonly<Record<string, KeyObject | string>>;
}

export type SignedCheck =
  { ok: true; result: CloudFrontVerifyResult } | { ok: false; result: CloudFrontVerifyResult; response: EdgeResponse };

/** The URL CloudFront judges: the viewer's path and query on the distribution's domain. */
export function judgedUrl(domain: string, request: Pick<EdgeRequest, 'uri' | 'querystring'>): string {
  return `https://${domain}${request.uri}${request.querystring === '' ? '' : `?${request.querystring}`}`;
}

/** Cookies by name, first value of a repeated name (as the verifier expects). */
export function requestCookies(request: Pick<EdgeRequest, 'headers'>): Record<string, string> {
  const cookies = Object.create(null) as Record<string, string>;
  for (const line of headerValues(request.headers, 'cookie')) {
    for (const pair of line.split(';')) {
      const eq = pair.indexOf('=');
      if (eq === -1) continue;
      const name = pair.slice(0, eq).trim();
      if (name !== '' && cookies[name] === undefined) cookies[name] = pair.slice(eq + 1).trim();
    }
  }
  return cookies;
}

/** Each key group's verified signed cookies (local/signed-cookie-cache.ts); a group's keys never change. */
const verifiedCookies = new WeakMap<TrustedKeyGroup, SignedCookieCache>();

export function signedCookieCache(group: TrustedKeyGroup): SignedCookieCache {
  let cache = verifiedCookies.get(group);
  if (cache === undefined) verifiedCookies.set(group, (cache = new SignedCookieCache()));
  return cache;
}

export function checkTrustedKeyGroup(
  group: TrustedKeyGroup,
  request: EdgeRequest,
  domain: string,
  nowMs: number,
): SignedCheck {
  const url = judgedUrl(domain, request);
  const cookies = requestCookies(request);
  const cache = signedCookieCache(group);
  // A signed URL wins over cookies: only a URL without signing parameters may be judged by remembered cookies.
  const signedUrl = urlCarriesSignature(url);
  const remembered = signedUrl ? undefined : cache.lookup(url, cookies, nowMs / 1000, request.clientIp);
  if (remembered !== undefined) return { ok: true, result: remembered };
  const result = judgeCloudFrontRequest({
    url,
    cookies,
    publicKeys: group.publicKeys,
    now: nowMs / 1000,
    viewerIp: request.clientIp,
  });
  if (result.ok) {
    if (!signedUrl) cache.remember(cookies, result);
    return { ok: true, result };
  }
  // The reason quotes the URL judged and the policy's Resource: a link token and a signature among them.
  const reason = redactCredentials(result.reason, {
    cookies: CLOUDFRONT_SIGNED_COOKIES,
    queryParams: CLOUDFRONT_SIGNED_PARAMS,
  });
  // CloudFront's bodies: MissingKey when nothing signed was sent, AccessDenied for everything else.
  const response =
    result.code === 'missing_parameter'
      ? xmlError(403, 'MissingKey', 'Missing Key-Pair-Id query parameter or cookie value')
      : xmlError(403, 'AccessDenied', 'Access denied');
  return { ok: false, result: { ...result, reason }, response };
}
