/** The viewer address as the login binds it: IPv4 as is, IPv6 in its one canonical text (RFC 5952). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalIp, canonicalIpv6, parseViewerAddress, viewerIp } from '../../login/viewer-ip';

describe('canonical IPv6 (RFC 5952 §4)', () => {
  it.each<[string, string | undefined]>([
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of two equal runs
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], // the longest run
    ['fe80:0:1:2:3:4:5:6', 'fe80:0:1:2:3:4:5:6'], // one zero group is not compressed
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['::ffff:192.0.2.9', '192.0.2.9'], // an IPv4-mapped address is that IPv4 viewer
    ['64:ff9b::192.0.2.9', '64:ff9b::c000:209'],
    ['1::2::3', undefined],
    [':::', undefined],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['1:2:3:4:5:6:7::8', undefined], // `::` stands for at least one group
    ['2001:db8::1%eth0', undefined], // no zone identifiers
    ['12345::1', undefined],
    ['1.2.3.4::', undefined],
    ['192.0.2.1', undefined],
  ])('%s → %s', (text, canonical) => {
    expect(canonicalIpv6(text)).toBe(canonical);
  });

  const groups = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
    minLength: 8,
    maxLength: 8,
  });
  const notMapped = (g: number[]) => !(g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff);

  it('is the WHATWG URL serializer’s text, and a fixed point, for any address written out in full', () => {
    fc.assert(
      fc.property(groups.filter(notMapped), fc.boolean(), (g, upper) => {
        let full = g.map((x) => x.toString(16).padStart(4, '0')).join(':');
        if (upper) full = full.toUpperCase();
        const canonical = canonicalIpv6(full)!;
        expect(canonical).toBe(new URL(`http://[${full}]/`).hostname.slice(1, -1));
        expect(canonicalIpv6(canonical)).toBe(canonical);
      }),
    );
  });
});

describe('the viewer address from the trusted source', () => {
  it.each<[string, string | undefined]>([
    ['192.0.2.1:443', '192.0.2.1'],
    ['2001:DB8::5:46532', '2001:db8::5'],
    ['[2001:db8::5]:46532', '2001:db8::5'],
    ['2001:db8::5', undefined], // read as ip:port (CloudFront always appends the port): `2001:db8:` is no address
    ['example.com:443', undefined],
    ['192.0.2.1', undefined],
  ])('CloudFront-Viewer-Address %s → %s', (value, ip) => {
    expect(parseViewerAddress(value)).toBe(ip);
  });

  it('canonicalises sourceIp too', () => {
    expect(viewerIp('sourceIp', '2001:DB8:0::7', () => undefined)).toBe('2001:db8::7');
    expect(canonicalIp('198.51.100.7')).toBe('198.51.100.7');
    expect(canonicalIp('198.51.100.256')).toBeUndefined();
  });
});
