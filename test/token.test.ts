import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenCases } from './cases/token-cases';
import { coreFor } from './helpers/core';
import { mint, mintLink, NOW } from './helpers/tokens';
import { readTokenHeader } from '../src/token';
import { canonicalBytes, CANONICAL_BASE64URL_32 } from '../src/token-rules';
import { constantTimeEqualDigests } from '../src/constant-time';
import { ipv6Groups, isViewerAddress } from '../src/ip-address';
import { nodeBase64url } from '../functions/key-ring';
import { CONFIG } from './helpers/keys';

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

  it.each(['2001:db8::1', '2001:DB8:0:0:0:0:0:01', '::', '::1', '1::', '1:2:3:4:5:6:7:8', 'fe80::1:0:0:1'])(
    'accepts a link token bound to the IPv6 address %s (hex groups, any spelling)',
    (ip) => {
      expect(tokens.verify(mintLink('/files/a.txt', { ip }), keys, NOW)).toMatchObject({
        ok: true,
        token: { kind: 'link', ip },
      });
    },
  );

  it('tells a link token by its typ and returns its path and address', () => {
    expect(tokens.verify(mintLink('/files/a.txt', { ip: '192.0.2.10' }), keys, NOW)).toMatchObject({
      ok: true,
      token: { kind: 'link', path: '/files/a.txt', ip: '192.0.2.10' },
    });
  });

  it.each([
    ['no pth', mintLink('/x', { claims: { pth: undefined } }), 'link_path_missing'],
    ['pth not a string', mintLink('/x', { claims: { pth: ['/files/a'] } }), 'link_path_missing'],
    ['cip an IPv6 address with an IPv4 tail', mintLink('/files/a', { ip: '::ffff:192.0.2.1' }), 'link_ip_invalid'],
    ['cip an IPv6 address with two ::', mintLink('/files/a', { ip: '2001::db8::1' }), 'link_ip_invalid'],
    ['cip an IPv6 address with nine groups', mintLink('/files/a', { ip: '1:2:3:4:5:6:7:8:9' }), 'link_ip_invalid'],
    ['cip an IPv6 address with a five-digit group', mintLink('/files/a', { ip: '2001:db8::10000' }), 'link_ip_invalid'],
    [
      'cip an IPv6 address with seven groups and no ::',
      mintLink('/files/a', { ip: '1:2:3:4:5:6:7' }),
      'link_ip_invalid',
    ],
    [
      'cip an IPv6 address with :: standing for no group',
      mintLink('/files/a', { ip: '1:2:3:4::5:6:7:8' }),
      'link_ip_invalid',
    ],
    ['cip an IPv6 address in brackets', mintLink('/files/a', { ip: '[2001:db8::1]' }), 'link_ip_invalid'],
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

describe('CANONICAL_BASE64URL_32: canonicalBytes for 32 bytes, as the pattern the CloudFront Function fast path uses', () => {
  const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('');
  const pattern = new RegExp('^' + CANONICAL_BASE64URL_32 + '$');
  const segment = fc.oneof(
    fc.uint8Array({ minLength: 31, maxLength: 33 }).map((b) => Buffer.from(b).toString('base64url')),
    fc.string({ unit: fc.constantFrom(...CHARS, '+', '/', '=', '.'), minLength: 42, maxLength: 44 }),
  );
  it('matches exactly the segments canonicalBytes reads as 32 bytes', () => {
    fc.assert(
      fc.property(segment, (s) => {
        expect(pattern.test(s)).toBe(canonicalBytes(nodeBase64url, s)?.length === 32);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('constantTimeEqualDigests', () => {
  it('is byte equality for 32-byte arrays, at any offset, and false for a second array of any other length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(31), fc.nat(3), (bytes, flip, offset) => {
        const shifted = new Uint8Array(40);
        shifted.set(bytes, offset);
        const same = shifted.subarray(offset, offset + 32);
        expect(constantTimeEqualDigests(bytes, same)).toBe(true);
        const other = Uint8Array.from(bytes);
        other[flip] ^= 1;
        expect(constantTimeEqualDigests(bytes, other)).toBe(false);
        expect(constantTimeEqualDigests(bytes, Uint8Array.from([...same, 0]))).toBe(false);
        expect(constantTimeEqualDigests(bytes, same.subarray(1))).toBe(false);
      }),
    );
  });
});

describe('IPv6 link binding: every spelling of one address is that address', () => {
  /** An address as eight groups, and one of its spellings: any case, leading zeros, `::` for one zero run. */
  const groups = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
    minLength: 8,
    maxLength: 8,
  });
  const spelling = (g: number[]) =>
    fc
      .record({
        upper: fc.boolean(),
        pad: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        gap: fc.nat(8),
        gapLength: fc.nat(8),
      })
      .map(({ upper, pad, gap, gapLength }) => {
        const text = g.map((n, i) => {
          const hex = n.toString(16);
          return pad[i] ? hex.padStart(4, '0') : hex;
        });
        // `::` over a run of zero groups starting at `gap`, when there is one there.
        let end = gap;
        while (end < 8 && end - gap < gapLength && g[end] === 0) end++;
        const spelled = end > gap ? text.slice(0, gap).join(':') + '::' + text.slice(end).join(':') : text.join(':');
        return upper ? spelled.toUpperCase() : spelled;
      });
  const canonical = (g: number[]) => g.map((n) => n.toString(16)).join(':');

  it('reads every spelling as its eight groups', () => {
    fc.assert(
      fc.property(
        groups.chain((g) => fc.tuple(fc.constant(g), spelling(g))),
        ([g, text]) => {
          expect(ipv6Groups(text)).toBe(canonical(g));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('two spellings of one address agree; different addresses never do', () => {
    fc.assert(
      fc.property(
        groups.chain((g) => fc.tuple(spelling(g), spelling(g))),
        groups.chain((g) => spelling(g)),
        ([a, b], c) => {
          expect(isViewerAddress(a, b)).toBe(true);
          expect(isViewerAddress(a, c)).toBe(ipv6Groups(a) === ipv6Groups(c));
          if (ipv6Groups(a) !== ipv6Groups(c)) expect(isViewerAddress(a, c)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('an IPv4 claim matches only that dotted quad', () => {
    expect(isViewerAddress('192.0.2.10', '192.0.2.10')).toBe(true);
    expect(isViewerAddress('192.0.2.10', '::ffff:192.0.2.10')).toBe(false);
    expect(isViewerAddress('2001:db8::1', '')).toBe(false);
    expect(isViewerAddress('::', '::0.0.0.0')).toBe(false);
  });
});

describe('sub and scope claims (read by a build with scopes: the sources read them whenever configured)', () => {
  const scoped = coreFor({
    ...CONFIG,
    scopes: { rules: [{ path: '/files/finance/', claim: 'roles', anyOf: ['finance'] }], default: 'allow' },
  });

  it.each([
    ['sub a number', { sub: 7 }, 'sub_invalid'],
    ['sub empty', { sub: '' }, 'sub_invalid'],
    ['sub of 256 characters', { sub: 'a'.repeat(256) }, 'sub_invalid'],
    ['sub an array', { sub: ['alice'] }, 'sub_invalid'],
    ['roles a string', { roles: 'finance' }, 'scope_claim_invalid'],
    ['roles holding null', { roles: [null] }, 'scope_claim_invalid'],
    ['roles of 65 values', { roles: Array.from({ length: 65 }, (_, i) => `r${i}`) }, 'scope_claim_invalid'],
  ])('%s: %s', (_name, claims, failure) => {
    expect(scoped.tokens.verify(mint({ claims }), scoped.keys, NOW)).toEqual({ ok: false, failure });
  });

  it('without scopes, a claim named like a scope claim is not read', () => {
    expect(tokens.verify(mint({ claims: { roles: 'finance' } }), keys, NOW)).toMatchObject({ ok: true });
  });

  it('no sub is no failure: the credential owns no folder', () => {
    expect(scoped.tokens.verify(mint({ claims: { sub: undefined } }), scoped.keys, NOW)).toMatchObject({
      ok: true,
      token: { subject: undefined, scopeClaims: {} },
    });
  });
});
