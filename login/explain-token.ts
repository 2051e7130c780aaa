/**
 * Why the gate would accept or refuse a token, rule by rule (`tenant-gate verify`).
 *
 * The verdict is always the gate's own verifier (src/token.ts); the rule list beside it applies the same rule
 * functions (src/token-rules.ts) one by one to say what each found, including the ones after the first
 * failure: only the wording is this file's, never a rule. test/login/explain-token.test.ts
 * holds the two together: on every token of the suite, the first failing rule names the verifier's failure.
 */
import type { GateConfig } from '../config/gate';
import type { TokenFailure } from '../src/errors';
import { nodeBase64url } from '../functions/key-ring';
import { createTokenVerifier, type KeyLookup, type TokenResult } from '../src/token';
import {
  audienceFailure,
  canonicalBytes,
  expiryFailure,
  headerFailure,
  issuedAtFailure,
  issuerFailure,
  kindOf,
  linkIpFailure,
  linkPathFailure,
  maxLifetime,
  notBeforeFailure,
  parseJsonObject,
  splitToken,
  subjectFailure,
  tenantFailure,
  LINK_TYP,
  GRANT_TYP,
  grantDirFailure,
  type TokenKind,
  SESSION_TYP,
} from '../src/token-rules';
import { readScopeClaims, scopeRefusal } from '../src/scopes';
import { checkViewerPath } from '../src/tenant-path';

export interface RuleCheck {
  rule: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  /** The verifier's failure code this rule corresponds to, when it fails. */
  code?: TokenFailure | 'link_path_mismatch' | 'link_ip_mismatch' | 'scope_denied';
}

export interface TokenExplanation {
  /** The gate's verdict on the token itself. */
  result: TokenResult;
  /** The verdict including the request context (path, viewer IP) for link tokens. */
  ok: boolean;
  checks: RuleCheck[];
}

/** A segment as a JSON object, when it is canonical base64url of one. */
function parse(segment: string): Record<string, unknown> | undefined {
  const bytes = canonicalBytes(nodeBase64url, segment);
  return bytes === undefined ? undefined : parseJsonObject(nodeBase64url.text(bytes));
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function explainToken(
  token: string,
  config: GateConfig,
  keys: KeyLookup,
  now: number,
  context: { path?: string; ip?: string } = {},
): TokenExplanation {
  const result = createTokenVerifier(config, nodeBase64url).verify(token, keys, now);
  const checks: RuleCheck[] = [];
  const pass = (rule: string, detail: string) => checks.push({ rule, status: 'pass', detail });
  const fail = (rule: string, code: RuleCheck['code'], detail: string) =>
    checks.push({ rule, status: 'fail', detail, code });
  const skip = (rule: string, detail: string) => checks.push({ rule, status: 'skip', detail });

  // --- format
  const parts = splitToken(token, config.maxTokenLength);
  const canonical =
    typeof parts !== 'string' && parts.every((segment) => canonicalBytes(nodeBase64url, segment) !== undefined);
  if (parts === 'token_too_long')
    fail('format', 'token_too_long', `${token.length} characters > maxTokenLength ${config.maxTokenLength}`);
  else if (!canonical) fail('format', 'token_malformed', 'not three canonical base64url segments');
  else pass('format', `compact JWS, ${token.length} characters`);
  const header = canonical ? parse(parts[0]!) : undefined;
  const claims = canonical ? parse(parts[1]!) : undefined;

  // --- header
  let kind: TokenKind | undefined;
  const headerProblem = header === undefined ? undefined : headerFailure(header);
  if (header === undefined) {
    if (canonical) fail('header', 'header_malformed', 'not a JSON object');
    else skip('header', 'no readable header');
  } else if (headerProblem === 'header_malformed') fail('header', headerProblem, 'no alg');
  else if (headerProblem === 'alg_none') fail('header', headerProblem, 'alg none');
  else if (headerProblem === 'typ_mismatch')
    fail(
      'header',
      headerProblem,
      `typ ${JSON.stringify(header.typ)}, want ${SESSION_TYP}, ${LINK_TYP} or ${GRANT_TYP}`,
    );
  else if (headerProblem === 'embedded_key') fail('header', headerProblem, 'the header carries or points to a key');
  else if (headerProblem === 'crit_unsupported') fail('header', headerProblem, 'crit/b64 extensions are refused');
  else if (headerProblem !== undefined) fail('header', headerProblem, 'no kid');
  else {
    kind = kindOf(header.typ);
    pass('header', `${kind} token (typ ${String(header.typ)}), alg ${String(header.alg)}, kid ${String(header.kid)}`);
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
    const signatureBytes = canonicalBytes(nodeBase64url, signature)!;
    if (key.verify(token.slice(0, token.lastIndexOf('.')), signature, signatureBytes)) pass('signature', 'verifies');
    else fail('signature', 'signature_invalid', 'does not verify with the configured key');
  }

  // --- claims (explained even if the signature failed; never trusted then). Each rule is the gate's own
  // (src/token-rules.ts); only the wording of what it found is this command's.
  if (claims === undefined) {
    if (kind !== undefined) fail('claims', 'payload_malformed', 'payload is not a JSON object');
    else skip('claims', 'no readable payload');
  } else {
    const check = (rule: string, failure: TokenFailure | undefined, passed: string, failed: string) =>
      failure === undefined ? pass(rule, passed) : fail(rule, failure, failed);
    const tol = config.clockToleranceSeconds;
    const exp = claims.exp;
    const iat = claims.iat;
    const nbf = claims.nbf;
    check(
      'iss',
      issuerFailure(claims, config),
      String(claims.iss),
      `${JSON.stringify(claims.iss)}, want ${JSON.stringify(config.issuer)}`,
    );
    check(
      'aud',
      audienceFailure(claims, config),
      JSON.stringify(claims.aud),
      `${JSON.stringify(claims.aud)} does not contain ${JSON.stringify(config.audience)}`,
    );
    const expFailure = expiryFailure(exp, now, tol);
    check(
      'exp',
      expFailure,
      num(exp) ? `${exp} (in ${exp - now}s)` : '',
      expFailure === 'expired'
        ? `expired at ${String(exp)} (now ${now}, tolerance ${tol}s)`
        : expFailure === 'exp_missing'
          ? 'missing'
          : 'not a NumericDate',
    );
    const iatFailure = issuedAtFailure(iat, now, tol);
    check(
      'iat',
      iatFailure,
      String(iat),
      iatFailure === 'iat_in_future'
        ? `${String(iat)} is in the future`
        : iatFailure === 'iat_missing'
          ? 'missing'
          : 'not a NumericDate',
    );
    const nbfFailure = notBeforeFailure(nbf, now, tol);
    check(
      'nbf',
      nbfFailure,
      nbf === undefined ? 'absent' : String(nbf),
      nbfFailure === 'not_yet_valid' ? `not before ${String(nbf)}` : 'not a NumericDate',
    );
    const max = maxLifetime(kind ?? 'session', config);
    if (num(exp) && num(iat)) {
      if (exp - iat > max) fail('lifetime', 'lifetime_exceeded', `${exp - iat}s > ${max}s`);
      else pass('lifetime', `${exp - iat}s ≤ ${max}s`);
    } else skip('lifetime', 'needs exp and iat');
    const tenant = claims[config.tenantClaim];
    const tenantProblem = tenantFailure(tenant, new RegExp(config.tenantPattern));
    check(
      'tenant',
      tenantProblem,
      String(tenant),
      tenantProblem === 'tenant_missing'
        ? `no ${config.tenantClaim} claim`
        : `${JSON.stringify(tenant)} does not match tenantPattern or is not a safe path segment`,
    );
    if (kind === 'link') {
      const pth = claims.pth;
      if (linkPathFailure(pth) !== undefined) fail('link path', 'link_path_missing', 'no pth');
      else if (context.path !== undefined && context.path !== pth)
        fail('link path', 'link_path_mismatch', `opens ${String(pth)}, not ${context.path}`);
      else pass('link path', context.path === undefined ? `opens ${String(pth)} only` : `${String(pth)}`);
      const cip = claims.cip;
      if (cip === undefined) pass('link ip', 'not bound');
      else if (linkIpFailure(cip) !== undefined) fail('link ip', 'link_ip_invalid', 'cip is not an IPv4 address');
      else if (context.ip !== undefined && context.ip !== cip)
        fail('link ip', 'link_ip_mismatch', `bound to ${String(cip)}, viewer ${context.ip}`);
      else pass('link ip', context.ip === undefined ? `bound to ${String(cip)}` : `${String(cip)}`);
    }
    if (kind === 'grant') {
      const dir = claims.dir;
      if (grantDirFailure(dir, config.pathPrefix) !== undefined)
        fail('grant dir', 'grant_dir_invalid', `${JSON.stringify(dir)} is not a folder under ${config.pathPrefix}`);
      else pass('grant dir', `opens ${String(dir)}`);
      const cip = claims.cip;
      if (cip === undefined) pass('grant ip', 'not bound');
      else if (linkIpFailure(cip) !== undefined) fail('grant ip', 'link_ip_invalid', 'cip is not an IP address');
      else pass('grant ip', `bound to ${String(cip)}`);
    }
    const sub = claims.sub;
    check(
      'sub',
      subjectFailure(sub),
      sub === undefined ? 'absent' : String(sub),
      'not a string of 1 to 255 characters',
    );
    // Path scopes (src/scopes.ts): the claims the rules read and, for a given path, the rules' verdict.
    const scopes = config.scopes;
    const scopeClaims = scopes === undefined ? undefined : readScopeClaims(claims, scopes);
    if (scopes !== undefined && scopeClaims === undefined) {
      fail('scope claims', 'scope_claim_invalid', 'a claim a scope rule reads is not a list of 1 to 64 short strings');
    } else if (scopes !== undefined && context.path !== undefined && checkViewerPath(context.path) === undefined) {
      const subject = typeof sub === 'string' ? sub : undefined;
      const refused = scopeRefusal(scopes, { subject, scopeClaims }, context.path);
      if (refused !== undefined) fail('scope', 'scope_denied', `${context.path}: ${refused}`);
      else pass('scope', `${context.path} is in the credential's scopes`);
    }
  }
  const contextOk = !checks.some(
    (c) => c.code === 'link_path_mismatch' || c.code === 'link_ip_mismatch' || c.code === 'scope_denied',
  );
  return { result, ok: result.ok && contextOk, checks };
}
