import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenCases } from './cases/token-cases';
import { coreFor } from './helpers/core';
import { mint, mintLink, NOW } from './helpers/tokens';
import { readTokenHeader } from '../src/token';
import { canonicalBytes } from '../src/token-rules';
import { nodeBase64url } from '../functions/key-ring';

const { tokens, keys } = coreFor();

describe('token verification (frozen clock)', () => {
  it.each(tokenCases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = tokens.verify(c.token, keys, NOW);
    if (c.expect === 'ok') {
      expect(result).toMatchObject({ ok: true, token: { kind: 'session' } });
    } else {
      expect(result).toEqual({ ok: false, failure: c.expect });
    }
  });

  it('returns the tenant exactly as signed', () => {
    expect(tokens.verify(mint({ claims: { tid: 'globex-2' } }), keys, NOW)).toMatchObject({
      ok: true,
      token: { tenant: 'globex-2', kid: 'hs-2026-11', exp: NOW + 900, iat: NOW - 60 },
    });
  });

  it('tells a link token by its typ and returns its path and address', () => {
    expect(tokens.verify(mintLink('/files/a.txt', { ip: '192.0.2.10' }), keys, NOW)).toMatchObject({
      ok: true,
      token: { kind: 'link', path: '/files/a.txt', ip: '192.0.2.10' },
    });
  });

  it.each([
    ['no pth', mintLink('/x', { claims: { pth: undefined } }), 'link_path_missing'],
    ['pth not a string', mintLink('/x', { claims: { pth: ['/files/a'] } }), 'link_path_missing'],
    [
      'cip an IPv6 address (IPv6 binding not supported yet)',
      mintLink('/files/a', { ip: '2001:db8::1' }),
      'link_ip_invalid',
    ],
    ['cip an IPv6 address with a zone', mintLink('/files/a', { ip: 'fe80::1%eth0' }), 'link_ip_invalid'],
    ['cip an IPv4 address with a leading zero', mintLink('/files/a', { ip: '192.0.2.010' }), 'link_ip_invalid'],
    ['cip a CIDR', mintLink('/files/a', { ip: '192.0.2.0/24' }), 'link_ip_invalid'],
    ['cip not an address', mintLink('/files/a', { ip: 'localhost' }), 'link_ip_invalid'],
    [
      'link lifetime over maxLinkLifetimeSeconds',
      mintLink('/files/a', { claims: { iat: NOW - 1, exp: NOW + 172800 } }),
      'lifetime_exceeded',
    ],
  ])('refuses a link token with %s', (_name, token, failure) => {
    expect(tokens.verify(token, keys, NOW)).toEqual({ ok: false, failure });
  });

  it('accepts a link token as long as maxLinkLifetimeSeconds (48 h)', () => {
    expect(tokens.verify(mintLink('/files/a', { claims: { iat: NOW, exp: NOW + 172800 } }), keys, NOW).ok).toBe(true);
  });

  it('applies the clock: valid until exp + tolerance, not at it', () => {
    const token = mint({ claims: { iat: NOW - 100, exp: NOW + 100 } });
    expect(tokens.verify(token, keys, NOW + 129).ok).toBe(true);
    expect(tokens.verify(token, keys, NOW + 130)).toEqual({ ok: false, failure: 'expired' });
  });

  it('does not let a cached header of one token leak into the next', () => {
    expect(tokens.verify(mint({ header: { typ: 'JWT' } }), keys, NOW)).toEqual({ ok: false, failure: 'typ_mismatch' });
    expect(tokens.verify(mint(), keys, NOW).ok).toBe(true);
    expect(tokens.verify(mint({ header: { kid: 'nope' } }), keys, NOW)).toEqual({ ok: false, failure: 'kid_unknown' });
    expect(readTokenHeader(mint({ kid: 'es-2026-11' }), 4096, nodeBase64url)).toEqual({
      ok: true,
      header: { kid: 'es-2026-11', alg: 'ES256', kind: 'session' },
    });
  });
});

describe('canonicalBytes: canonical base64url, by decoding and re-encoding', () => {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  /** The rule written out: the alphabet only, no length ≡ 1 (mod 4), no spare bit set in the last character. */
  function canonical(segment: string): boolean {
    if (!/^[A-Za-z0-9_-]*$/.test(segment)) return false;
    const tail = segment.length % 4;
    if (tail === 1) return false;
    const last = ALPHABET.indexOf(segment.charAt(segment.length - 1));
    return tail === 0 || (tail === 2 ? (last & 15) === 0 : (last & 3) === 0);
  }
  const segment = fc.oneof(
    fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('base64url')),
    fc.string({ unit: fc.constantFrom(...ALPHABET.split(''), '+', '/', '=', ' ', '.', 'é'), maxLength: 40 }),
  );
  it('accepts exactly the canonical segments, and gives back their bytes', () => {
    fc.assert(
      fc.property(segment, (s) => {
        const bytes = canonicalBytes(nodeBase64url, s);
        expect(bytes !== undefined).toBe(canonical(s));
        if (bytes !== undefined) expect(Buffer.from(bytes).toString('base64url')).toBe(s);
      }),
      { numRuns: 3000 },
    );
  });
});
