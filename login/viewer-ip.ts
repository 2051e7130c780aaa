/**
 * The viewer's address, from the one source the configuration trusts (see `ViewerIpSource` in ./config.ts).
 *
 * Never `X-Forwarded-For`: CloudFront appends the viewer address to whatever the viewer sent, so the first
 * entry is the viewer's own claim, and where later hops append is a deployment detail. `CloudFront-Viewer-Address`
 * (`ip:port`, IPv6 unbracketed, e.g. `2001:db8::1:46532`) is added by CloudFront itself when the origin request
 * policy names it.
 */
import type { ViewerIpSource } from '../config/login';

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

export function isIpv4(ip: string): boolean {
  return IPV4.test(ip);
}

/** A loose IPv6 shape check: enough to tell "IPv6, cannot bind" from "garbage". */
export function isIpv6(ip: string): boolean {
  return ip.includes(':') && IPV6.test(ip);
}

/** `ip:port` → ip; undefined when it is not one address with a port. */
export function parseViewerAddress(value: string): string | undefined {
  const colon = value.lastIndexOf(':');
  if (colon <= 0 || !/^\d{1,5}$/.test(value.slice(colon + 1))) return undefined;
  let ip = value.slice(0, colon);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  return isIpv4(ip) || isIpv6(ip) ? ip : undefined;
}

/** The viewer address, or undefined when the trusted source does not give one address. */
export function viewerIp(
  source: ViewerIpSource,
  sourceIp: string | undefined,
  header: (name: string) => string | undefined,
): string | undefined {
  if (source === 'sourceIp')
    return sourceIp !== undefined && (isIpv4(sourceIp) || isIpv6(sourceIp)) ? sourceIp : undefined;
  const value = header('cloudfront-viewer-address');
  // A comma means several values were joined: not the single header CloudFront sets.
  if (value === undefined || value.includes(',')) return undefined;
  return parseViewerAddress(value.trim());
}
