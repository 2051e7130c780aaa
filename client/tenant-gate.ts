/**
 * tenant-gate in the browser: sign in, stay signed in, sign out, ask for links — for a single-page app on
 * the distribution's own domain. No framework, no dependency; every credential stays in HttpOnly cookies
 * the browser sends by itself, so this module never holds a session token.
 *
 * It signs in exactly as production requires (docs/platform.md#origin-access-control-and-function-urls):
 * the identity token travels in `x-identity-token` (never `Authorization`, which origin access control
 * overwrites with its own signature), and every POST/PUT carries `x-amz-content-sha256`, the hex SHA-256
 * of its body, because a function URL behind origin access control refuses an unsigned payload.
 *
 *   const gate = createTenantGate({ getIdentityToken: () => oidc.idToken() });
 *   await gate.signIn();                       // sets the session cookies
 *   const res = await gate.fetch('/files/a');   // a 401 signs in again and retries, once
 *   const [link] = await gate.links(['/files/a.pdf'], { expiresIn: 300 });
 *   await gate.signOut();
 */
import { TenantGateError } from '../lib/errors';
import { explainRefusal, type Refusal } from './refusal';

export { explainRefusal, explainResponse, type Refusal, type RefusedBy } from './refusal';

/** The header the login reads the identity token from (the deployed configuration's `login.identity.tokenHeader`). */
export const IDENTITY_HEADER = 'x-identity-token';
/** The body hash a function URL behind origin access control requires on POST and PUT. */
export const CONTENT_SHA256_HEADER = 'x-amz-content-sha256';
/** Refresh this long before the session expires, by default. */
export const DEFAULT_REFRESH_MARGIN_SECONDS = 60;

export interface Session {
  tenant: string;
  /** Epoch seconds. */
  expires: number;
  /** Who is signed in, when the login says (`user` or `sub` in `GET /auth/session`). */
  user?: string;
}

export interface Link {
  path: string;
  /** On the distribution's domain: `https://<domain>/files/…?token=…`. */
  url: string;
  /** Epoch seconds. */
  expires: number;
}

/** A folder grant (POST /auth/grants): every file under `dir`, until `expires`, with no cookie. */
export interface Grant {
  dir: string;
  /** On the distribution's domain: `https://<domain>/grants/<grant>/<dir under the prefix>`; append a file name. */
  url: string;
  /** Epoch seconds. */
  expires: number;
}

export interface TenantGateOptions {
  /** The identity token from your identity provider (a fresh one each call, if it can). */
  getIdentityToken: () => string | Promise<string>;
  /** Where `/auth/*` and `/files/*` are served; the page's own origin by default. */
  baseUrl?: string;
  identityHeader?: string;
  /** Sign in again this many seconds before the session's `expires` (60 by default); 0 disables. */
  refreshMarginSeconds?: number;
  /** A sign-in is needed and could not be made here (the identity token was refused, or none is left). */
  onSignInNeeded?: (refusal: Refusal) => void;
  /** After every sign-in, refresh and sign-out. */
  onSessionChange?: (session: Session | undefined) => void;
  /** Bind the CloudFront cookies to the viewer's IPv4 address. */
  bindIp?: boolean;
  /** For tests: the fetch, the clock (ms) and the timer to use. */
  fetch?: typeof fetch;
  now?: () => number;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export interface TenantGate {
  /** POST /auth/session: the session cookies are set; resolves with the session. */
  signIn(): Promise<Session>;
  /** DELETE /auth/session: the cookies are expired. */
  signOut(): Promise<void>;
  /**
   * DELETE /auth/session?everywhere=1: every session and link of the signed-in user issued until now is refused
   * (401 revoked) wherever it was copied, and the cookies are expired. Resolves with the epoch they are refused
   * before; rejects when the login did not say it revoked (a route whose policy drops the query: a plain logout).
   */
  signOutEverywhere(): Promise<number>;
  /** GET /auth/session: the current session, or undefined when signed out. Schedules the refresh. */
  session(): Promise<Session | undefined>;
  /** `fetch` for files: a refusal that means "signed out" signs in again and retries once. */
  fetch(input: string, init?: RequestInit): Promise<Response>;
  /** POST /auth/links: per-file links, valid `expiresIn` seconds. */
  links(paths: string[], options: { expiresIn: number; bindIp?: boolean }): Promise<Link[]>;
  /** POST /auth/grants: a folder grant (a rented film), valid `expiresIn` seconds, bound to this viewer if asked. */
  grant(dir: string, options: { expiresIn: number; bindIp?: boolean }): Promise<Grant>;
  /** Stops the refresh timer. */
  close(): void;
}

/** A refusal, with who refused and why (`refusal.code` is the server's own code, e.g. `invalid_identity`). */
export class RefusedError extends TenantGateError {
  override name = 'RefusedError';
  constructor(readonly refusal: Refusal) {
    super('ERR_CLIENT_REFUSED', `${refusal.status} ${refusal.code}: ${refusal.sentence}`);
  }
}

/** Hex SHA-256 of a UTF-8 body, with WebCrypto (browsers, Node ≥ 20). */
export async function sha256Hex(body: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The headers a POST or PUT of `body` needs behind origin access control. */
export async function signedBodyHeaders(body: string): Promise<Record<string, string>> {
  return { 'content-type': 'application/json', [CONTENT_SHA256_HEADER]: await sha256Hex(body) };
}

function readSession(value: unknown): Session | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { tenant?: unknown; expires?: unknown; user?: unknown; sub?: unknown };
  if (typeof v.tenant !== 'string' || typeof v.expires !== 'number') return undefined;
  const user = typeof v.user === 'string' ? v.user : typeof v.sub === 'string' ? v.sub : undefined;
  return { tenant: v.tenant, expires: v.expires, ...(user === undefined ? {} : { user }) };
}

/**
 * Whether a refused file request means "signed out": the gate's 401, or CloudFront's 403 `MissingKey`
 * (no signed cookies at all: they expired in the browser).
 */
export function meansSignedOut(refusal: Refusal): boolean {
  return refusal.status === 401 || (refusal.by === 'cloudfront' && refusal.code === 'MissingKey');
}

export function createTenantGate(options: TenantGateOptions): TenantGate {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const now = options.now ?? (() => Date.now());
  const setTimer = options.setTimer ?? ((run: () => void, ms: number) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((timer: unknown) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  const margin = options.refreshMarginSeconds ?? DEFAULT_REFRESH_MARGIN_SECONDS;
  const header = (options.identityHeader ?? IDENTITY_HEADER).toLowerCase();
  let timer: unknown;
  let signingIn: Promise<Session> | undefined;

  function schedule(session: Session | undefined): void {
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
    if (session === undefined || margin <= 0) return;
    // Never a busy loop: at least a second from now, even when the session is nearly over.
    const delay = Math.max(1000, (session.expires - margin) * 1000 - now());
    timer = setTimer(() => {
      timer = undefined;
      signIn().catch(() => {
        // onSignInNeeded has been told.
      });
    }, delay);
  }

  function changed(session: Session | undefined): Session | undefined {
    schedule(session);
    options.onSessionChange?.(session);
    return session;
  }

  /** Who refused `url`, and why (the body is read from a clone: the caller may still read it). */
  async function explain(response: Response, url: string): Promise<Refusal> {
    return explainRefusal(response.status, await response.clone().text(), url);
  }

  async function refused(response: Response, url: string): Promise<RefusedError> {
    return new RefusedError(await explain(response, url));
  }

  async function current(): Promise<Session | undefined> {
    const response = await doFetch(`${base}/auth/session`, { credentials: 'include' });
    if (response.status === 401) return undefined;
    if (!response.ok) throw await refused(response, '/auth/session');
    return readSession(await response.json());
  }

  async function signInOnce(): Promise<Session> {
    const body = JSON.stringify(options.bindIp ? { bindIp: true } : {});
    let token: string;
    try {
      token = await options.getIdentityToken();
    } catch (error) {
      const refusal: Refusal = {
        status: 0,
        by: 'network',
        code: 'no_identity',
        sentence: `No identity token: ${(error as Error)?.message ?? String(error)}`,
      };
      options.onSignInNeeded?.(refusal);
      throw new RefusedError(refusal);
    }
    const response = await doFetch(`${base}/auth/session`, {
      method: 'POST',
      credentials: 'include',
      headers: { ...(await signedBodyHeaders(body)), [header]: token },
      body,
    });
    if (response.status !== 204 && !response.ok) {
      const error = await refused(response, '/auth/session');
      options.onSignInNeeded?.(error.refusal);
      throw error;
    }
    const session = await current();
    if (session === undefined) {
      // Signed in, yet the cookies did not come back: a cookie the browser refused (not HTTPS, a blocked site…).
      const refusal: Refusal = {
        status: 401,
        by: 'login',
        code: 'cookies_not_kept',
        sentence: 'Signed in, but the browser did not keep the session cookies (they need HTTPS, or localhost).',
      };
      options.onSignInNeeded?.(refusal);
      throw new RefusedError(refusal);
    }
    return changed(session)!;
  }

  /** One sign-in at a time: concurrent 401s share it. */
  function signIn(): Promise<Session> {
    signingIn ??= signInOnce().finally(() => {
      signingIn = undefined;
    });
    return signingIn;
  }

  return {
    signIn,

    async signOut() {
      const response = await doFetch(`${base}/auth/session`, {
        method: 'DELETE',
        credentials: 'include',
      });
      changed(undefined);
      if (response.status !== 204 && !response.ok) throw await refused(response, '/auth/session');
    },

    async signOutEverywhere() {
      const response = await doFetch(`${base}/auth/session?everywhere=1`, {
        method: 'DELETE',
        credentials: 'include',
      });
      if (response.status !== 204) throw await refused(response, '/auth/session');
      changed(undefined);
      const before = Number(response.headers.get('x-revoked-before'));
      if (!Number.isSafeInteger(before) || before <= 0)
        throw new TenantGateError(
          'ERR_CLIENT_NOT_REVOKED',
          'signed out here only: the login did not revoke (its route forwards no "everywhere" query)',
        );
      return before;
    },

    async session() {
      return changed(await current());
    },

    async fetch(input, init = {}) {
      const url = input.startsWith('/') ? `${base}${input}` : input;
      const request = () => doFetch(url, { credentials: 'include', ...init });
      const response = await request();
      if (response.ok) return response;
      if (!meansSignedOut(await explain(response, url))) return response;
      try {
        await signIn();
      } catch {
        return response;
      }
      return request();
    },

    async links(paths, linkOptions) {
      const body = JSON.stringify({
        paths,
        expiresIn: linkOptions.expiresIn,
        ...(linkOptions.bindIp ? { bindIp: true } : {}),
      });
      const response = await doFetch(`${base}/auth/links`, {
        method: 'POST',
        credentials: 'include',
        headers: await signedBodyHeaders(body),
        body,
      });
      if (!response.ok) throw await refused(response, '/auth/links');
      return ((await response.json()) as { links: Link[] }).links;
    },

    async grant(dir, grantOptions) {
      const body = JSON.stringify({
        dir,
        expiresIn: grantOptions.expiresIn,
        ...(grantOptions.bindIp ? { bindIp: true } : {}),
      });
      const response = await doFetch(`${base}/auth/grants`, {
        method: 'POST',
        credentials: 'include',
        headers: await signedBodyHeaders(body),
        body,
      });
      if (!response.ok) throw await refused(response, '/auth/grants');
      return ((await response.json()) as { grant: Grant }).grant;
    },

    close() {
      schedule(undefined);
    },
  };
}
