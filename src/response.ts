/**
 * Responses the gate generates itself. Every one is `no-store`: a refusal cached at the edge would be
 * served to the next viewer of the same path, whoever they are.
 */
import { REFUSALS, type Refusal } from './errors';

/** Whether the build reads a KeyValueStore (the only source of a 503); undefined (sources, tools): compiled in. */
declare const __TG_STORE__: boolean | undefined;

/** How long a viewer refused for a store outage should wait: KeyValueStore reads recover in seconds. */
export const RETRY_AFTER_SECONDS = '5';

/**
 * No reason phrase: it is optional for both runtimes (CloudFront supplies the standard one), and a table
 * of them costs bytes the CloudFront Function does not have.
 */
export interface GateResponse {
  status: number;
  /** Lower-case header names, one value each. */
  headers: { [name: string]: string };
  body: string;
}

/** Every generated response: `no-store`, `nosniff`, plus the given headers. */
export function generatedResponse(
  status: number,
  headers: { [name: string]: string } | undefined,
  body: string,
): GateResponse {
  const all: { [name: string]: string } = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (body !== '') all['content-type'] = 'application/json';
  if (status === 401) all['www-authenticate'] = 'Cookie realm="tenant-gate"';
  // Only a store outage answers 503: the viewer may come back shortly (RFC 9110 §10.2.3).
  if ((typeof __TG_STORE__ === 'undefined' || __TG_STORE__) && status === 503) all['retry-after'] = RETRY_AFTER_SECONDS;
  if (headers !== undefined) for (const name in headers) all[name] = headers[name];
  return { status: status, headers: all, body: body };
}

/** The JSON refusal: `{"error":"<code>"}`. The reason stays in logs; the token never appears. */
export function refusalResponse(refused: Refusal, headers: { [name: string]: string } | undefined): GateResponse {
  return generatedResponse(REFUSALS[refused.code], headers, '{"error":"' + refused.code + '"}');
}
