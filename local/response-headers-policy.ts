/**
 * A behavior's response headers policy, as CloudFront applies it to what the viewer gets
 * (docs/platform.md#origin-request-and-cache-policies): each custom header is added; when the response already
 * has one of that name it is replaced only if the header says `Override: true` (API
 * ResponseHeadersPolicyCustomHeader); `RemoveHeadersConfig` names headers taken out. E.g. the stack's
 * `Cache-Control: private, no-cache` with Override on tenant files, so that a browser never answers `/files/x`
 * from its own cache for whoever signs in next, while CloudFront still caches per tenant key.
 *
 * CORS, security-headers and Server-Timing settings are not emulated: a policy with them is applied for its
 * custom and removed headers, and the emulator says so once at start.
 */
import type { ResponseHeadersPolicyConfig } from '@aws-sdk/client-cloudfront';
import { header, withHeader, type HeaderList } from './http-message';

export interface ResponseHeadersPolicy {
  name: string;
  customHeaders: readonly { name: string; value: string; override: boolean }[];
  removeHeaders: readonly string[];
  /** Parts of the policy the emulator does not apply (for a note at start). */
  notEmulated: readonly string[];
}

export function responseHeadersPolicyFrom(config: ResponseHeadersPolicyConfig): ResponseHeadersPolicy {
  const notEmulated: string[] = [];
  if (config.CorsConfig !== undefined) notEmulated.push('CorsConfig');
  if (config.SecurityHeadersConfig !== undefined) notEmulated.push('SecurityHeadersConfig');
  if (config.ServerTimingHeadersConfig?.Enabled === true) notEmulated.push('ServerTimingHeadersConfig');
  return {
    name: config.Name ?? 'custom',
    customHeaders: (config.CustomHeadersConfig?.Items ?? []).map((h) => ({
      name: h.Header ?? '',
      value: h.Value ?? '',
      override: h.Override === true,
    })),
    removeHeaders: (config.RemoveHeadersConfig?.Items ?? []).map((h) => h.Header ?? ''),
    notEmulated,
  };
}

/** Custom headers of `map`, each with Override: the shape hand-built behaviors in tests use. */
export function overridingHeaders(map: Readonly<Record<string, string>>, name = 'custom'): ResponseHeadersPolicy {
  return {
    name,
    customHeaders: Object.entries(map).map(([n, value]) => ({ name: n, value, override: true })),
    removeHeaders: [],
    notEmulated: [],
  };
}

export function applyResponseHeadersPolicy(policy: ResponseHeadersPolicy, headers: HeaderList): HeaderList {
  let out = headers;
  for (const name of policy.removeHeaders) out = withHeader(out, name);
  for (const custom of policy.customHeaders) {
    if (custom.override || header(out, custom.name) === undefined) out = withHeader(out, custom.name, custom.value);
  }
  return out;
}
