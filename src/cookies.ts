/**
 * Reading and removing one cookie from raw `Cookie` header values (RFC 6265 §5.4 / §4.2.1).
 *
 * Lambda@Edge hands every `Cookie` header as it came; a browser may send several, and a sibling subdomain
 * can plant a second cookie of the same name (cookie tossing). We collect every occurrence of the exact,
 * case-sensitive name so the caller can refuse more than one.
 */

/** Every value of cookie `name`, across all the given `Cookie` header values, in order. */
export function cookieValues(headerValues: string[], name: string): string[] {
  const found: string[] = [];
  for (let h = 0; h < headerValues.length; h++) {
    const pairs = headerValues[h].split(';');
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i];
      const eq = pair.indexOf('=');
      if (eq === -1) continue;
      if (pair.slice(0, eq).trim() === name) found.push(pair.slice(eq + 1).trim());
    }
  }
  return found;
}

/** One `Cookie` header value without cookie `name`; '' when nothing else is left. */
export function withoutCookie(headerValue: string, name: string): string {
  const kept: string[] = [];
  const pairs = headerValue.split(';');
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i].trim();
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) continue;
    kept.push(pair);
  }
  return kept.join('; ');
}
