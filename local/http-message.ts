/**
 * The emulator's own request and response shapes: what travels between the viewer socket, the edge
 * functions, the cache and the origins. Headers are ordered `[name, value]` pairs so that repeated headers
 * (several `Cookie` lines, several `Set-Cookie`) survive every hop, as they do through CloudFront.
 */

export type HeaderList = [name: string, value: string][];

export interface EdgeRequest {
  method: string;
  /** The path, percent-encoded, as the viewer sent it (or as a viewer-request function rewrote it). */
  uri: string;
  /** The raw query string, without `?`. */
  querystring: string;
  headers: HeaderList;
  body: Buffer;
  clientIp: string;
  clientPort: number;
  requestId: string;
}

export interface EdgeResponse {
  status: number;
  headers: HeaderList;
  body: Buffer;
}

/** The first value of a header, by case-insensitive name. */
export function header(headers: HeaderList, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [n, v] of headers) if (n.toLowerCase() === lower) return v;
  return undefined;
}

export function headerValues(headers: HeaderList, name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** `headers` with every `name` removed and, when `value` is given, one `name: value` appended. */
export function withHeader(headers: HeaderList, name: string, value?: string): HeaderList {
  const lower = name.toLowerCase();
  const kept: HeaderList = headers.filter(([n]) => n.toLowerCase() !== lower);
  if (value !== undefined) kept.push([name, value]);
  return kept;
}

export function response(status: number, headers: HeaderList, body: Buffer | string = Buffer.alloc(0)): EdgeResponse {
  return { status, headers, body: typeof body === 'string' ? Buffer.from(body) : body };
}

/** The XML error body CloudFront and S3 both answer with (`<Error><Code>…</Code><Message>…</Message></Error>`). */
export function xmlError(status: number, code: string, message: string): EdgeResponse {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return response(
    status,
    [
      ['content-type', 'application/xml'],
      ['cache-control', 'no-store'],
    ],
    body,
  );
}
