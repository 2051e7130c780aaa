/**
 * `x-local-set-cookies`: a local-only response header that lists the cookies a response sets — names and
 * attributes, never values — because a page's script cannot read `Set-Cookie` (a forbidden response header)
 * nor see HttpOnly cookies in `document.cookie`. The demo shows it after signing in and out, so a developer
 * sees exactly which cookies the login sets, with which `Path`, `Max-Age`, `Secure`, `HttpOnly` and
 * `SameSite`. CloudFront adds no such header: it exists only on the local distribution.
 */
import type { HeaderList } from './http-message';

export const SET_COOKIE_ECHO_HEADER = 'x-local-set-cookies';

export interface CookieAttributes {
  name: string;
  /** Everything after the value, as set: `Path=/; Max-Age=900; Secure; HttpOnly; SameSite=Lax`. */
  attributes: string;
}

/** The cookies `Set-Cookie` lines set, without their values. */
export function setCookieAttributes(headers: HeaderList): CookieAttributes[] {
  const out: CookieAttributes[] = [];
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'set-cookie') continue;
    const semi = value.indexOf(';');
    const pair = semi === -1 ? value : value.slice(0, semi);
    const eq = pair.indexOf('=');
    out.push({
      name: (eq === -1 ? pair : pair.slice(0, eq)).trim(),
      attributes: semi === -1 ? '' : value.slice(semi + 1).trim(),
    });
  }
  return out;
}

/** The header to add, or undefined when the response sets no cookie. */
export function setCookieEcho(headers: HeaderList): [string, string] | undefined {
  const cookies = setCookieAttributes(headers);
  if (cookies.length === 0) return undefined;
  // JSON escapes every non-ASCII character: a header value stays ASCII.
  return [
    SET_COOKIE_ECHO_HEADER,
    JSON.stringify(cookies).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  ];
}
