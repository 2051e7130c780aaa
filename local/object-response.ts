/**
 * What the edge does with a whole object (from the cache or just fetched) for what the viewer asked: HEAD
 * (headers only), `If-None-Match` / `If-Modified-Since` (304), `Range` (206, or 416). This is what players
 * (seeking with `Range`) and image tags (revalidating with `If-None-Match`) need. CloudFront answers these
 * from a cached object itself, so the origin is always asked for the whole object.
 */
import { header, withHeader, type EdgeResponse, type HeaderList } from './http-message';

/** Headers a 304 keeps (RFC 9110 §15.4.5): the validators and what the cache would need. */
const NOT_MODIFIED_HEADERS = new Set([
  'etag',
  'last-modified',
  'cache-control',
  'expires',
  'vary',
  'date',
  'content-location',
]);

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * One byte range of `bytes=…` against an object of `size` bytes (RFC 9110 §14.1.2). `undefined`: no usable
 * single range, serve the whole object (several ranges are allowed to be answered that way, §14.2);
 * `'unsatisfiable'`: a 416.
 */
export function parseRange(value: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(value);
  if (!match) return undefined;
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // Suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return undefined;
  return { start, end };
}

/** RFC 9110 §13.1.2: weak comparison, `*`, or a list. */
function etagMatches(condition: string, etag: string | undefined): boolean {
  if (etag === undefined) return false;
  if (condition.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return condition.split(',').some((tag) => bare(tag) === bare(etag));
}

function notModified(object: EdgeResponse, requestHeaders: HeaderList): boolean {
  const etag = header(object.headers, 'etag');
  const ifNoneMatch = header(requestHeaders, 'if-none-match');
  // §13.2.2: If-None-Match, when present, decides alone.
  if (ifNoneMatch !== undefined) return etagMatches(ifNoneMatch, etag);
  const since = header(requestHeaders, 'if-modified-since');
  const modified = header(object.headers, 'last-modified');
  if (since === undefined || modified === undefined) return false;
  const sinceMs = Date.parse(since);
  const modifiedMs = Date.parse(modified);
  return Number.isFinite(sinceMs) && Number.isFinite(modifiedMs) && modifiedMs <= sinceMs;
}

export interface Served {
  response: EdgeResponse;
  range: ByteRange | undefined;
}

/** The viewer's answer from a whole 200 object. Any other status passes through (HEAD still drops the body). */
export function serveObject(method: string, requestHeaders: HeaderList, object: EdgeResponse): Served {
  const head = method === 'HEAD';
  if (object.status !== 200) {
    return { response: head ? { ...object, body: Buffer.alloc(0) } : object, range: undefined };
  }
  const size = object.body.length;
  let headers = withHeader(object.headers, 'content-length', String(size));
  headers = withHeader(headers, 'accept-ranges', 'bytes');
  if (notModified(object, requestHeaders)) {
    const kept = headers.filter(
      ([name]) => NOT_MODIFIED_HEADERS.has(name.toLowerCase()) || name.toLowerCase().startsWith('x-'),
    );
    return { response: { status: 304, headers: kept, body: Buffer.alloc(0) }, range: undefined };
  }
  const rangeHeader = header(requestHeaders, 'range');
  // Range applies to GET only (§14.2); HEAD reports the whole representation.
  if (rangeHeader !== undefined && !head) {
    const ifRange = header(requestHeaders, 'if-range');
    const stillValid = ifRange === undefined || ifRange === header(object.headers, 'etag');
    const range = stillValid ? parseRange(rangeHeader, size) : undefined;
    if (range === 'unsatisfiable') {
      const refused = withHeader(withHeader(headers, 'content-range', `bytes */${size}`), 'content-length', '0');
      return { response: { status: 416, headers: refused, body: Buffer.alloc(0) }, range: undefined };
    }
    if (range !== undefined) {
      let partial = withHeader(headers, 'content-range', `bytes ${range.start}-${range.end}/${size}`);
      partial = withHeader(partial, 'content-length', String(range.end - range.start + 1));
      return {
        response: { status: 206, headers: partial, body: object.body.subarray(range.start, range.end + 1) },
        range,
      };
    }
  }
  return { response: { status: 200, headers, body: head ? Buffer.alloc(0) : object.body }, range: undefined };
}
