/**
 * The `Set-Cookie` values the login origin sends (RFC 6265 §4.1), and the ones that expire them.
 *
 * Every cookie is host-only (no `Domain`: a sibling subdomain can neither read nor receive it), `Secure`,
 * `HttpOnly` (no script needs them: the browser just sends them with file requests) and `SameSite=Lax`
 * (sent on top-level navigations to a file, as a shared link needs, but not on cross-site subrequests or
 * POSTs). The tenant cookie keeps `Path=/`, which its `__Host-` prefix requires; the CloudFront cookies are
 * scoped to the protected prefix, since nothing else on the host needs them.
 */
import type { GateConfig } from '../config/gate';
import { SIGNED_COOKIES } from '../lib/cloudfront-signature/names';

export const CLOUDFRONT_COOKIE_NAMES = [
  SIGNED_COOKIES.policy,
  SIGNED_COOKIES.signature,
  SIGNED_COOKIES.keyPairId,
  SIGNED_COOKIES.hashAlgorithm,
  // Never set (custom policies only), but expired on logout: a stale canned cookie beside a custom one
  // would make CloudFront refuse the pair.
  SIGNED_COOKIES.expires,
] as const;

/** RFC 6265 cookie-octets: what may appear in a value without quoting. */
const COOKIE_OCTETS = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;

export function serializeSetCookie(name: string, value: string, path: string, maxAgeSeconds: number): string {
  if (!COOKIE_OCTETS.test(value)) throw new Error(`cookie ${name}: value has characters a cookie cannot carry`);
  const parts = [`${name}=${value}`, `Path=${path}`, `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`];
  // Max-Age wins over Expires in every current browser (RFC 6265 §5.3); Expires in the past is for the rest.
  if (maxAgeSeconds <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  parts.push('Secure', 'HttpOnly', 'SameSite=Lax');
  return parts.join('; ');
}

export type CookieRules = Pick<GateConfig, 'cookieName' | 'pathPrefix'>;

/** The tenant cookie and, when given, the CloudFront signed cookies, all living `maxAgeSeconds`. */
export function sessionSetCookies(
  rules: CookieRules,
  token: string,
  maxAgeSeconds: number,
  cloudfront: Readonly<Record<string, string>> | undefined,
): string[] {
  const cookies = [serializeSetCookie(rules.cookieName, token, '/', maxAgeSeconds)];
  if (cloudfront !== undefined) {
    for (const name of Object.keys(cloudfront)) {
      cookies.push(serializeSetCookie(name, cloudfront[name]!, rules.pathPrefix, maxAgeSeconds));
    }
  }
  return cookies;
}

/** Expires every cookie `sessionSetCookies` can set, with the same name and path (else the browser keeps it). */
export function clearingSetCookies(rules: CookieRules, cloudfrontCookies: boolean): string[] {
  const cookies = [serializeSetCookie(rules.cookieName, '', '/', 0)];
  if (cloudfrontCookies)
    for (const name of CLOUDFRONT_COOKIE_NAMES) cookies.push(serializeSetCookie(name, '', rules.pathPrefix, 0));
  return cookies;
}
