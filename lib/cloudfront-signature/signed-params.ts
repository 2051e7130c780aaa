import { SIGNED_COOKIES, SIGNED_URL_PARAM_NAMES, SIGNED_URL_PARAMS } from './names';
import type { SignedForm } from './result';

/**
 * Reads the signing values from a signed URL's query string or from signed cookies (DG
 * "private-content-creating-signed-url-*", "private-content-setting-signed-cookie-*"), without judging them.
 */

/** Query parameters CloudFront consumes; the AWS CLI's `sign` docs list exactly these as signing parameters. */
const URL_PARAMS = SIGNED_URL_PARAM_NAMES;
/** docs/platform.md#signed-urls-and-cookies: a URL carrying any of these is judged as a signed URL only (`Hash-Algorithm` alone is not). */
const URL_MARKERS: readonly string[] = URL_PARAMS.filter((name) => name !== SIGNED_URL_PARAMS.hashAlgorithm);

export const COOKIE_NAMES = SIGNED_COOKIES;

export interface SignedParams {
  readonly form: SignedForm;
  /** What `Resource` is matched against, and a canned policy's resource: the URL minus the signing parameters. */
  readonly resourceUrl: string;
  readonly expires: string | undefined;
  readonly policy: string | undefined;
  readonly signature: string | undefined;
  readonly keyPairId: string | undefined;
  readonly hashAlgorithm: string | undefined;
  /** Signing parameters that appeared more than once (URL form only). */
  readonly duplicates: readonly string[];
  /** Signing parameters whose percent-encoding could not be decoded (URL form only). */
  readonly badlyEncoded: readonly string[];
}

export type SplitUrl = { ok: true; base: string; query: string | undefined } | { ok: false; reason: string };

/**
 * Splits an absolute URL into `scheme://host/path` and the raw query, without normalizing anything: CloudFront
 * matches `Resource` against the URL as the viewer sent it, so `new URL()` (which rewrites dot segments,
 * percent-encoding and host case) must not be used. A fragment is dropped: browsers never send it.
 */
export function splitUrl(url: string): SplitUrl {
  const hash = url.indexOf('#');
  const withoutFragment = hash < 0 ? url : url.slice(0, hash);
  if (!/^https?:\/\/[^/?#]+/.test(withoutFragment)) {
    return { ok: false, reason: 'URL must be absolute, starting with http:// or https:// and a host' };
  }
  // Whitespace and control characters never reach CloudFront unencoded.
  if (/[\u0000-\u0020\u007f]/.test(withoutFragment)) {
    return { ok: false, reason: 'URL contains whitespace or control characters' };
  }
  const question = withoutFragment.indexOf('?');
  if (question < 0) return { ok: true, base: withoutFragment, query: undefined };
  return { ok: true, base: withoutFragment.slice(0, question), query: withoutFragment.slice(question + 1) };
}

function pairs(query: string | undefined): { name: string; raw: string; value: string }[] {
  if (query === undefined) return [];
  return query
    .split('&')
    .filter((pair) => pair.length > 0)
    .map((raw) => {
      const eq = raw.indexOf('=');
      return { name: eq < 0 ? raw : raw.slice(0, eq), raw, value: eq < 0 ? '' : raw.slice(eq + 1) };
    });
}

/** True when the URL carries any of `Expires`, `Policy`, `Signature`, `Key-Pair-Id` (names are case-sensitive). */
export function urlCarriesSignature(url: string): boolean {
  const split = splitUrl(url);
  return split.ok && pairs(split.query).some((pair) => URL_MARKERS.includes(pair.name));
}

/** True when any CloudFront signed-cookie name is present. */
export function cookiesCarrySignature(cookies: Readonly<Record<string, string>>): boolean {
  return Object.values(COOKIE_NAMES).some((name) => Object.prototype.hasOwnProperty.call(cookies, name));
}

/** Signing values of a signed URL. Names match exactly; values are percent-decoded (the signer never encodes them). */
export function readSignedUrl(split: { base: string; query: string | undefined }): SignedParams {
  const found = new Map<string, string>();
  const duplicates: string[] = [];
  const badlyEncoded: string[] = [];
  const kept: string[] = [];
  for (const pair of pairs(split.query)) {
    if (!URL_PARAMS.includes(pair.name)) {
      kept.push(pair.raw);
      continue;
    }
    if (found.has(pair.name)) duplicates.push(pair.name);
    let value: string;
    try {
      value = decodeURIComponent(pair.value);
    } catch {
      badlyEncoded.push(pair.name);
      value = pair.value;
    }
    found.set(pair.name, value);
  }
  // The DG: Resource is "the base URL including your query strings, if any, but excluding the CloudFront
  // Policy, Signature, and Key-Pair-Id parameters"; the viewer's own parameters keep their order and spelling.
  const resourceUrl = kept.length > 0 ? `${split.base}?${kept.join('&')}` : split.base;
  return {
    form: 'url',
    resourceUrl,
    expires: found.get(SIGNED_URL_PARAMS.expires),
    policy: found.get(SIGNED_URL_PARAMS.policy),
    signature: found.get(SIGNED_URL_PARAMS.signature),
    keyPairId: found.get(SIGNED_URL_PARAMS.keyPairId),
    hashAlgorithm: found.get(SIGNED_URL_PARAMS.hashAlgorithm),
    duplicates,
    badlyEncoded,
  };
}

/** Signing values of signed cookies; the request URL is matched whole (query string included). */
export function readSignedCookies(
  split: { base: string; query: string | undefined },
  cookies: Readonly<Record<string, string>>,
): SignedParams {
  const get = (name: string): string | undefined =>
    Object.prototype.hasOwnProperty.call(cookies, name) && typeof cookies[name] === 'string'
      ? cookies[name]
      : undefined;
  return {
    form: 'cookies',
    resourceUrl: split.query === undefined ? split.base : `${split.base}?${split.query}`,
    expires: get(COOKIE_NAMES.expires),
    policy: get(COOKIE_NAMES.policy),
    signature: get(COOKIE_NAMES.signature),
    keyPairId: get(COOKIE_NAMES.keyPairId),
    hashAlgorithm: get(COOKIE_NAMES.hashAlgorithm),
    duplicates: [],
    badlyEncoded: [],
  };
}
