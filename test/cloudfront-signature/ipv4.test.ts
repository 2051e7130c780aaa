import { describe, expect, it } from 'vitest';
import { ipv4CidrContains, parseIpv4, parseIpv4Cidr } from '../../lib/cloudfront-signature/index';

describe('IPv4 CIDR (IpAddress / AWS:SourceIp)', () => {
  it.each([
    ['0.0.0.0', 0],
    ['192.0.2.10', 0xc000020a],
    ['255.255.255.255', 0xffffffff],
  ])('parses %s', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.0.0.1',
    '01.2.3.4',
    '1.2.3.4 ',
    ' 1.2.3.4',
    '1.2.3.-4',
    '1.2.3.4/32',
    '::1',
    '0x1.2.3.4',
  ])('refuses address %j', (text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });

  it.each([
    '192.0.2.10',
    '192.0.2.0/33',
    '192.0.2.0/-1',
    '192.0.2.0/',
    '192.0.2.0/024',
    '2001:db8::/32',
    '192.0.2.0/24/1',
  ])('refuses CIDR %j', (text) => {
    expect(parseIpv4Cidr(text)).toBeUndefined();
  });

  it.each([
    ['192.0.2.10/32', '192.0.2.10', true],
    ['192.0.2.10/32', '192.0.2.11', false],
    ['192.0.2.0/24', '192.0.2.0', true],
    ['192.0.2.0/24', '192.0.2.255', true],
    ['192.0.2.0/24', '192.0.3.0', false],
    ['192.0.2.77/24', '192.0.2.1', true],
    ['128.0.0.0/1', '255.1.2.3', true],
    ['128.0.0.0/1', '127.255.255.255', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['203.0.113.0/31', '203.0.113.1', true],
    ['203.0.113.0/31', '203.0.113.2', false],
    // The DG: IPv6 is not supported in IpAddress, so an IPv6 viewer never matches, not even an IPv4-mapped one.
    ['0.0.0.0/0', '2001:db8::1', false],
    ['192.0.2.10/32', '::ffff:192.0.2.10', false],
  ])('%s contains %s: %s', (cidr, ip, expected) => {
    const parsed = parseIpv4Cidr(cidr);
    expect(parsed).toBeDefined();
    if (parsed) expect(ipv4CidrContains(parsed, ip)).toBe(expected);
  });
});
