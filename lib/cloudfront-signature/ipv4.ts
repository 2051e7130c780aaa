import { isIP } from 'node:net';

/**
 * IPv4 CIDR matching for the custom policy's `IpAddress` / `AWS:SourceIp` condition. The DG allows "one IP
 * address or one IP address range" in "standard IPv4 CIDR format"; IPv6 "is not supported" there, so an IPv6
 * viewer never satisfies the condition (AWS advises not to enable IPv6 on such a distribution).
 */

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer, host bits as written. */
  readonly address: number;
  readonly prefixLength: number;
  /** The CIDR exactly as it appeared in the policy. */
  readonly text: string;
}

// Decimal octets without leading zeros: `010` is octal to some parsers and decimal to others, so it is refused.
const OCTET = '(?:0|[1-9][0-9]{0,2})';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** Dotted-quad IPv4 to an unsigned 32-bit integer, or undefined. */
export function parseIpv4(text: string): number | undefined {
  if (!IPV4.test(text)) return undefined;
  let value = 0;
  for (const part of text.split('.')) {
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** `a.b.c.d/n` with 0 ≤ n ≤ 32. The prefix is required: the DG spells even one address as `/32`. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseIpv4(text.slice(0, slash));
  const prefix = text.slice(slash + 1);
  if (address === undefined || !/^(?:[0-9]|[12][0-9]|3[0-2])$/.test(prefix)) return undefined;
  return { address, prefixLength: Number(prefix), text };
}

/** True when `viewerIp` is an IPv4 address inside `cidr`; always false for IPv6 or anything unparsable. */
export function ipv4CidrContains(cidr: Ipv4Cidr, viewerIp: string): boolean {
  const ip = parseIpv4(viewerIp);
  if (ip === undefined) return false;
  if (cidr.prefixLength === 0) return true;
  const hostBits = 32 - cidr.prefixLength;
  // Division instead of `>>>`: bit operators would need care with the sign bit for addresses ≥ 128.0.0.0.
  return Math.floor(ip / 2 ** hostBits) === Math.floor(cidr.address / 2 ** hostBits);
}

/** 4, 6 or 0 (not an IP address): viewer addresses are checked up front, whether or not a policy binds one. */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (parseIpv4(text) !== undefined) return 4;
  return isIP(text) === 6 ? 6 : 0;
}
