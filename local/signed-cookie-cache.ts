/**
 * A verified CloudFront signed-cookie set, remembered: a page of thumbnails sends the same five cookies
 * with every request, and re-verifying their RSA signature each time was 30% of the local distribution's
 * CPU. What is remembered is only what the signature proves — "this exact policy was signed by this key" —
 * keyed by the exact cookie values (the policy, the signature, the key pair id, the hash algorithm). Every
 * request still judges the signed policy's conditions itself: its `Resource` against this request's URL,
 * `DateLessThan` and `DateGreaterThan` against now, `IpAddress` against this viewer. Anything but a pass
 * goes back to the full check, which explains the refusal. An entry leaves at its policy's expiry, and the
 * oldest leaves first when the cache is full.
 *
 * Only custom policies are remembered: a canned policy's signature covers the request URL itself.
 */
import {
  ipv4CidrContains,
  matchesResource,
  type CloudFrontPolicy,
  type CloudFrontVerifyResult,
} from '../lib/cloudfront-signature/index';
import { ipVersion } from '../lib/cloudfront-signature/ipv4';
import { SIGNED_COOKIES } from '../lib/cloudfront-signature/names';
import { readSignedCookies, splitUrl } from '../lib/cloudfront-signature/signed-params';

/** Entries per trusted key group: every signed-in user of a development session, many times over. */
export const SIGNED_COOKIE_CACHE_ENTRIES = 1000;

type Verified = Extract<CloudFrontVerifyResult, { ok: true }>;

/** The cache key: the exact values of every cookie that takes part in the signature check. */
export function signedCookieKey(cookies: Readonly<Record<string, string>>): string | undefined {
  const policy = cookies[SIGNED_COOKIES.policy];
  const signature = cookies[SIGNED_COOKIES.signature];
  const keyPairId = cookies[SIGNED_COOKIES.keyPairId];
  // A custom policy only; an Expires cookie beside it changes nothing CloudFront checks, but is kept in the key.
  if (policy === undefined || signature === undefined || keyPairId === undefined) return undefined;
  return JSON.stringify([
    policy,
    signature,
    keyPairId,
    cookies[SIGNED_COOKIES.hashAlgorithm] ?? null,
    cookies[SIGNED_COOKIES.expires] ?? null,
  ]);
}

/** The policy's conditions for this request: a pass needs every one. */
function conditionsHold(policy: CloudFrontPolicy, resourceUrl: string, nowSeconds: number, viewerIp: string): boolean {
  if (policy.resource !== undefined && !matchesResource(policy.resource, resourceUrl)) return false;
  if (!(nowSeconds < policy.dateLessThan)) return false;
  if (policy.dateGreaterThan !== undefined && !(nowSeconds > policy.dateGreaterThan)) return false;
  if (policy.ipAddress !== undefined && (ipVersion(viewerIp) === 6 || !ipv4CidrContains(policy.ipAddress, viewerIp)))
    return false;
  return true;
}

export class SignedCookieCache {
  readonly #entries = new Map<string, Verified>();
  constructor(readonly capacity: number = SIGNED_COOKIE_CACHE_ENTRIES) {}

  get size(): number {
    return this.#entries.size;
  }

  /** A remembered pass for these cookies on this URL, now, for this viewer; `undefined`: run the full check. */
  lookup(
    url: string,
    cookies: Readonly<Record<string, string>>,
    nowSeconds: number,
    viewerIp: string,
  ): Verified | undefined {
    const key = signedCookieKey(cookies);
    if (key === undefined) return undefined;
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (!(nowSeconds < entry.policy.dateLessThan)) {
      this.#entries.delete(key);
      return undefined;
    }
    const split = splitUrl(url);
    if (!split.ok) return undefined;
    const resourceUrl = readSignedCookies(split, cookies).resourceUrl;
    return conditionsHold(entry.policy, resourceUrl, nowSeconds, viewerIp) ? entry : undefined;
  }

  /** Remembers a pass of the full check on signed cookies with a custom policy. */
  remember(cookies: Readonly<Record<string, string>>, result: CloudFrontVerifyResult): void {
    if (!result.ok || result.form !== 'cookies' || result.policy.kind !== 'custom') return;
    const key = signedCookieKey(cookies);
    if (key === undefined || result.keyPairId !== cookies[SIGNED_COOKIES.keyPairId]) return;
    if (this.#entries.size >= this.capacity && !this.#entries.has(key)) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, result);
  }
}
