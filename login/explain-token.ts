/**
 * Why the gate would accept or refuse a token, rule by rule (`tenant-gate verify`).
 *
 * The verdict is always the gate's own verifier (src/token.ts); the rule list beside it re-reads the token to
 * say what each rule found, including the ones after the first failure. test/login/explain-token.test.ts
 * holds the two together: on every token of the suite, the first failing rule names the verifier's failure.
 */
import { hasCanonicalTail } from '../src/base64url';
import type { GateConfig } from '../config/gate';
import type { TokenFailure } from '../src/errors';
import { decodeBase64urlText } from '../functions/key-ring';
import { isSafeTenantSegment } from '../src/tenant-path';
import { createTokenVerifier, LINK_TYP, SESSION_TYP, type KeyLookup, type TokenResult } from '../src/token';
import { isIpv4 } from './viewer-ip';

export interface RuleCheck {
  rule: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  /** The verifier's failure code this rule corresponds to, when it fails. */
  code?: TokenFailure | 'link_path_mismatch' | 'link_ip_mismatch';
}

export interface TokenExplanation {
  /** The gate's verdict on the token itself. */
  result: TokenResult;
  /** The verdict including the request context (path, viewer IP) for link tokens. */
  ok: boolean;
  checks: RuleCheck[];
}

const COMPACT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const COMPACT = {
  test: (token: string) => COMPACT_SHAPE.test(token) && token.split('.').every((s) => hasCanonicalTail(s)),
};
const EMBEDDED = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'];

function parse(segment: string | undefined): Record<string, unknown> | undefined {
  if (segment === undefined) return undefined;
  const text = decodeBase64urlText(segment);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function explainToken(
  token: string,
  config: GateConfig,
  keys: KeyLookup,
  now: number,
  context: { path?: string; ip?: string } = {},
): TokenExplanation {
  const result = createTokenVerifier(config, decodeBase64urlText).verify(token, keys, now);
  const checks: RuleCheck[] = [];
  const pass = (rule: string, detail: string) => checks.push({ rule, status: 'pass', detail });
  const fail = (rule: string, code: RuleCheck['code'], detail: string) =>
    checks.push({ rule, status: 'fail', detail, code });
  const skip = (rule: string, detail: string) => checks.push({ rule, status: 'skip', detail });

  // --- format
  if (token.length > config.maxTokenLength)
    fail('format', 'token_too_long', `${token.length} characters > maxTokenLength ${config.maxTokenLength}`);
  else if (!COMPACT.test(token)) fail('format', 'token_malformed', 'not three base64url segments');
  else pass('format', `compact JWS, ${token.length} characters`);
  const [h, p] = token.split('.');
  const header = COMPACT.test(token) ? parse(h) : undefined;
  const claims = COMPACT.test(token) ? parse(p) : undefined;

  // --- header
  let kind: 'session' | 'link' | undefined;
  if (header === undefined || typeof header.alg !== 'string') {
    if (COMPACT.test(token)) fail('header', 'header_malformed', 'not a JSON object with alg');
    else skip('header', 'no readable header');
  } else if (header.alg.toLowerCase() === 'none') fail('header', 'alg_none', 'alg none');
  else if (header.typ !== SESSION_TYP && header.typ !== LINK_TYP)
    fail('header', 'typ_mismatch', `typ ${JSON.stringify(header.typ)}, want ${SESSION_TYP} or ${LINK_TYP}`);
  else if (EMBEDDED.some((m) => header[m] !== undefined))
    fail('header', 'embedded_key', 'the header carries or points to a key');
  else if (header.crit !== undefined || header.b64 !== undefined)
    fail('header', 'crit_unsupported', 'crit/b64 extensions are refused');
  else if (typeof header.kid !== 'string' || header.kid === '') fail('header', 'kid_missing', 'no kid');
  else {
    kind = header.typ === LINK_TYP ? 'link' : 'session';
    pass('header', `${kind} token (typ ${header.typ}), alg ${header.alg}, kid ${header.kid}`);
  }

  // --- key and signature
  const key = header !== undefined && typeof header.kid === 'string' ? keys(header.kid) : undefined;
  if (kind === undefined) skip('key', 'no usable header');
  else if (key === undefined) fail('key', 'kid_unknown', `kid ${JSON.stringify(header!.kid)} is not a configured key`);
  else if (key.alg !== header!.alg)
    fail('key', 'alg_mismatch', `token says ${String(header!.alg)}, key ${String(header!.kid)} is ${key.alg}`);
  else pass('key', `${String(header!.kid)} (${key.alg})`);
  if (kind === undefined || key === undefined || key.alg !== header!.alg) skip('signature', 'no matching key');
  else {
    const signature = token.slice(token.lastIndexOf('.') + 1);
    if (key.verify(token.slice(0, token.lastIndexOf('.')), signature)) pass('signature', 'verifies');
    else fail('signature', 'signature_invalid', 'does not verify with the configured key');
  }

  // --- claims (explained even if the signature failed; never trusted then)
  if (claims === undefined) {
    if (kind !== undefined) fail('claims', 'payload_malformed', 'payload is not a JSON object');
    else skip('claims', 'no readable payload');
  } else {
    if (claims.iss === config.issuer) pass('iss', String(claims.iss));
    else fail('iss', 'iss_mismatch', `${JSON.stringify(claims.iss)}, want ${JSON.stringify(config.issuer)}`);
    const aud = claims.aud;
    if (aud === config.audience || (Array.isArray(aud) && aud.includes(config.audience)))
      pass('aud', JSON.stringify(aud));
    else fail('aud', 'aud_mismatch', `${JSON.stringify(aud)} does not contain ${JSON.stringify(config.audience)}`);
    const tol = config.clockToleranceSeconds;
    const { exp, iat, nbf } = claims;
    if (exp === undefined) fail('exp', 'exp_missing', 'missing');
    else if (!num(exp)) fail('exp', 'exp_invalid', 'not a NumericDate');
    else if (exp <= now - tol) fail('exp', 'expired', `expired at ${exp} (now ${now}, tolerance ${tol}s)`);
    else pass('exp', `${exp} (in ${exp - now}s)`);
    if (iat === undefined) fail('iat', 'iat_missing', 'missing');
    else if (!num(iat)) fail('iat', 'iat_invalid', 'not a NumericDate');
    else if (iat > now + tol) fail('iat', 'iat_in_future', `${iat} is in the future`);
    else pass('iat', String(iat));
    if (nbf === undefined) pass('nbf', 'absent');
    else if (!num(nbf)) fail('nbf', 'nbf_invalid', 'not a NumericDate');
    else if (nbf > now + tol) fail('nbf', 'not_yet_valid', `not before ${nbf}`);
    else pass('nbf', String(nbf));
    const max = kind === 'link' ? config.maxLinkLifetimeSeconds : config.maxTokenLifetimeSeconds;
    if (num(exp) && num(iat)) {
      if (exp - iat > max) fail('lifetime', 'lifetime_exceeded', `${exp - iat}s > ${max}s`);
      else pass('lifetime', `${exp - iat}s ≤ ${max}s`);
    } else skip('lifetime', 'needs exp and iat');
    const tenant = claims[config.tenantClaim];
    if (tenant === undefined) fail('tenant', 'tenant_missing', `no ${config.tenantClaim} claim`);
    else if (
      typeof tenant !== 'string' ||
      !new RegExp(config.tenantPattern).test(tenant) ||
      !isSafeTenantSegment(tenant)
    ) {
      fail('tenant', 'tenant_invalid', `${JSON.stringify(tenant)} does not match tenantPattern`);
    } else pass('tenant', tenant);
    if (kind === 'link') {
      if (typeof claims.pth !== 'string' || claims.pth === '') fail('link path', 'link_path_missing', 'no pth');
      else if (context.path !== undefined && context.path !== claims.pth)
        fail('link path', 'link_path_mismatch', `opens ${claims.pth}, not ${context.path}`);
      else pass('link path', context.path === undefined ? `opens ${claims.pth} only` : `${claims.pth}`);
      const cip = claims.cip;
      if (cip === undefined) pass('link ip', 'not bound');
      else if (typeof cip !== 'string' || !isIpv4(cip))
        fail('link ip', 'link_ip_invalid', 'cip is not an IPv4 address');
      else if (context.ip !== undefined && context.ip !== cip)
        fail('link ip', 'link_ip_mismatch', `bound to ${cip}, viewer ${context.ip}`);
      else pass('link ip', context.ip === undefined ? `bound to ${cip}` : `${cip}`);
    }
  }
  const contextOk = !checks.some((c) => c.code === 'link_path_mismatch' || c.code === 'link_ip_mismatch');
  return { result, ok: result.ok && contextOk, checks };
}
