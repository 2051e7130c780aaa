/** CORS for an SPA on another origin: preflights answered at the edge, refusals it can read. */
import type { GateConfig } from '../config/gate';
import type { GateRequest } from './decision';

export const ALLOWED_METHODS = 'GET, HEAD';

/** The request's Origin when it is one of `corsOrigins`, else undefined. */
export function allowedOrigin(config: GateConfig, request: GateRequest | undefined): string | undefined {
  if (request === undefined) return undefined;
  const origin = request.header('origin');
  return origin !== undefined && config.corsOrigins.indexOf(origin) !== -1 ? origin : undefined;
}

/** Without these headers a cross-origin SPA sees only a network error instead of the refusal. */
export function corsHeaders(origin: string): { [name: string]: string } {
  return { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
}

/**
 * The headers of a preflight answer (204), or undefined when the preflight is not for GET/HEAD. The
 * allowed request headers are the few a file fetch needs (ranges for players, revalidation); the browser
 * refuses the request itself if it asked for any other.
 */
export function preflightHeaders(origin: string, request: GateRequest): { [name: string]: string } | undefined {
  const method = request.header('access-control-request-method');
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const headers = corsHeaders(origin);
  headers['access-control-allow-methods'] = ALLOWED_METHODS;
  headers['access-control-allow-headers'] = 'range, if-none-match, if-modified-since';
  headers['access-control-max-age'] = '600';
  return headers;
}
