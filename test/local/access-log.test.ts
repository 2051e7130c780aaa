/**
 * One line per request, CloudFront standard log fields in CloudFront's order, and never a credential: the
 * token cookie, CloudFront's signed cookies, the link token and the signed-URL signature are redacted.
 */
import { describe, expect, it } from 'vitest';
import {
  formatAccessLogLine,
  LOG_FIELDS,
  LOG_HEADER,
  redactCookies,
  redactQuery,
  type AccessRecord,
} from '../../local/access-log';

const CLOUDFRONT_ORDER =
  'date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end';

const REDACTION = {
  cookies: ['__Host-tenant', 'CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id'],
  queryParams: ['token', 'Signature', 'Policy'],
};

const RECORD: AccessRecord = {
  startMs: Date.UTC(2027, 0, 15, 8, 0, 0, 0),
  firstByteMs: Date.UTC(2027, 0, 15, 8, 0, 0, 4),
  endMs: Date.UTC(2027, 0, 15, 8, 0, 0, 12),
  edgeLocation: 'LOCAL',
  bytesSent: 512,
  bytesReceived: 300,
  clientIp: '203.0.113.10',
  clientPort: 50123,
  method: 'GET',
  distributionHost: 'd111111abcdef8.cloudfront.net',
  hostHeader: 'localhost:8787',
  uri: '/files/clip.mp4',
  querystring: 'token=SECRET-LINK-TOKEN&v=2&Policy=SECRET-POLICY&Signature=SECRET-SIG&Key-Pair-Id=K2TENANTGATEDEMO',
  status: 206,
  referer: 'http://localhost:8787/',
  userAgent: 'Mozilla/5.0 (X11; Linux) "quoted"\ttab',
  cookieHeader: '__Host-tenant=SECRET-SESSION; theme=dark; CloudFront-Signature=SECRET-CF',
  resultType: 'Hit',
  detailedResultType: 'Hit',
  requestId: 'abc123',
  forwardedFor: undefined,
  protocolVersion: 'HTTP/1.1',
  contentType: 'video/mp4',
  contentLength: 1000,
  rangeStart: 0,
  rangeEnd: 999,
};

describe('access log', () => {
  it("names the fields in CloudFront's standard-log order", () => {
    expect(LOG_FIELDS.join(' ')).toBe(CLOUDFRONT_ORDER);
    expect(LOG_HEADER).toBe(`#Version: 1.0\n#Fields: ${CLOUDFRONT_ORDER}`);
  });

  it('writes one tab-separated line, each value in its field', () => {
    const line = formatAccessLogLine(RECORD, REDACTION);
    expect(line).not.toContain('\n');
    const values = line.split('\t');
    expect(values).toHaveLength(33);
    const field = Object.fromEntries(LOG_FIELDS.map((name, i) => [name, values[i]]));
    expect(field).toMatchObject({
      date: '2027-01-15',
      time: '08:00:00',
      'x-edge-location': 'LOCAL',
      'sc-bytes': '512',
      'c-ip': '203.0.113.10',
      'cs-method': 'GET',
      'cs(Host)': 'd111111abcdef8.cloudfront.net',
      'cs-uri-stem': '/files/clip.mp4',
      'sc-status': '206',
      'cs(Referer)': 'http://localhost:8787/',
      'cs(User-Agent)': 'Mozilla/5.0%20(X11;%20Linux)%20%22quoted%22%09tab',
      'x-edge-result-type': 'Hit',
      'x-edge-request-id': 'abc123',
      'x-host-header': 'localhost:8787',
      'cs-protocol': 'http',
      'cs-bytes': '300',
      'time-taken': '0.012',
      'x-forwarded-for': '-',
      'ssl-protocol': '-',
      'ssl-cipher': '-',
      'x-edge-response-result-type': 'Hit',
      'cs-protocol-version': 'HTTP/1.1',
      'fle-status': '-',
      'fle-encrypted-fields': '-',
      'c-port': '50123',
      'time-to-first-byte': '0.004',
      'x-edge-detailed-result-type': 'Hit',
      'sc-content-type': 'video/mp4',
      'sc-content-len': '1000',
      'sc-range-start': '0',
      'sc-range-end': '999',
    });
  });

  it('never logs a credential: cookies and query redacted, the rest kept', () => {
    const line = formatAccessLogLine(RECORD, REDACTION);
    expect(line).not.toMatch(/SECRET/);
    const values = line.split('\t');
    expect(values[LOG_FIELDS.indexOf('cs-uri-query')]).toBe(
      'token=REDACTED&v=2&Policy=REDACTED&Signature=REDACTED&Key-Pair-Id=K2TENANTGATEDEMO',
    );
    expect(values[LOG_FIELDS.indexOf('cs(Cookie)')]).toBe(
      '__Host-tenant=REDACTED;%20theme=dark;%20CloudFront-Signature=REDACTED',
    );
  });

  it.each([
    ['%74oken=SECRET', 'token', '%74oken=REDACTED'],
    ['token=a&token=b', 'token', 'token=REDACTED&token=REDACTED'],
    ['bad%zz=SECRET', 'token', 'bad%zz=REDACTED'],
    ['tokens=kept', 'token', 'tokens=kept'],
    ['', 'token', ''],
  ])('query %s → %s', (query, name, redacted) => {
    expect(redactQuery(query, [name])).toBe(redacted);
  });

  it('redacts every copy of a credential cookie', () => {
    expect(redactCookies('a=1; __Host-tenant=x;__Host-tenant=y', ['__Host-tenant'])).toBe(
      'a=1; __Host-tenant=REDACTED; __Host-tenant=REDACTED',
    );
  });

  it('writes "-" for empty values and 000 for no status', () => {
    const values = formatAccessLogLine(
      {
        ...RECORD,
        querystring: '',
        cookieHeader: undefined,
        referer: undefined,
        status: 0,
        rangeStart: undefined,
        rangeEnd: undefined,
      },
      REDACTION,
    ).split('\t');
    for (const name of ['cs-uri-query', 'cs(Cookie)', 'cs(Referer)', 'sc-range-start', 'sc-range-end'] as const)
      expect(values[LOG_FIELDS.indexOf(name)]).toBe('-');
    expect(values[LOG_FIELDS.indexOf('sc-status')]).toBe('000');
  });
});
