/**
 * One line per request in CloudFront's standard log (access log, legacy) format: tab-separated, the fields
 * in CloudFront's documented order, URL-encoded values, `-` for an empty one (DG "Standard log file fields").
 *
 * Credentials never reach the log. CloudFront logs cookies only when asked to; here `cs(Cookie)` is logged
 * with the values of the credential cookies (the gate's token cookie and CloudFront's signed cookies)
 * replaced by `REDACTED`, and `cs-uri-query` with the link token, `Signature` and `Policy` redacted — a log
 * line must not be a working link. Every free-text field (`cs(Referer)`, which quotes the page's URL with
 * its link token, `cs(User-Agent)`, `cs-uri-stem`, `x-host-header`, `x-forwarded-for`) goes through
 * local/redact-credentials.ts.
 */
import { SIGNED_COOKIE_NAMES, SIGNED_URL_PARAMS } from '../lib/cloudfront-signature/names';
import { REDACTED, redactCredentials, type CredentialNames } from './redact-credentials';

export const LOG_FIELDS = [
  'date',
  'time',
  'x-edge-location',
  'sc-bytes',
  'c-ip',
  'cs-method',
  'cs(Host)',
  'cs-uri-stem',
  'sc-status',
  'cs(Referer)',
  'cs(User-Agent)',
  'cs-uri-query',
  'cs(Cookie)',
  'x-edge-result-type',
  'x-edge-request-id',
  'x-host-header',
  'cs-protocol',
  'cs-bytes',
  'time-taken',
  'x-forwarded-for',
  'ssl-protocol',
  'ssl-cipher',
  'x-edge-response-result-type',
  'cs-protocol-version',
  'fle-status',
  'fle-encrypted-fields',
  'c-port',
  'time-to-first-byte',
  'x-edge-detailed-result-type',
  'sc-content-type',
  'sc-content-len',
  'sc-range-start',
  'sc-range-end',
] as const;

export type LogField = (typeof LOG_FIELDS)[number];

/** The two lines a CloudFront standard log file starts with. */
export const LOG_HEADER = `#Version: 1.0\n#Fields: ${LOG_FIELDS.join(' ')}`;

export { REDACTED };

export interface AccessRecord {
  startMs: number;
  firstByteMs: number;
  endMs: number;
  edgeLocation: string;
  bytesSent: number;
  bytesReceived: number;
  clientIp: string;
  clientPort: number;
  method: string;
  /** The distribution's own domain name (`d111111abcdef8.cloudfront.net`). */
  distributionHost: string;
  /** The Host header the viewer sent. */
  hostHeader: string | undefined;
  uri: string;
  querystring: string;
  status: number;
  referer: string | undefined;
  userAgent: string | undefined;
  cookieHeader: string | undefined;
  /** Hit, Miss, Error, LambdaGeneratedResponse, FunctionGeneratedResponse… */
  resultType: string;
  detailedResultType: string;
  requestId: string;
  forwardedFor: string | undefined;
  protocolVersion: string;
  contentType: string | undefined;
  contentLength: number | undefined;
  rangeStart: number | undefined;
  rangeEnd: number | undefined;
}

/** Cookie names and query parameter names (compared after percent-decoding) whose values are credentials. */
export type Redaction = CredentialNames;

/** CloudFront's cookies that make up a signed-cookie credential. */
export const CLOUDFRONT_SIGNED_COOKIES = SIGNED_COOKIE_NAMES;
/** CloudFront's signed-URL parameters that are credentials (Key-Pair-Id and Expires are not secret). */
export const CLOUDFRONT_SIGNED_PARAMS: readonly string[] = [SIGNED_URL_PARAMS.signature, SIGNED_URL_PARAMS.policy];

function decodedName(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

export function redactQuery(querystring: string, names: readonly string[]): string {
  if (querystring === '') return '';
  return querystring
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const raw = eq === -1 ? pair : pair.slice(0, eq);
      const name = decodedName(raw);
      // A name that cannot be decoded could be anything: its value is not logged either.
      if (name === undefined || names.includes(name)) return eq === -1 ? raw : `${raw}=${REDACTED}`;
      return pair;
    })
    .join('&');
}

export function redactCookies(cookieHeader: string, names: readonly string[]): string {
  return cookieHeader
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq).trim();
      return names.includes(name) ? `${name}=${REDACTED}` : pair;
    })
    .join('; ');
}

/** URL-encodes what would break the format (spaces, tabs, quotes, control and non-ASCII characters). */
function encode(value: string | number | undefined): string {
  if (value === undefined || value === '') return '-';
  return String(value).replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/gu, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

export function accessLogFields(record: AccessRecord, redaction: Redaction): Record<LogField, string> {
  const text = (value: string | undefined) =>
    encode(value === undefined ? undefined : redactCredentials(value, redaction));
  const end = new Date(record.endMs).toISOString();
  return {
    date: end.slice(0, 10),
    time: end.slice(11, 19),
    'x-edge-location': encode(record.edgeLocation),
    'sc-bytes': String(record.bytesSent),
    'c-ip': encode(record.clientIp),
    'cs-method': encode(record.method),
    'cs(Host)': encode(record.distributionHost),
    'cs-uri-stem': text(record.uri),
    'sc-status': record.status === 0 ? '000' : String(record.status),
    'cs(Referer)': text(record.referer),
    'cs(User-Agent)': text(record.userAgent),
    'cs-uri-query': encode(redactQuery(record.querystring, redaction.queryParams)),
    'cs(Cookie)': encode(
      record.cookieHeader === undefined ? undefined : redactCookies(record.cookieHeader, redaction.cookies),
    ),
    'x-edge-result-type': encode(record.resultType),
    'x-edge-request-id': encode(record.requestId),
    'x-host-header': text(record.hostHeader),
    'cs-protocol': 'http',
    'cs-bytes': String(record.bytesReceived),
    'time-taken': seconds(record.endMs - record.startMs),
    'x-forwarded-for': text(record.forwardedFor),
    'ssl-protocol': '-',
    'ssl-cipher': '-',
    'x-edge-response-result-type': encode(record.resultType),
    'cs-protocol-version': encode(record.protocolVersion),
    'fle-status': '-',
    'fle-encrypted-fields': '-',
    'c-port': String(record.clientPort),
    'time-to-first-byte': seconds(record.firstByteMs - record.startMs),
    'x-edge-detailed-result-type': encode(record.detailedResultType),
    'sc-content-type': encode(record.contentType),
    'sc-content-len': record.contentLength === undefined ? '-' : String(record.contentLength),
    'sc-range-start': record.rangeStart === undefined ? '-' : String(record.rangeStart),
    'sc-range-end': record.rangeEnd === undefined ? '-' : String(record.rangeEnd),
  };
}

export function formatAccessLogLine(record: AccessRecord, redaction: Redaction): string {
  const fields = accessLogFields(record, redaction);
  return LOG_FIELDS.map((name) => fields[name]).join('\t');
}
