/**
 * The gate's verifier: the rules of src/token-rules.ts, in order, stopping at the first that fails.
 *
 * Two kinds share one verifier, told apart by the `typ` header (RFC 8725 §3.11, explicit typing):
 * - `tenant+jwt`: the session token, from the cookie; valid for every file of its tenant.
 * - `tenant-link+jwt`: a link token, from the query; valid for one path (`pth`) and optionally one viewer
 *   address, IPv4 or IPv6 (`cip`).
 * A token of one kind is never accepted as the other.
 *
 * The runtime provides only what differs between Node and CloudFront Functions: base64url and UTF-8 decoding
 * (a `Base64urlPort`), and the keys (each of which knows how to check its own signature).
 */
import type { Algorithm } from '../config/gate';
import type { TokenFailure } from './errors';
import { readScopeClaims, type ScopeClaims } from './scopes';
import {
  audienceFailure,
  canonicalBytes,
  expiryFailure,
  grantDirFailure,
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
  type Base64urlPort,
  type TokenKind,
  type TokenRules,
} from './token-rules';

export { GRANT_TYP, LINK_TYP, SESSION_TYP, type Base64urlPort, type TokenKind, type TokenRules } from './token-rules';

/** Compile-time switch (build/artifacts.ts): false leaves grants out of the bundle; undefined compiles them in. */
declare const __TG_GRANTS__: boolean | undefined;

export interface VerificationKey {
  alg: Algorithm;
  /**
   * Whether the signature signs `signingInput` (ASCII) under this key. Given both ways: as its canonical
   * base64url text and as the bytes it decodes to (one string per byte sequence, see `canonicalBytes`).
   */
  verify(signingInput: string, signature: string, signatureBytes: Uint8Array): boolean;
}

export type KeyLookup = (kid: string) => VerificationKey | undefined;

export interface VerifiedToken {
  kind: TokenKind;
  kid: string;
  tenant: string;
  exp: number;
  iat: number;
  /** Link tokens: the one viewer path they open. Grants: the folder they open (`dir`), ending with `/`. */
  path: string | undefined;
  /** Link tokens and grants only, when bound: the one viewer address they work from, in canonical form. */
  ip: string | undefined;
  /**
   * The `sub` claim, when the token has one and the build reads it (`__TG_SUBJECT__`: a build whose features
   * need no `sub` leaves the member out).
   */
  subject: string | undefined;
  /** The claims the scope rules read (src/scopes.ts), validated; undefined (or absent) without scopes. */
  scopeClaims: ScopeClaims | undefined;
}

export type TokenResult = { ok: true; token: VerifiedToken } | { ok: false; failure: TokenFailure };

export interface TokenHeader {
  kid: string;
  alg: string;
  kind: TokenKind;
}

export type HeaderResult = { ok: true; header: TokenHeader } | { ok: false; failure: TokenFailure };

function fail(failure: TokenFailure): { ok: false; failure: TokenFailure } {
  return { ok: false, failure: failure };
}

function readHeader(segment: string, port: Base64urlPort): HeaderResult {
  const bytes = canonicalBytes(port, segment);
  if (bytes === undefined) return fail('token_malformed');
  const header = parseJsonObject(port.text(bytes));
  if (header === undefined) return fail('header_malformed');
  const failure = headerFailure(header);
  if (failure !== undefined) return fail(failure);
  return { ok: true, header: { kid: header.kid as string, alg: header.alg as string, kind: kindOf(header.typ)! } };
}

/** Reads and checks the protected header only: which key the token names, and its kind. */
export function readTokenHeader(token: string, maxLength: number, port: Base64urlPort): HeaderResult {
  const parts = splitToken(token, maxLength);
  if (typeof parts === 'string') return fail(parts);
  if (canonicalBytes(port, parts[1]) === undefined || canonicalBytes(port, parts[2]) === undefined) {
    return fail('token_malformed');
  }
  return readHeader(parts[0], port);
}

// Compile-time switches (build/artifacts.ts; undefined when the sources run as they are: compiled in). `sub` is
// read only by the features that need it, so that the default CloudFront Function carries none of it.
declare const __TG_SUBJECT__: boolean | undefined;
declare const __TG_SCOPES__: boolean | undefined;

export interface TokenVerifier {
  verify(token: string, keys: KeyLookup, nowSeconds: number): TokenResult;
}

/**
 * Builds the verifier once per process. It remembers the last header it read and the last tenant it found
 * valid: in practice every token signed with one key has the same header segment, and requests in a row
 * mostly come from one tenant, so the hot path skips a decode, a JSON.parse and two pattern tests.
 */
export function createTokenVerifier(rules: TokenRules, port: Base64urlPort): TokenVerifier {
  const tenantPattern = new RegExp(rules.tenantPattern);
  let lastHeaderSegment = '';
  let lastHeader: HeaderResult = fail('header_malformed');
  let validTenant: string | undefined;

  function verify(token: string, keys: KeyLookup, now: number): TokenResult {
    const parts = typeof token === 'string' ? splitToken(token, rules.maxTokenLength) : 'token_malformed';
    if (typeof parts === 'string') return fail(parts);
    const payload = canonicalBytes(port, parts[1]);
    const signature = canonicalBytes(port, parts[2]);
    // Tokens signed with one key share one header segment: read it once, remember the verdict.
    if (parts[0] !== lastHeaderSegment) {
      lastHeader = readHeader(parts[0], port);
      lastHeaderSegment = parts[0];
    }
    if (payload === undefined || signature === undefined) return fail('token_malformed');
    if (!lastHeader.ok) return lastHeader;
    const header = lastHeader.header;

    const key = keys(header.kid);
    if (key === undefined) return fail('kid_unknown');
    // The key decides the algorithm, never the token (RFC 8725 §3.1: no algorithm confusion).
    if (header.alg !== key.alg) return fail('alg_mismatch');
    if (!key.verify(token.slice(0, token.length - parts[2].length - 1), parts[2], signature)) {
      return fail('signature_invalid');
    }

    const claims = parseJsonObject(port.text(payload));
    if (claims === undefined) return fail('payload_malformed');
    const tolerance = rules.clockToleranceSeconds;
    const exp = claims.exp;
    const iat = claims.iat;
    const failure =
      issuerFailure(claims, rules) ||
      audienceFailure(claims, rules) ||
      expiryFailure(exp, now, tolerance) ||
      issuedAtFailure(iat, now, tolerance) ||
      notBeforeFailure(claims.nbf, now, tolerance) ||
      ((exp as number) - (iat as number) > maxLifetime(header.kind, rules) ? 'lifetime_exceeded' : undefined);
    if (failure !== undefined) return fail(failure);

    const tenant = claims[rules.tenantClaim];
    if (validTenant === undefined || tenant !== validTenant) {
      const tenantProblem = tenantFailure(tenant, tenantPattern);
      if (tenantProblem !== undefined) return fail(tenantProblem);
      validTenant = tenant as string;
    }

    let path: string | undefined;
    let ip: string | undefined;
    if (header.kind === 'link') {
      const linkProblem = linkPathFailure(claims.pth) || linkIpFailure(claims.cip);
      if (linkProblem !== undefined) return fail(linkProblem);
      path = claims.pth as string;
      ip = claims.cip as string | undefined;
    }
    if ((typeof __TG_GRANTS__ === 'undefined' || __TG_GRANTS__) && header.kind === 'grant') {
      // A grant's folder (`dir`) takes the place of a link's path; it binds an address as a link does (`cip`).
      const grantProblem = grantDirFailure(claims.dir, rules.pathPrefix) || linkIpFailure(claims.cip);
      if (grantProblem !== undefined) return fail(grantProblem);
      path = claims.dir as string;
      ip = claims.cip as string | undefined;
    }
    const verified = {
      kind: header.kind,
      kid: header.kid,
      tenant: tenant as string,
      exp: exp as number,
      iat: iat as number,
      path: path,
      ip: ip,
    } as VerifiedToken;
    // Set only by a build that reads them, so that one without carries none of their code (not even `void 0`).
    if (typeof __TG_SUBJECT__ === 'undefined' || __TG_SUBJECT__) {
      if (subjectFailure(claims.sub) !== undefined) return fail('sub_invalid');
      verified.subject = claims.sub as string | undefined;
    }
    if (typeof __TG_SCOPES__ === 'undefined' ? rules.scopes !== undefined : __TG_SCOPES__) {
      const scopeClaims = readScopeClaims(claims, rules.scopes!);
      if (scopeClaims === undefined) return fail('scope_claim_invalid');
      verified.scopeClaims = scopeClaims;
    }
    return { ok: true, token: verified };
  }

  return { verify: verify };
}
