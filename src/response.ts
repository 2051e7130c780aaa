/**
 * Responses the gate generates itself. Every one is `no-store`: a refusal cached at the edge would be
 * served to the next viewer of the same path, whoever they are.
 */
import { REFUSALS, type Refusal } from './errors';

export interface GateResponse {
  status: number;
  statusDescription: string;
  /** Lower-case header names, one value each. */
  headers: { [name: string]: string };
  body: string;
}

const DESCRIPTIONS: { [status: number]: string } = {
  204: 'No Content',
  302: 'Found',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  405: 'Method Not Allowed',
};

export function describeStatus(status: number): string {
  return DESCRIPTIONS[status] || 'Error';
}

function baseHeaders(): { [name: string]: string } {
  return { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
}

/** The JSON refusal: `{"error":"<code>","message":"…"}`. The reason stays in logs; the token never appears. */
export function refusalResponse(
  refused: Refusal,
  extraHeaders: { [name: string]: string } | undefined,
): GateResponse {
  const info = REFUSALS[refused.code];
  const headers = baseHeaders();
  headers['content-type'] = 'application/json';
  if (info.status === 401) headers['www-authenticate'] = 'Cookie realm="tenant-gate"';
  if (extraHeaders !== undefined) for (const name in extraHeaders) headers[name] = extraHeaders[name];
  return {
    status: info.status,
    statusDescription: describeStatus(info.status),
    headers: headers,
    body: JSON.stringify({ error: refused.code, message: info.message }),
  };
}

export function redirectResponse(location: string): GateResponse {
  const headers = baseHeaders();
  headers.location = location;
  return { status: 302, statusDescription: describeStatus(302), headers: headers, body: '' };
}

/** A 204 carries no body: Lambda@Edge turns a 204 with a body into a 502. */
export function emptyResponse(status: number, headers: { [name: string]: string }): GateResponse {
  const all = baseHeaders();
  for (const name in headers) all[name] = headers[name];
  return { status: status, statusDescription: describeStatus(status), headers: all, body: '' };
}
