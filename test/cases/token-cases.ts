/**
 * Every token the suite judges, with the gate's verdict. The same table drives the core tests, the
 * differential test against jose, and the conformance suite of every built artifact.
 *
 * `stricterThanJose` marks the rules where the gate refuses what jose's `jwtVerify` (with the same
 * algorithms, issuer, audience, required claims and typ) would accept; each is a documented RFC 8725
 * hardening. Everywhere else the two must agree exactly.
 */
import { createSecretKey, generateKeyPairSync, sign } from 'node:crypto';
import type { TokenFailure } from '../../src/errors';
import { privateKey } from '../helpers/keys';
import { b64, mint, NOW, sessionClaims, signWith } from '../helpers/tokens';

export interface TokenCase {
  name: string;
  token: string;
  /** 'ok' or the reason the gate refuses it. */
  expect: 'ok' | TokenFailure;
  stricterThanJose?: true;
  /** The CloudFront Function target verifies HS256 only: asymmetric tokens are refused there. */
  asymmetric?: true;
}

const hsSecret = privateKey('hs-2026-11').export();
const foreignEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function withSignature(token: string, signature: string): string {
  const [h, p] = token.split('.');
  return `${h}.${p}.${signature}`;
}

function flipLastSignatureChar(token: string): string {
  const sig = token.split('.')[2]!;
  const c = sig.at(-2) === 'A' ? 'B' : 'A';
  return withSignature(token, sig.slice(0, -2) + c + sig.slice(-1));
}

export const tokenCases: TokenCase[] = [
  // ── accepted ──────────────────────────────────────────────────────────────────────────────────────
  { name: 'HS256, current key', token: mint(), expect: 'ok' },
  { name: 'HS256, previous key still configured (rotation)', token: mint({ kid: 'hs-2026-10' }), expect: 'ok' },
  { name: 'ES256', token: mint({ kid: 'es-2026-11' }), expect: 'ok', asymmetric: true },
  { name: 'RS256', token: mint({ kid: 'rs-2026-11' }), expect: 'ok', asymmetric: true },
  { name: 'EdDSA', token: mint({ kid: 'ed-2026-11' }), expect: 'ok', asymmetric: true },
  {
    name: 'aud as an array containing the audience',
    token: mint({ claims: { aud: ['other', 'tenant-gate'] } }),
    expect: 'ok',
  },
  { name: 'nbf in the past', token: mint({ claims: { nbf: NOW - 10 } }), expect: 'ok' },
  { name: 'nbf within clock tolerance', token: mint({ claims: { nbf: NOW + 25 } }), expect: 'ok' },
  { name: 'expired within clock tolerance', token: mint({ claims: { exp: NOW - 29 } }), expect: 'ok' },
  {
    name: 'lifetime exactly the maximum',
    token: mint({ claims: { iat: NOW - 100, exp: NOW - 100 + 3600 } }),
    expect: 'ok',
  },
  {
    name: 'unknown extra claims are ignored',
    token: mint({ claims: { role: 'admin', tenant: 'globex' } }),
    expect: 'ok',
  },
  { name: 'tenant of one character', token: mint({ claims: { tid: 'a' } }), expect: 'ok' },
  { name: 'tenant of 63 characters', token: mint({ claims: { tid: 'a'.repeat(63) } }), expect: 'ok' },
  { name: 'fractional NumericDate', token: mint({ claims: { exp: NOW + 10.5 } }), expect: 'ok' },
  // A thumbprint neither carries nor locates a key; the gate takes its key by kid (src/token-rules.ts).
  { name: 'x5t (a thumbprint) is ignored', token: mint({ header: { x5t: 'dGh1bWI' } }), expect: 'ok' },
  { name: 'x5t#S256 (a thumbprint) is ignored', token: mint({ header: { 'x5t#S256': 'dGh1bWI' } }), expect: 'ok' },
  {
    name: 'duplicate claim: the last one wins, on every target',
    token: mint({ rawPayload: JSON.stringify(sessionClaims()).replace('{', '{"tid":"globex",') }),
    expect: 'ok',
  },
  {
    name: 'odd Unicode in an ignored claim (astral, RTL override, lone surrogate escape)',
    token: mint({ claims: { note: '\u{1F600}\u202E\uD800' } }),
    expect: 'ok',
  },

  // ── structure ─────────────────────────────────────────────────────────────────────────────────────
  { name: 'empty string', token: '', expect: 'token_malformed' },
  { name: 'two segments', token: mint().split('.').slice(0, 2).join('.'), expect: 'token_malformed' },
  { name: 'four segments', token: `${mint()}.AAAA`, expect: 'token_malformed' },
  { name: 'empty signature (unsecured JWS)', token: withSignature(mint(), ''), expect: 'token_malformed' },
  {
    name: 'padding in a segment',
    token: withSignature(mint(), `${mint().split('.')[2]}=`),
    expect: 'token_malformed',
    stricterThanJose: true,
  },
  { name: 'whitespace inside', token: mint().replace('.', ' .'), expect: 'token_malformed' },
  {
    name: 'standard base64 alphabet (+ and /)',
    token: withSignature(mint(), mint().split('.')[2]!.replace(/-/g, '+').replace(/_/g, '/') + '+/'),
    expect: 'token_malformed',
  },
  {
    name: 'non-canonical base64url (spare bits set)',
    token: (() => {
      const s = mint().split('.')[2]!;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(s.at(-1)!);
      return withSignature(mint(), s.slice(0, -1) + alphabet[last | 1]);
    })(),
    expect: 'token_malformed',
    stricterThanJose: true,
  },
  {
    name: 'JWE-shaped (five segments)',
    token: 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAA.AAAA.AAAA',
    expect: 'token_malformed',
  },
  {
    name: 'longer than maxTokenLength',
    token: mint({ claims: { pad: 'x'.repeat(5000) } }),
    expect: 'token_too_long',
    stricterThanJose: true,
  },

  // ── header ────────────────────────────────────────────────────────────────────────────────────────
  { name: 'header not JSON', token: mint({ rawHeader: '{"alg":"HS256",' }), expect: 'header_malformed' },
  { name: 'header a JSON array', token: mint({ rawHeader: '["HS256"]' }), expect: 'header_malformed' },
  {
    name: 'header invalid UTF-8',
    token: `${b64(Buffer.from([0x7b, 0xff, 0x7d]))}.${mint().split('.').slice(1).join('.')}`,
    expect: 'header_malformed',
  },
  {
    name: 'alg none',
    token: (() => {
      const h = b64(JSON.stringify({ alg: 'none', typ: 'tenant+jwt', kid: 'hs-2026-11' }));
      const p = b64(JSON.stringify(sessionClaims()));
      return `${h}.${p}.${b64('x')}`;
    })(),
    expect: 'alg_none',
  },
  { name: 'alg NoNe', token: mint({ header: { alg: 'NoNe' } }), expect: 'alg_none' },
  { name: 'alg missing', token: mint({ header: { alg: undefined } }), expect: 'header_malformed' },
  { name: 'typ missing', token: mint({ header: { typ: undefined } }), expect: 'typ_mismatch' },
  { name: 'typ JWT', token: mint({ header: { typ: 'JWT' } }), expect: 'typ_mismatch' },
  {
    name: 'typ with application/ prefix',
    token: mint({ header: { typ: 'application/tenant+jwt' } }),
    expect: 'typ_mismatch',
    stricterThanJose: true,
  },
  {
    name: 'typ in upper case',
    token: mint({ header: { typ: 'TENANT+JWT' } }),
    expect: 'typ_mismatch',
    stricterThanJose: true,
  },
  { name: 'kid missing', token: mint({ header: { kid: undefined } }), expect: 'kid_missing' },
  { name: 'kid unknown', token: mint({ header: { kid: 'hs-1999-01' } }), expect: 'kid_unknown' },
  { name: 'kid not a string', token: mint({ header: { kid: 7 } }), expect: 'kid_missing' },
  {
    name: 'embedded jwk (key from the token)',
    token: mint({ header: { jwk: foreignEc.publicKey.export({ format: 'jwk' }) } }),
    expect: 'embedded_key',
    stricterThanJose: true,
  },
  {
    name: 'jku',
    token: mint({ header: { jku: 'https://evil.example/jwks.json' } }),
    expect: 'embedded_key',
    stricterThanJose: true,
  },
  {
    name: 'x5u',
    token: mint({ header: { x5u: 'https://evil.example/cert.pem' } }),
    expect: 'embedded_key',
    stricterThanJose: true,
  },
  { name: 'x5c', token: mint({ header: { x5c: ['MIIB'] } }), expect: 'embedded_key', stricterThanJose: true },
  { name: 'unknown crit', token: mint({ header: { crit: ['exp-ext'], 'exp-ext': 1 } }), expect: 'crit_unsupported' },
  { name: 'b64 false', token: mint({ header: { b64: false, crit: ['b64'] } }), expect: 'crit_unsupported' },

  // ── algorithm confusion ───────────────────────────────────────────────────────────────────────────
  {
    name: 'HS256 key named, ES256 claimed',
    token: mint({ header: { alg: 'ES256' }, signAlg: 'ES256', signKey: foreignEc.privateKey }),
    expect: 'alg_mismatch',
  },
  {
    name: 'ES256 key named, HS256 claimed (public key as HMAC secret)',
    token: mint({
      kid: 'es-2026-11',
      header: { alg: 'HS256' },
      signAlg: 'HS256',
      signKey: createSecretKey(Buffer.from(JSON.stringify(privateKey('es-2026-11').export({ format: 'jwk' })))),
    }),
    expect: 'alg_mismatch',
  },
  {
    name: 'RS256 key named, HS256 claimed',
    token: mint({
      kid: 'rs-2026-11',
      header: { alg: 'HS256' },
      signAlg: 'HS256',
      signKey: createSecretKey(Buffer.from(hsSecret)),
    }),
    expect: 'alg_mismatch',
  },
  { name: 'HS384 claimed', token: mint({ header: { alg: 'HS384' } }), expect: 'alg_mismatch' },

  // ── signature ─────────────────────────────────────────────────────────────────────────────────────
  {
    name: 'signed with another HMAC key',
    token: mint({ signKey: createSecretKey(Buffer.alloc(32, 7)) }),
    expect: 'signature_invalid',
  },
  {
    name: 'signed with the previous key but naming the current',
    token: mint({ signWithKid: 'hs-2026-10' }),
    expect: 'signature_invalid',
  },
  { name: 'one signature character changed', token: flipLastSignatureChar(mint()), expect: 'signature_invalid' },
  {
    name: 'payload swapped after signing',
    token: (() => {
      const [h, , s] = mint().split('.');
      return `${h}.${b64(JSON.stringify(sessionClaims('globex')))}.${s}`;
    })(),
    expect: 'signature_invalid',
  },
  {
    name: 'HS256 signature truncated',
    token: withSignature(mint(), mint().split('.')[2]!.slice(0, 24)),
    expect: 'signature_invalid',
  },
  {
    name: 'ES256 signed by a foreign key',
    token: mint({ kid: 'es-2026-11', signKey: foreignEc.privateKey }),
    expect: 'signature_invalid',
    asymmetric: true,
  },
  {
    name: 'ES256 signature in DER instead of r||s',
    token: (() => {
      const t = mint({ kid: 'es-2026-11' });
      const [h, p] = t.split('.');
      return `${h}.${p}.${sign('sha256', Buffer.from(`${h}.${p}`), privateKey('es-2026-11')).toString('base64url')}`;
    })(),
    expect: 'signature_invalid',
    asymmetric: true,
  },
  {
    name: 'RS256 signature of another token',
    token: withSignature(
      mint({ kid: 'rs-2026-11' }),
      mint({ kid: 'rs-2026-11', claims: { tid: 'globex' } }).split('.')[2]!,
    ),
    expect: 'signature_invalid',
    asymmetric: true,
  },
  {
    name: 'EdDSA signature bit flip',
    token: flipLastSignatureChar(mint({ kid: 'ed-2026-11' })),
    expect: 'signature_invalid',
    asymmetric: true,
  },

  // ── payload and claims ────────────────────────────────────────────────────────────────────────────
  { name: 'payload not JSON', token: mint({ rawPayload: 'tid=acme' }), expect: 'payload_malformed' },
  { name: 'payload a JSON array', token: mint({ rawPayload: '[]' }), expect: 'payload_malformed' },
  { name: 'payload JSON null', token: mint({ rawPayload: 'null' }), expect: 'payload_malformed' },
  { name: 'iss missing', token: mint({ claims: { iss: undefined } }), expect: 'iss_mismatch' },
  {
    name: 'iss of another issuer',
    token: mint({ claims: { iss: 'https://evil.example.com' } }),
    expect: 'iss_mismatch',
  },
  {
    name: 'iss with trailing slash',
    token: mint({ claims: { iss: 'https://login.example.com/' } }),
    expect: 'iss_mismatch',
  },
  { name: 'aud missing', token: mint({ claims: { aud: undefined } }), expect: 'aud_mismatch' },
  { name: 'aud of another service', token: mint({ claims: { aud: 'billing' } }), expect: 'aud_mismatch' },
  {
    name: 'aud array without the audience',
    token: mint({ claims: { aud: ['billing', 'tenant-gate2'] } }),
    expect: 'aud_mismatch',
  },
  { name: 'exp missing', token: mint({ claims: { exp: undefined } }), expect: 'exp_missing' },
  { name: 'exp a string', token: mint({ claims: { exp: String(NOW + 900) } }), expect: 'exp_invalid' },
  {
    name: 'exp 1e999 (Infinity)',
    token: mint({ rawPayload: JSON.stringify(sessionClaims()).replace(/"exp":\d+/, '"exp":1e999') }),
    expect: 'exp_invalid',
    stricterThanJose: true,
  },
  { name: 'expired beyond tolerance', token: mint({ claims: { exp: NOW - 30, iat: NOW - 600 } }), expect: 'expired' },
  { name: 'iat missing', token: mint({ claims: { iat: undefined } }), expect: 'iat_missing' },
  { name: 'iat a string', token: mint({ claims: { iat: 'yesterday' } }), expect: 'iat_invalid' },
  {
    name: 'iat in the future',
    token: mint({ claims: { iat: NOW + 120, exp: NOW + 600 } }),
    expect: 'iat_in_future',
    stricterThanJose: true,
  },
  { name: 'nbf in the future', token: mint({ claims: { nbf: NOW + 31 } }), expect: 'not_yet_valid' },
  { name: 'nbf a string', token: mint({ claims: { nbf: 'now' } }), expect: 'nbf_invalid' },
  {
    name: 'lifetime over the maximum',
    token: mint({ claims: { iat: NOW - 10, exp: NOW - 10 + 3601 } }),
    expect: 'lifetime_exceeded',
    stricterThanJose: true,
  },
  { name: 'tenant claim missing', token: mint({ claims: { tid: undefined } }), expect: 'tenant_missing' },
  { name: 'tenant claim a number', token: mint({ claims: { tid: 42 } }), expect: 'tenant_invalid' },
  { name: 'tenant claim an array', token: mint({ claims: { tid: ['acme'] } }), expect: 'tenant_invalid' },
  { name: 'tenant claim with traversal', token: mint({ claims: { tid: '../globex' } }), expect: 'tenant_invalid' },
  { name: 'tenant claim with a slash', token: mint({ claims: { tid: 'acme/../globex' } }), expect: 'tenant_invalid' },
  { name: 'tenant claim percent-encoded', token: mint({ claims: { tid: 'acme%2fglobex' } }), expect: 'tenant_invalid' },
  {
    name: 'tenant claim with upper case (never case-folded)',
    token: mint({ claims: { tid: 'Acme' } }),
    expect: 'tenant_invalid',
  },
  {
    name: 'tenant claim with surrounding space (never trimmed)',
    token: mint({ claims: { tid: ' acme' } }),
    expect: 'tenant_invalid',
  },
  {
    name: 'tenant claim with a trailing newline',
    token: mint({ claims: { tid: 'acme\n' } }),
    expect: 'tenant_invalid',
  },
  { name: 'tenant claim empty', token: mint({ claims: { tid: '' } }), expect: 'tenant_invalid' },
  { name: 'tenant claim of 64 characters', token: mint({ claims: { tid: 'a'.repeat(64) } }), expect: 'tenant_invalid' },
  { name: 'tenant claim ending with a hyphen', token: mint({ claims: { tid: 'acme-' } }), expect: 'tenant_invalid' },
  { name: 'tenant claim with a fullwidth letter', token: mint({ claims: { tid: 'acｍe' } }), expect: 'tenant_invalid' },
  {
    // RFC 8259 §8.1: a JSON text must not begin with a byte-order mark; RFC 7515 §2 / RFC 7519 §7.2 make the
    // header and the claims set JSON texts. TextDecoder would strip it by default: both targets refuse it.
    name: 'payload starting with a UTF-8 byte-order mark',
    token: mint({ rawPayload: '\uFEFF' + JSON.stringify(sessionClaims()) }),
    expect: 'payload_malformed',
    stricterThanJose: true,
  },
  {
    name: 'header starting with a UTF-8 byte-order mark',
    token: mint({ rawHeader: '\uFEFF' + JSON.stringify({ alg: 'HS256', typ: 'tenant+jwt', kid: 'hs-2026-11' }) }),
    expect: 'header_malformed',
    stricterThanJose: true,
  },
  {
    name: 'exp -0 (a past NumericDate)',
    token: mint({ rawPayload: JSON.stringify(sessionClaims()).replace(/"exp":\d+/, '"exp":-0') }),
    expect: 'expired',
  },
  {
    name: 'iat written 1.8e9 (a number, however spelled)',
    token: mint({ rawPayload: JSON.stringify(sessionClaims()).replace(/"iat":\d+/, `"iat":${(NOW - 60) / 1e9}e9`) }),
    expect: 'ok',
  },
  {
    name: 'payload invalid UTF-8',
    token: (() => {
      const h = b64(JSON.stringify({ alg: 'HS256', typ: 'tenant+jwt', kid: 'hs-2026-11' }));
      const p = b64(
        Buffer.concat([
          Buffer.from(JSON.stringify(sessionClaims()).slice(0, -1)),
          Buffer.from(',"x":"'),
          Buffer.from([0xc3, 0x28]),
          Buffer.from('"}'),
        ]),
      );
      return `${h}.${p}.${signWith('HS256', privateKey('hs-2026-11'), `${h}.${p}`)}`;
    })(),
    expect: 'payload_malformed',
  },
];
