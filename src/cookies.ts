/**
 * Reading and removing one cookie from raw `Cookie` header values (RFC 6265 §5.2 / §5.4).
 *
 * Lambda@Edge hands every `Cookie` header as it came; a browser may send several, and a sibling subdomain
 * can plant a second cookie of the same name (cookie tossing). We collect every occurrence of the exact,
 * case-sensitive name so the caller can refuse more than one.
 *
 * Semantics are those of splitting on `;` and trimming spaces and tabs around name and value; the scan
 * below finds the same pairs with `indexOf` instead of splitting every header (this runs per request).
 */

function isOws(c: number): boolean {
  return c === 32 || c === 9;
}

function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isOws(text.charCodeAt(start))) start++;
  while (end > start && isOws(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/**
 * The next pair named `name` in `header` at or after `from`: the offsets of its pair (from just after the
 * previous `;` to the next `;` or the end) and of its `=`; undefined when there is none.
 */
function nextPair(header: string, name: string, from: number): { start: number; eq: number; end: number } | undefined {
  const length = header.length;
  let at = header.indexOf(name, from);
  while (at !== -1) {
    let before = at - 1;
    while (before >= 0 && isOws(header.charCodeAt(before))) before--;
    let after = at + name.length;
    while (after < length && isOws(header.charCodeAt(after))) after++;
    if (
      (before < 0 || header.charCodeAt(before) === 59) /* ; */ &&
      after < length &&
      header.charCodeAt(after) === 61 /* = */
    ) {
      let end = header.indexOf(';', after + 1);
      if (end === -1) end = length;
      return { start: before + 1, eq: after, end: end };
    }
    at = header.indexOf(name, at + 1);
  }
  return undefined;
}

/** Every value of cookie `name`, across all the given `Cookie` header values, in order. */
export function cookieValues(headerValues: string[], name: string): string[] {
  const found: string[] = [];
  for (let h = 0; h < headerValues.length; h++) {
    const header = headerValues[h];
    let pair = nextPair(header, name, 0);
    while (pair !== undefined) {
      found.push(trimOws(header.slice(pair.eq + 1, pair.end)));
      pair = nextPair(header, name, pair.end);
    }
  }
  return found;
}

/** One `Cookie` header value without cookie `name`; '' when nothing else is left. */
export function withoutCookie(headerValue: string, name: string): string {
  let rest = headerValue;
  let pair = nextPair(rest, name, 0);
  while (pair !== undefined) {
    let head = trimOws(rest.slice(0, pair.start));
    if (head.charCodeAt(head.length - 1) === 59) head = trimOws(head.slice(0, -1));
    const tail = trimOws(rest.slice(pair.end + 1));
    rest = head === '' ? tail : tail === '' ? head : head + '; ' + tail;
    pair = nextPair(rest, name, 0);
  }
  return rest;
}
