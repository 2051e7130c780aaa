/**
 * CloudFront Functions event ↔ HTTP request pieces, the way CloudFront builds and reads them
 * (DG functions-event-structure): header names lower-cased, cookies parsed out of the Cookie headers
 * and NOT left in `headers`, the query string as a map; a repeated name keeps its first value in `value`
 * and all of them in `multiValue`.
 *
 * Every map is made with a null prototype: a cookie, query parameter or header named `__proto__`,
 * `constructor` or `hasOwnProperty` is then an entry like any other, and never reaches `Object.prototype`.
 */

export interface CfValue {
  value: string;
  multiValue?: { value: string }[];
}
export type CfMap = Record<string, CfValue>;

export interface CloudFrontFunctionEvent {
  version: '1.0';
  context: { distributionDomainName: string; distributionId: string; eventType: 'viewer-request'; requestId: string };
  viewer: { ip: string };
  request: { method: string; uri: string; querystring: CfMap; headers: CfMap; cookies: CfMap };
}

export interface RawRequest {
  method: string;
  /** The path, percent-encoded, without the query. */
  uri: string;
  /** The raw query string, without `?`. */
  querystring: string;
  /** Header name (any case) → values, in order; Cookie headers included. */
  headers: [string, string][];
  ip: string;
  requestId?: string;
}

/** An empty map whose names are only ever its own entries (no `__proto__`, no inherited `constructor`). */
export function emptyMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function add(map: CfMap, name: string, value: string): void {
  const entry = map[name];
  if (entry === undefined) {
    map[name] = { value };
    return;
  }
  entry.multiValue ??= [{ value: entry.value }];
  entry.multiValue.push({ value });
}

export function toCloudFrontFunctionEvent(raw: RawRequest): CloudFrontFunctionEvent {
  const headers = emptyMap<CfValue>();
  const cookies = emptyMap<CfValue>();
  const querystring = emptyMap<CfValue>();
  for (const [name, value] of raw.headers) {
    const lower = name.toLowerCase();
    if (lower !== 'cookie') {
      add(headers, lower, value);
      continue;
    }
    for (const pair of value.split(';')) {
      const eq = pair.indexOf('=');
      if (eq === -1) continue;
      const cookieName = pair.slice(0, eq).trim();
      if (cookieName !== '') add(cookies, cookieName, pair.slice(eq + 1).trim());
    }
  }
  if (raw.querystring !== '') {
    for (const pair of raw.querystring.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      add(querystring, eq === -1 ? pair : pair.slice(0, eq), eq === -1 ? '' : pair.slice(eq + 1));
    }
  }
  return {
    version: '1.0',
    context: {
      distributionDomainName: 'd111111abcdef8.cloudfront.net',
      distributionId: 'EDFDVBD6EXAMPLE',
      eventType: 'viewer-request',
      requestId: raw.requestId ?? 'local',
    },
    viewer: { ip: raw.ip },
    request: { method: raw.method, uri: raw.uri, querystring, headers, cookies },
  };
}

export type CloudFrontFunctionResult =
  | { kind: 'forward'; uri: string; querystring: string; cookieHeader: string; headers: CfMap }
  | {
      kind: 'respond';
      status: number;
      statusDescription: string;
      headers: Record<string, string>;
      cookies: CfMap;
      body: string;
    };

function serialize(map: CfMap, separator: string): string {
  const parts: string[] = [];
  for (const [name, entry] of Object.entries(map)) {
    for (const v of entry.multiValue ?? [{ value: entry.value }]) parts.push(`${name}=${v.value}`);
  }
  return parts.join(separator);
}

/** What the function returned, read as CloudFront reads it. Throws on a shape CloudFront would reject. */
export function fromCloudFrontFunctionResult(result: unknown): CloudFrontFunctionResult {
  if (typeof result !== 'object' || result === null)
    throw new Error('the function returned neither a request nor a response');
  const r = result as Record<string, unknown>;
  if (typeof r.statusCode === 'number') {
    const headers = emptyMap<string>();
    for (const [name, entry] of Object.entries((r.headers ?? {}) as CfMap)) headers[name] = entry.value;
    const body = r.body;
    const text =
      typeof body === 'string'
        ? body
        : body && typeof body === 'object'
          ? String((body as { data?: unknown }).data ?? '')
          : '';
    return {
      kind: 'respond',
      status: r.statusCode,
      statusDescription: String(r.statusDescription ?? ''),
      headers,
      cookies: (r.cookies ?? {}) as CfMap,
      body: text,
    };
  }
  if (typeof r.uri !== 'string' || typeof r.method !== 'string')
    throw new Error('the function returned a malformed request');
  return {
    kind: 'forward',
    uri: r.uri,
    querystring: serialize((r.querystring ?? {}) as CfMap, '&'),
    cookieHeader: serialize((r.cookies ?? {}) as CfMap, '; '),
    headers: (r.headers ?? {}) as CfMap,
  };
}
