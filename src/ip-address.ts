/**
 * Viewer addresses as a link token's `cip` names them, and the one comparison between the two.
 *
 * IPv4: the dotted quad, four decimals 0–255 without leading zeros, compared as a string. IPv6: hex groups
 * (RFC 4291 §2.2: any case, leading zeros or not, at most one `::`, no zone, no IPv4 tail), compared as the
 * eight groups they stand for — so every spelling of one address is that address, RFC 5952's included, and
 * the viewer's address needs no particular spelling: AWS does not say how `viewer.ip` (CloudFront Functions)
 * or `clientIp` (Lambda@Edge) write IPv6 (docs/platform.md#cloudfront-functions-runtime). An address written with an IPv4
 * tail (`::ffff:192.0.2.1`) is not read: a token cannot name one, and a viewer spelled so matches no IPv6
 * claim (fail closed; CloudFront reports an IPv4 viewer as a dotted quad). Written in the njs subset; runs
 * only for address-bound links.
 */
import { END } from './tenant-path';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
export const IPV4 = new RegExp('^(?:' + OCTET + '\\.){3}' + OCTET + END);

/** Hex groups of 1–4 digits with at most one `::`; how many there are is counted below. */
const GROUPS = '(?:[\\da-f]{1,4}(?::[\\da-f]{1,4})*)?';
const IPV6 = new RegExp('^' + GROUPS + '(?:::' + GROUPS + ')?' + END, 'i');

/**
 * The eight groups of an IPv6 address in hex groups, lower case without leading zeros, joined by `:`
 * (`2001:DB8::01` → `2001:db8:0:0:0:0:0:1`), or undefined when `text` is not one.
 */
export function ipv6Groups(text: string): string | undefined {
  if (!IPV6.test(text)) return undefined;
  const parts = text.match(/[^:]+|::/g) || [];
  // Without `::` exactly eight groups; `::` (one part) stands for one zero group or more.
  if (text.indexOf('::') === -1 ? parts.length !== 8 : parts.length > 8) return undefined;
  let groups = '';
  for (let i = 0; i < parts.length; i++) {
    groups += parts[i] === '::' ? ':0'.repeat(9 - parts.length) : ':' + parseInt(parts[i], 16).toString(16);
  }
  return groups.slice(1);
}

/** Whether the viewer's address is the one a (valid) `cip` names. */
export function isViewerAddress(cip: string, viewerIp: string): boolean {
  return cip.indexOf(':') === -1 ? cip === viewerIp : ipv6Groups(cip) === ipv6Groups(viewerIp);
}
