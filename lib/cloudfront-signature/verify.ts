import { verify as verifySignatureBytes, type KeyObject } from 'node:crypto';
import { decodeCloudFrontBase64 } from './encoding';
import { ipv4CidrContains, ipVersion } from './ipv4';
import { importPublicKeys, type PublicKeyInput } from './keys';
import { cannedPolicy, type CloudFrontPolicy, parseCustomPolicy } from './policy';
import { SIGNED_COOKIES, SIGNED_URL_PARAMS } from './names';
import { matchesResource } from './resource-match';
import type { Check, CheckRule, CloudFrontSignatureErrorCode, CloudFrontVerifyResult, HashAlgorithm } from './result';
import {
  cookiesCarrySignature,
  readSignedCookies,
  readSignedUrl,
  type SignedParams,
  splitUrl,
  urlCarriesSignature,
} from './signed-params';

export interface VerifyOptions {
  /** The distribution's trusted public keys, by CloudFront key ID (the `Key-Pair-Id` value). */
  readonly publicKeys: Readonly<Record<string, PublicKeyInput>>;
  /** The time CloudFront judges at: a Date, or epoch seconds (fractions allowed). */
  readonly now: Date | number;
  /** The viewer's address as CloudFront sees it (IPv4 or IPv6). */
  readonly viewerIp: string;
}

export interface CloudFrontRequest extends VerifyOptions {
  /** The full viewer URL `https://host/path?query`, exactly as sent. */
  readonly url: string;
  /** Request cookies by name (the first value of a repeated name, as CloudFront Functions give it). */
  readonly cookies?: Readonly<Record<string, string>>;
}

/** Collects every rule's outcome; the first failure, in rule order, is the result's code. */
class Ledger {
  readonly checks: Check[] = [];
  failure: { code: CloudFrontSignatureErrorCode; reason: string } | undefined;

  pass(rule: CheckRule, detail: string): void {
    this.checks.push({ rule, status: 'pass', detail });
  }

  fail(rule: CheckRule, code: CloudFrontSignatureErrorCode, detail: string): void {
    this.checks.push({ rule, status: 'fail', detail });
    this.failure ??= { code, reason: detail };
  }

  skip(rule: CheckRule, detail: string): void {
    this.checks.push({ rule, status: 'skip', detail });
  }
}

function refused(ledger: Ledger, form: SignedParams['form'] | undefined): CloudFrontVerifyResult {
  const failure = ledger.failure ?? { code: 'missing_parameter' as const, reason: 'no rule passed' };
  return { ok: false, form, code: failure.code, reason: failure.reason, checks: ledger.checks };
}

interface Prepared {
  readonly keys: ReadonlyMap<string, KeyObject>;
  readonly nowSeconds: number;
}

function checkOptions(opts: VerifyOptions, ledger: Ledger): Prepared | undefined {
  // Options are checked before anything else, so a caller bug never reads as a viewer's fault.
  if (typeof opts !== 'object' || opts === null) {
    ledger.fail('options', 'invalid_option', 'options { publicKeys, now, viewerIp } are required');
    return undefined;
  }
  const nowSeconds =
    opts.now instanceof Date ? opts.now.getTime() / 1000 : typeof opts.now === 'number' ? opts.now : Number.NaN;
  if (!Number.isFinite(nowSeconds)) {
    ledger.fail('options', 'invalid_option', 'now must be a valid Date or a finite number of epoch seconds');
    return undefined;
  }
  if (typeof opts.viewerIp !== 'string' || ipVersion(opts.viewerIp) === 0) {
    ledger.fail('options', 'invalid_option', 'viewerIp must be an IPv4 or IPv6 address');
    return undefined;
  }
  const imported = importPublicKeys(opts.publicKeys);
  if (!imported.ok) {
    ledger.fail('options', 'invalid_option', imported.reason);
    return undefined;
  }
  ledger.pass('options', `${imported.keys.size} trusted public key(s), now=${nowSeconds}, viewer ${opts.viewerIp}`);
  return { keys: imported.keys, nowSeconds };
}

/**
 * The rules shared by both forms, in a fixed order: shape, key, signature, then what the policy says. The first
 * failing rule decides the code; CloudFront's own order (and so which error it would name) is undocumented.
 */
function judge(params: SignedParams, prepared: Prepared, viewerIp: string, ledger: Ledger): CloudFrontVerifyResult {
  const { form } = params;
  const names = form === 'url' ? SIGNED_URL_PARAMS : SIGNED_COOKIES;

  // --- parameters: a signature, a key ID, and exactly one of Expires (canned) / Policy (custom).
  const missing = [
    params.signature === undefined ? names.signature : undefined,
    params.keyPairId === undefined ? names.keyPairId : undefined,
    params.expires === undefined && params.policy === undefined ? `${names.expires} or ${names.policy}` : undefined,
  ].filter((name): name is string => name !== undefined);
  let kind: 'canned' | 'custom' | undefined;
  if (params.policy !== undefined && params.expires === undefined) kind = 'custom';
  if (params.expires !== undefined && params.policy === undefined) kind = 'canned';
  if (params.duplicates.length > 0) {
    // Which copy CloudFront would read is undocumented; refusing is the only answer that cannot be wrong.
    ledger.fail('parameters', 'duplicate_parameter', `repeated signing parameter(s): ${params.duplicates.join(', ')}`);
  } else if (params.expires !== undefined && params.policy !== undefined) {
    ledger.fail('parameters', 'mixed_forms', `both ${names.expires} (canned) and ${names.policy} (custom) are present`);
  } else if (missing.length > 0) {
    ledger.fail('parameters', 'missing_parameter', `missing ${missing.join(', ')}`);
  } else {
    ledger.pass('parameters', `${kind ?? 'unknown'} policy signed ${form === 'url' ? 'URL' : 'cookies'}`);
  }

  // --- hash_algorithm: SHA1 unless the request says SHA256 (the 2026 addition); nothing else exists.
  let hashAlgorithm: HashAlgorithm | undefined;
  if (params.hashAlgorithm === undefined) {
    hashAlgorithm = 'SHA1';
    ledger.pass('hash_algorithm', `no ${names.hashAlgorithm}: SHA1 (CloudFront's default)`);
  } else if (params.hashAlgorithm === 'SHA256') {
    hashAlgorithm = 'SHA256';
    ledger.pass('hash_algorithm', `${names.hashAlgorithm}=SHA256`);
  } else {
    ledger.fail(
      'hash_algorithm',
      'unsupported_hash_algorithm',
      `${names.hashAlgorithm}=${JSON.stringify(params.hashAlgorithm)}: only SHA256 may be named (omit it for SHA1)`,
    );
  }

  // --- key_pair: the key ID must name one of the distribution's trusted public keys.
  let key: KeyObject | undefined;
  if (params.keyPairId === undefined) {
    ledger.skip('key_pair', `no ${names.keyPairId}`);
  } else {
    key = prepared.keys.get(params.keyPairId);
    if (key === undefined) {
      ledger.fail(
        'key_pair',
        'unknown_key_pair',
        `${names.keyPairId} ${JSON.stringify(params.keyPairId)} is not a trusted key`,
      );
    } else {
      ledger.pass('key_pair', `${names.keyPairId} ${params.keyPairId} (${String(key.asymmetricKeyType)})`);
    }
  }

  // --- encoding: Signature and Policy in CloudFront base64; Expires in whole epoch seconds.
  const encodingProblems: string[] = params.badlyEncoded.map((name) => `${name} has invalid percent-encoding`);
  const signatureBytes = params.signature === undefined ? undefined : decodeCloudFrontBase64(params.signature);
  if (params.signature !== undefined && signatureBytes === undefined) {
    encodingProblems.push(`${names.signature} is not CloudFront base64 (A-Z a-z 0-9 - ~, padded with _)`);
  }
  const policyBytes = params.policy === undefined ? undefined : decodeCloudFrontBase64(params.policy);
  if (params.policy !== undefined && policyBytes === undefined) {
    encodingProblems.push(`${names.policy} is not CloudFront base64 (A-Z a-z 0-9 - ~, padded with _)`);
  }
  if (encodingProblems.length > 0) {
    ledger.fail('encoding', 'bad_encoding', encodingProblems.join('; '));
  } else if (params.signature === undefined && params.policy === undefined) {
    ledger.skip('encoding', 'nothing to decode');
  } else {
    ledger.pass('encoding', 'signing values decode');
  }

  // --- the signed bytes: the decoded Policy, or the canned statement rebuilt from the URL and Expires.
  let policyText: string | undefined;
  let policyProblem: string | undefined;
  let cannedExpires: number | undefined;
  if (kind === 'custom' && policyBytes !== undefined) {
    try {
      // The DG: "Use UTF-8 character encoding." A fatal decoder refuses invalid sequences instead of replacing them.
      policyText = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(policyBytes);
    } catch {
      policyProblem = 'policy is not valid UTF-8';
    }
  } else if (kind === 'canned' && params.expires !== undefined) {
    // Digits only, no sign or leading zero: the rebuilt statement must spell the number one way.
    if (/^(?:0|[1-9][0-9]{0,14})$/.test(params.expires)) {
      cannedExpires = Number(params.expires);
    } else {
      policyProblem = `${names.expires}=${JSON.stringify(params.expires)} is not whole epoch seconds`;
    }
  }
  const canned = cannedExpires === undefined ? undefined : cannedPolicy(params.resourceUrl, cannedExpires);
  const signedBytes =
    kind === 'custom' ? policyBytes : canned === undefined ? undefined : Buffer.from(canned.text, 'utf8');

  let valid = false;
  // --- signature: RSA PKCS#1 v1.5 (or ECDSA, DER) over the exact policy bytes.
  if (key === undefined || hashAlgorithm === undefined || signatureBytes === undefined || signedBytes === undefined) {
    ledger.skip('signature', 'needs a trusted key, a known hash algorithm, a decodable signature and the policy bytes');
  } else {
    try {
      const digest = hashAlgorithm === 'SHA256' ? 'sha256' : 'sha1';
      valid = verifySignatureBytes(digest, signedBytes, { key, dsaEncoding: 'der' }, signatureBytes);
    } catch {
      valid = false;
    }
    if (valid) {
      ledger.pass(
        'signature',
        `${hashAlgorithm} signature by ${params.keyPairId ?? ''} verifies over the ${kind} policy`,
      );
    } else {
      ledger.fail(
        'signature',
        'bad_signature',
        kind === 'canned'
          ? `signature does not verify over the canned policy for ${params.resourceUrl} (URL or Expires changed?)`
          : 'signature does not verify over the policy bytes',
      );
    }
  }

  // --- policy: what the signed statement says (explained even when the signature failed, never trusted then).
  let policy: CloudFrontPolicy | undefined;
  if (policyProblem !== undefined) {
    ledger.fail('policy', 'malformed_policy', policyProblem);
  } else if (canned !== undefined) {
    policy = canned;
    ledger.pass('policy', `canned: Resource=${params.resourceUrl}, DateLessThan=${canned.dateLessThan}`);
  } else if (policyText !== undefined) {
    const parsed = parseCustomPolicy(policyText);
    if (parsed.ok) {
      policy = parsed.policy;
      ledger.pass('policy', `custom: ${policyText}`);
    } else {
      ledger.fail('policy', 'malformed_policy', parsed.reason);
    }
  } else {
    ledger.skip('policy', 'no decodable policy');
  }

  if (policy === undefined) {
    ledger.skip('resource', 'no policy');
    ledger.skip('date_less_than', 'no policy');
    ledger.skip('date_greater_than', 'no policy');
    ledger.skip('ip_address', 'no policy');
  } else {
    // --- resource: wildcards against the whole URL; an omitted Resource grants every URL (DG).
    if (policy.resource === undefined) {
      ledger.pass('resource', 'Resource omitted: every URL of every distribution trusting this key');
    } else if (matchesResource(policy.resource, params.resourceUrl)) {
      ledger.pass('resource', `${params.resourceUrl} matches ${policy.resource}`);
    } else {
      ledger.fail('resource', 'resource_mismatch', `${params.resourceUrl} does not match Resource ${policy.resource}`);
    }
    // --- dates: valid while now < DateLessThan (exclusive) and now > DateGreaterThan (exclusive, as named).
    const now = prepared.nowSeconds;
    if (now < policy.dateLessThan) {
      ledger.pass('date_less_than', `now ${now} < DateLessThan ${policy.dateLessThan}`);
    } else {
      ledger.fail('date_less_than', 'expired', `expired: now ${now} is not before DateLessThan ${policy.dateLessThan}`);
    }
    if (policy.dateGreaterThan === undefined) {
      ledger.pass('date_greater_than', 'no DateGreaterThan');
    } else if (now > policy.dateGreaterThan) {
      ledger.pass('date_greater_than', `now ${now} > DateGreaterThan ${policy.dateGreaterThan}`);
    } else {
      ledger.fail(
        'date_greater_than',
        'not_yet_valid',
        `not yet valid: now ${now} is not after DateGreaterThan ${policy.dateGreaterThan}`,
      );
    }
    // --- ip_address: IPv4 CIDR only; the DG says IPv6 is not supported, so an IPv6 viewer never matches.
    if (policy.ipAddress === undefined) {
      ledger.pass('ip_address', 'no IpAddress condition');
    } else if (ipVersion(viewerIp) === 6) {
      ledger.fail(
        'ip_address',
        'ip_mismatch',
        `IPv6 viewer ${viewerIp} never matches IpAddress ${policy.ipAddress.text}`,
      );
    } else if (ipv4CidrContains(policy.ipAddress, viewerIp)) {
      ledger.pass('ip_address', `${viewerIp} is in ${policy.ipAddress.text}`);
    } else {
      ledger.fail('ip_address', 'ip_mismatch', `${viewerIp} is not in ${policy.ipAddress.text}`);
    }
  }

  // Defence in depth: success needs a verified signature, not merely the absence of a recorded failure.
  if (
    ledger.failure !== undefined ||
    !valid ||
    policy === undefined ||
    params.keyPairId === undefined ||
    hashAlgorithm === undefined
  ) {
    return refused(ledger, form);
  }
  return { ok: true, form, policy, keyPairId: params.keyPairId, hashAlgorithm, checks: ledger.checks };
}

function start(url: string, opts: VerifyOptions, ledger: Ledger) {
  const prepared = checkOptions(opts, ledger);
  if (prepared === undefined) return undefined;
  const split = typeof url === 'string' ? splitUrl(url) : ({ ok: false, reason: 'url must be a string' } as const);
  if (!split.ok) {
    ledger.fail('url', 'malformed_url', split.reason);
    return undefined;
  }
  ledger.pass('url', split.query === undefined ? split.base : `${split.base}?${split.query}`);
  return { prepared, split };
}

/** Judges a signed URL as CloudFront does; never throws. */
export function verifySignedUrl(url: string, opts: VerifyOptions): CloudFrontVerifyResult {
  const ledger = new Ledger();
  const started = start(url, opts, ledger);
  if (started === undefined) return refused(ledger, 'url');
  return judge(readSignedUrl(started.split), started.prepared, opts.viewerIp, ledger);
}

/** Judges signed cookies for a request URL as CloudFront does; never throws. */
export function verifySignedCookies(
  url: string,
  cookies: Readonly<Record<string, string>>,
  opts: VerifyOptions,
): CloudFrontVerifyResult {
  const ledger = new Ledger();
  const started = start(url, opts, ledger);
  if (started === undefined) return refused(ledger, 'cookies');
  const jar = typeof cookies === 'object' && cookies !== null ? cookies : {};
  return judge(readSignedCookies(started.split, jar), started.prepared, opts.viewerIp, ledger);
}

/**
 * One viewer request: docs/platform.md#signed-urls-and-cookies — "A request whose URL carries Expires, Policy, Signature or Key-Pair-Id is
 * judged as a signed URL only; cookies are then ignored." Otherwise the signed cookies are judged.
 */
export function judgeCloudFrontRequest(request: CloudFrontRequest): CloudFrontVerifyResult {
  const { url, cookies = {}, ...opts } = request;
  if (typeof url === 'string' && urlCarriesSignature(url)) return verifySignedUrl(url, opts);
  if (cookies !== null && typeof cookies === 'object' && cookiesCarrySignature(cookies)) {
    return verifySignedCookies(url, cookies, opts);
  }
  const ledger = new Ledger();
  if (start(url, opts, ledger) === undefined) return refused(ledger, undefined);
  ledger.fail('parameters', 'missing_parameter', 'neither signed URL parameters nor CloudFront signed cookies');
  return refused(ledger, undefined);
}
