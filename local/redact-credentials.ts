/**
 * Credentials out of free text: what the emulator writes to its developer notes (refusal reasons that quote
 * a URL, a function's own log lines, stack traces) and the access log's free-text fields (`cs(Referer)`,
 * `cs(User-Agent)`). The structured fields (`cs-uri-query`, `cs(Cookie)`) are redacted by name in
 * local/access-log.ts; here the text has no structure to rely on, so three shapes are replaced wherever
 * they appear:
 *
 * - `name=value` for every credential name (the link-token parameter, `Signature`, `Policy`, the session
 *   cookie, CloudFront's signed cookies), as a query parameter or a cookie pair, percent-encoded or not;
 * - a JWT (three base64url segments, the first a JSON header `eyJ…`): session, link and identity tokens;
 * - `Bearer <credential>`, and whatever follows `authorization:` or `x-identity-token:` (a header as a
 *   function may log it), even an opaque token.
 */
export const REDACTED = 'REDACTED';

/** What counts as a credential by name. */
export interface CredentialNames {
  /** Cookie names whose values are credentials. */
  cookies: readonly string[];
  /** Query parameter names whose values are credentials. */
  queryParams: readonly string[];
}

const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?/g;
const BEARER = /\b(Bearer)(\s+|%20)[^\s"',;&]+/gi;
const CREDENTIAL_HEADERS = /\b(authorization|x-identity-token)(["']?\s*[:=]\s*["']?)(?!REDACTED|Bearer\b)[^\s"',;&]+/gi;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The name as it may appear in text: itself, or percent-encoded (`%5F_Host-tenant` is rare; `=` may be `%3D`). */
function namePattern(names: readonly string[]): RegExp | undefined {
  if (names.length === 0) return undefined;
  const alternatives = [...new Set(names)].map(escapeRegExp).join('|');
  // `name=value` or `name%3Dvalue`; the value runs to the next separator a URL, a cookie or a log uses.
  return new RegExp(`(^|[?&;\\s"'(,]|%26|%3F|%3B)(${alternatives})(=|%3D)(?:(?!%26|%3B)[^&;\\s"')<,])*`, 'gi');
}

/** `text` with every credential it carries replaced by `REDACTED`. */
export function redactCredentials(text: string, names: CredentialNames): string {
  let out = text
    .replace(JWT, REDACTED)
    .replace(BEARER, `$1$2${REDACTED}`)
    .replace(CREDENTIAL_HEADERS, `$1$2${REDACTED}`);
  const pattern = namePattern([...names.cookies, ...names.queryParams]);
  if (pattern !== undefined) out = out.replace(pattern, `$1$2$3${REDACTED}`);
  return out;
}

/** A developer-notes sink that never passes a credential on. */
export function redactingNote(note: (message: string) => void, names: CredentialNames): (message: string) => void {
  return (message) => note(redactCredentials(message, names));
}
