/**
 * How revocation reaches Lambda@Edge, which cannot read a KeyValueStore (docs/platform.md#lambda-edge): it asks
 * the login (`GET /auth/revocation`, presenting the credential being judged as the session cookie), which reads
 * the store's entries through the KeyValueStore API and answers `{"notBefore": <epoch>}` for that credential's
 * tenant and user. Each answer is kept per tenant and user, in this container, for `cacheSeconds`.
 *
 * The bound (docs/deploy.md "Revoking access"): a revocation is honoured within `cacheSeconds` of being written
 * while the login answers. When it cannot be asked, the last answer stays in use until it is `maxStaleSeconds`
 * old, then that tenant and user are refused (503 store_unavailable) until it answers again: a revoked credential
 * never outlives its revocation by more than `maxStaleSeconds`. Fail closed past the bound, not at the first
 * failed request: the login is one regional Lambda, and one slow answer must not refuse every file.
 */
import type { VerifiedToken } from '../src/token';

/** What the login answered, and when (epoch seconds). */
interface Answer {
  notBefore: number;
  at: number;
}

export interface RevocationSource {
  /** The credential's "not before" epoch, or undefined when it cannot be known within the bound. */
  notBefore(credential: VerifiedToken, token: string, now: number): Promise<number | undefined>;
}

export interface RevocationCacheOptions {
  url: string;
  cookieName: string;
  cacheSeconds: number;
  maxStaleSeconds: number;
  /** The HTTP client (the runtime's fetch). */
  fetch: (url: string, init: { headers: Record<string, string>; signal: AbortSignal }) => Promise<Response>;
  /** How long one question may take: the viewer waits for it. */
  timeoutMs?: number;
  /** At most this many tenants and users are remembered; the oldest answer goes first. */
  maxEntries?: number;
}

/** A viewer-request function has 5 s in all (docs/platform.md#lambda-edge); the login answers in milliseconds. */
export const REVOCATION_TIMEOUT_MS = 1500;
const MAX_ENTRIES = 10000;

export function createRevocationCache(options: RevocationCacheOptions): RevocationSource {
  const answers = new Map<string, Answer>();
  /** One question at a time per tenant and user: a burst of requests waits for the same answer. */
  const asking = new Map<string, Promise<number | undefined>>();
  const maxEntries = options.maxEntries ?? MAX_ENTRIES;

  async function ask(token: string): Promise<number | undefined> {
    try {
      const response = await options.fetch(options.url, {
        headers: { cookie: `${options.cookieName}=${token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(options.timeoutMs ?? REVOCATION_TIMEOUT_MS),
      });
      if (response.status !== 200) return undefined;
      const body = (await response.json()) as { notBefore?: unknown };
      const notBefore = body.notBefore;
      return typeof notBefore === 'number' && Number.isSafeInteger(notBefore) && notBefore >= 0 ? notBefore : undefined;
    } catch {
      return undefined;
    }
  }

  function remember(key: string, answer: Answer): void {
    answers.delete(key);
    if (answers.size >= maxEntries) answers.delete(answers.keys().next().value!);
    answers.set(key, answer);
  }

  return {
    async notBefore(credential, token, now) {
      // No tenant holds a newline (the configuration refuses a tenantPattern admitting one): the first one
      // separates the tenant from the sub, so the key names one tenant and user.
      const key = `${credential.tenant}\n${credential.subject ?? ''}`;
      const known = answers.get(key);
      if (known !== undefined && now - known.at < options.cacheSeconds) return known.notBefore;
      let pending = asking.get(key);
      if (pending === undefined) {
        pending = ask(token);
        asking.set(key, pending);
        void pending.finally(() => asking.delete(key));
      }
      const fresh = await pending;
      if (fresh !== undefined) {
        remember(key, { notBefore: fresh, at: now });
        return fresh;
      }
      return known !== undefined && now - known.at < options.maxStaleSeconds ? known.notBefore : undefined;
    },
  };
}
