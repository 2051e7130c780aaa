/**
 * The viewer's address, from the one source the configuration trusts (see `ViewerIpSource` in ./config.ts).
 *
 * Never `X-Forwarded-For`: CloudFront appends the viewer address to whatever the viewer sent, so the first
 * entry is the viewer's own claim, and where later hops append is a deployment detail. `CloudFront-Viewer-Address`
 * (`ip:port`, IPv6 unbracketed, e.g. `2001:db8::1:46532`) is added by CloudFront itself when the origin request
 * policy names it.
 */
import type { ViewerIpSource } from '../config/login';
import { VIEWER_ADDRESS_HEADER } from './origin-request';

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

export function isIpv4(ip: string): boolean {
  return IPV4.test(ip);
}

/** The eight 16-bit groups of an IPv6 address (RFC 4291 §2.2 text forms, embedded IPv4 too), or undefined. */
function ipv6Groups(ip: string): number[] | undefined {
  if (ip.length > 45 || !ip.includes(':')) return undefined;
  const halves = ip.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes('.')) {
        if (!IPV4.test(piece)) return undefined;
        const octets = piece.split('.').map(Number);
        groups.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
      } else if (HEX_GROUP.test(piece)) groups.push(parseInt(piece, 16));
      else return undefined;
    }
    return groups;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  // An embedded IPv4 may only end the address.
  if (halves.length === 2 && halves[0]!.includes('.')) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  // `::` stands for at least one group (RFC 4291 §2.2).
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : undefined;
}

/**
 * The canonical text of an IPv6 address (RFC 5952 §4): lower-case hex without leading zeros, the longest run
 * of two or more zero groups (the first of equal runs) as `::`. An IPv4-mapped address (`::ffff:a.b.c.d`) is
 * that IPv4 viewer: its dotted quad. Undefined when `ip` is not an IPv6 address.
 */
export function canonicalIpv6(ip: string): string | undefined {
  const groups = ipv6Groups(ip);
  if (groups === undefined) return undefined;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`;
}

export function isIpv6(ip: string): boolean {
  return ipv6Groups(ip) !== undefined;
}

/** An address as the login binds it: an IPv4 dotted quad as is, IPv6 in its canonical form; else undefined. */
export function canonicalIp(ip: string): string | undefined {
  return isIpv4(ip) ? ip : canonicalIpv6(ip);
}

/** `ip:port` → ip; undefined when it is not one address with a port. */
export function parseViewerAddress(value: string): string | undefined {
  const colon = value.lastIndexOf(':');
  if (colon <= 0 || !/^\d{1,5}$/.test(value.slice(colon + 1))) return undefined;
  let ip = value.slice(0, colon);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  return canonicalIp(ip);
}

/** The viewer address, or undefined when the trusted source does not give one address. */
export function viewerIp(
  source: ViewerIpSource,
  sourceIp: string | undefined,
  header: (name: string) => string | undefined,
): string | undefined {
  if (source === 'sourceIp') return sourceIp === undefined ? undefined : canonicalIp(sourceIp);
  const value = header(VIEWER_ADDRESS_HEADER);
  // A comma means several values were joined: not the single header CloudFront sets.
  if (value === undefined || value.includes(',')) return undefined;
  return parseViewerAddress(value.trim());
}
