/**
 * CloudFront signed cookies and signed URLs, always from an explicit custom policy.
 *
 * Why never the signer's `url` + `dateLessThan` form: with a wildcard URL it silently makes a canned policy,
 * which cannot hold a wildcard (docs/platform.md#signed-urls-and-cookies), and it re-encodes the URL path. Here the policy names exactly
 * what is granted: one `Resource` (never `*`, never missing), `DateLessThan`, and optionally the viewer's
 * IPv4 /32.
 */
import type { KeyObject } from 'node:crypto';
import { getSignedCookies, getSignedUrl } from '@aws-sdk/cloudfront-signer';
import type { GateConfig } from '../config/gate';
import type { CloudFrontSigningConfig } from '../config/login';
import { SIGNED_COOKIES } from '../lib/cloudfront-signature/names';
import { isIpv4 } from './viewer-ip';

export interface PolicyInput {
  resource: string;
  /** Epoch seconds; CloudFront refuses at and after this instant. */
  dateLessThan: number;
  /** A viewer IPv4 address, bound as `/32`. */
  ip?: string;
}

/**
 * The signed cookies' scope: every file under the gate's prefix on the distribution's own host. The prefix
 * ends with `/`, so `…/files/*` cannot also match a sibling such as `/files-archive/` (`*` would, after
 * `/files`).
 */
export function cookieResource(config: Pick<GateConfig, 'domain' | 'pathPrefix'>): string {
  return `https://${config.domain}${config.pathPrefix}*`;
}

/** The policy text, with no whitespace (CloudFront signs and compares the exact bytes). */
export function customPolicy(input: PolicyInput): string {
  if (typeof input.resource !== 'string' || !/^https:\/\/[a-z0-9.-]+\/\S*$/.test(input.resource)) {
    throw new Error('policy Resource must be an https URL on a host');
  }
  if (!Number.isInteger(input.dateLessThan) || input.dateLessThan <= 0)
    throw new Error('DateLessThan must be epoch seconds');
  const condition: Record<string, unknown> = { DateLessThan: { 'AWS:EpochTime': input.dateLessThan } };
  if (input.ip !== undefined) {
    // The DG: IpAddress holds IPv4 only; an IPv6 viewer can never match it.
    if (!isIpv4(input.ip)) throw new Error('IpAddress binding is IPv4-only');
    condition.IpAddress = { 'AWS:SourceIp': `${input.ip}/32` };
  }
  return JSON.stringify({ Statement: [{ Resource: input.resource, Condition: condition }] });
}

// The signer's types say string | Buffer, but it hands the key to `createSign().sign()`, which takes a
// KeyObject as well; a parsed KeyObject saves a PEM parse per signature.
function signerKey(key: KeyObject): string {
  return key as unknown as string;
}

/** `CloudFront-Policy`, `-Signature`, `-Key-Pair-Id` (and `-Hash-Algorithm` for SHA-256), by cookie name. */
export function signCookies(key: KeyObject, cf: CloudFrontSigningConfig, policy: string): Record<string, string> {
  const signed = getSignedCookies({
    policy,
    keyPairId: cf.keyPairId,
    privateKey: signerKey(key),
    algorithm: cf.hashAlgorithm,
  });
  const cookies: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed)) if (value !== undefined) cookies[name] = String(value);
  if (cookies[SIGNED_COOKIES.policy] === undefined) throw new Error('the signer did not produce a custom policy');
  return cookies;
}

/**
 * `url` with the signed-URL parameters appended. The policy's Resource is exactly `url` (the signer then uses
 * it verbatim as the base, without re-encoding), so the link opens that one URL and nothing else.
 */
export function signUrl(
  key: KeyObject,
  cf: CloudFrontSigningConfig,
  url: string,
  dateLessThan: number,
  ip?: string,
): string {
  // `*` in a Resource is a wildcard and cannot be escaped: such a URL would grant more than itself.
  if (url.includes('*')) throw new Error('a URL holding "*" cannot be signed as exactly itself');
  const policy = customPolicy({ resource: url, dateLessThan, ...(ip === undefined ? {} : { ip }) });
  const signed = getSignedUrl({
    policy,
    keyPairId: cf.keyPairId,
    privateKey: signerKey(key),
    algorithm: cf.hashAlgorithm,
  });
  if (!signed.startsWith(`${url}${url.includes('?') ? '&' : '?'}`)) throw new Error('the signer changed the URL');
  return signed;
}
