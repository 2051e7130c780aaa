/**
 * The HTTP side of the local distribution: a Node server that turns each viewer request into an
 * `EdgeRequest`, lets the distribution answer it, writes the answer, and logs one access-log line.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLOUDFRONT_SIGNED_COOKIES, CLOUDFRONT_SIGNED_PARAMS, formatAccessLogLine, type Redaction } from './access-log';
import type { Clock } from './clock';
import type { Exchange } from './distribution';
import { header, xmlError, type EdgeRequest, type HeaderList } from './http-message';

/** CloudFront's own default for a request body is far larger; locally 10 MB is plenty and bounds memory. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface EdgeServerOptions {
  /** A `Distribution`, or anything answering like one (a placeholder while it is being built). */
  distribution: { handle(viewer: EdgeRequest): Promise<Exchange> };
  clock: Clock;
  /** One CloudFront standard-log line per request. */
  log?: (line: string) => void;
  /** What must never appear in the log (defaults: CloudFront's signed cookies and parameters). */
  redaction?: Redaction;
  /** `cs(Host)`: the distribution's CloudFront domain name. */
  distributionHost?: string;
  note?: (message: string) => void;
}

/** `::ffff:127.0.0.1` → `127.0.0.1`: CloudFront reports IPv4 viewers as IPv4. */
export function viewerIp(address: string | undefined): string {
  if (address === undefined) return '0.0.0.0';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** A CloudFront-like request id (`x-amz-cf-id`, `x-edge-request-id`). */
export function requestId(): string {
  return randomBytes(42).toString('base64url');
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function headerList(raw: string[]): HeaderList {
  const list: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) list.push([raw[i]!, raw[i + 1]!]);
  return list;
}

function headerBytes(headers: HeaderList): number {
  return headers.reduce((sum, [n, v]) => sum + n.length + v.length + 4, 0);
}

export function createEdgeServer(options: EdgeServerOptions): Server {
  const redaction = options.redaction ?? { cookies: CLOUDFRONT_SIGNED_COOKIES, queryParams: CLOUDFRONT_SIGNED_PARAMS };
  const log = options.log ?? ((line: string) => console.log(line));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startMs = options.clock();
    const started = process.hrtime.bigint();
    const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const headers = headerList(req.rawHeaders);
    const id = requestId();
    const body = await readBody(req);
    const viewer: EdgeRequest = {
      method: req.method ?? 'GET',
      uri: q === -1 ? target : target.slice(0, q),
      querystring: q === -1 ? '' : target.slice(q + 1),
      headers,
      body: body === 'too-large' ? Buffer.alloc(0) : body,
      clientIp: viewerIp(req.socket.remoteAddress),
      clientPort: req.socket.remotePort ?? 0,
      requestId: id,
    };
    let exchange: Exchange;
    if (body === 'too-large') {
      exchange = {
        response: xmlError(413, 'RequestEntityTooLarge', 'Request body too large.'),
        resultType: 'Error',
        detailedResultType: 'Error',
        behavior: undefined,
        range: undefined,
        cacheKey: undefined,
      };
    } else if (!viewer.uri.startsWith('/')) {
      exchange = {
        response: xmlError(400, 'BadRequest', 'Bad request.'),
        resultType: 'Error',
        detailedResultType: 'Error',
        behavior: undefined,
        range: undefined,
        cacheKey: undefined,
      };
    } else {
      try {
        exchange = await options.distribution.handle(viewer);
      } catch (error) {
        options.note?.(`internal error on ${viewer.method} ${viewer.uri}: ${(error as Error).stack ?? String(error)}`);
        exchange = {
          response: xmlError(502, 'InternalError', 'The local distribution failed.'),
          resultType: 'Error',
          detailedResultType: 'Error',
          behavior: undefined,
          range: undefined,
          cacheKey: undefined,
        };
      }
    }
    const response = exchange.response;
    const out: HeaderList = [...response.headers, ['x-amz-cf-id', id]];
    const bodiless = viewer.method === 'HEAD' || response.status === 204 || response.status === 304;
    if (header(out, 'content-length') === undefined && !bodiless)
      out.push(['content-length', String(response.body.length)]);
    const firstByteMs = startMs + elapsedMs();
    res.writeHead(response.status, out.flat());
    res.end(bodiless ? undefined : response.body);
    const contentLength = header(out, 'content-length');
    log(
      formatAccessLogLine(
        {
          startMs,
          firstByteMs,
          endMs: startMs + elapsedMs(),
          edgeLocation: 'LOCAL',
          bytesSent: headerBytes(out) + (bodiless ? 0 : response.body.length),
          bytesReceived: headerBytes(headers) + viewer.body.length + target.length,
          clientIp: viewer.clientIp,
          clientPort: viewer.clientPort,
          method: viewer.method,
          distributionHost: options.distributionHost ?? 'd111111abcdef8.cloudfront.net',
          hostHeader: header(headers, 'host'),
          uri: viewer.uri,
          querystring: viewer.querystring,
          status: response.status,
          referer: header(headers, 'referer'),
          userAgent: header(headers, 'user-agent'),
          cookieHeader:
            headers
              .filter(([n]) => n.toLowerCase() === 'cookie')
              .map(([, v]) => v)
              .join('; ') || undefined,
          resultType: exchange.resultType,
          detailedResultType: exchange.detailedResultType,
          requestId: id,
          forwardedFor: header(headers, 'x-forwarded-for'),
          protocolVersion: `HTTP/${req.httpVersion}`,
          contentType: header(out, 'content-type'),
          contentLength: contentLength === undefined ? undefined : Number(contentLength),
          rangeStart: exchange.range?.start,
          rangeEnd: exchange.range?.end,
        },
        redaction,
      ),
    );
  }

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.note?.(`request failed: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
}

/** Listens on `port` (0: any free one) at `host`; resolves with the bound port. */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
