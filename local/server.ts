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
import { header, xmlError, type EdgeRequest, type EdgeResponse, type HeaderList } from './http-message';
import { redactingNote } from './redact-credentials';
import { setCookieEcho } from './set-cookie-echo';

/** CloudFront's own default for a request body is far larger; locally 10 MB is plenty and bounds memory. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/**
 * Request bodies held at once, across every request in flight. Past it, a request is answered 503: the
 * answer CloudFront gives when an edge location lacks the resources for a request
 * (docs/platform.md#custom-error-responses-and-limits).
 */
export const REQUEST_BODY_BUDGET_BYTES = 64 * 1024 * 1024;

export interface EdgeServerOptions {
  /** A `Distribution`, or anything answering like one (a placeholder while it is being built). */
  distribution: { handle(viewer: EdgeRequest): Promise<Exchange> };
  clock: Clock;
  /** One CloudFront standard-log line per request; `false`: no log, and no line is even formatted. */
  log?: ((line: string) => void) | false;
  /** What must never appear in the log (defaults: CloudFront's signed cookies and parameters). */
  redaction?: Redaction;
  /** `cs(Host)`: the distribution's CloudFront domain name. */
  distributionHost?: string;
  note?: (message: string) => void;
  /** One request's body at most (413 past it); `MAX_BODY_BYTES` by default. */
  maxBodyBytes?: number;
  /** Every body in flight together at most (503 past it); `REQUEST_BODY_BUDGET_BYTES` by default. */
  requestBodyBudgetBytes?: number;
}

/** The bytes of request bodies held in memory, shared by every request of one server. */
export class BodyBudget {
  #used = 0;
  constructor(readonly limit: number) {}

  get used(): number {
    return this.#used;
  }

  /** Takes `bytes` if they fit; false otherwise (nothing taken). */
  take(bytes: number): boolean {
    if (this.#used + bytes > this.limit) return false;
    this.#used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}

type BodyRead = { body: Buffer; held: number } | { refused: 'too-large' | 'over-budget'; held: number };

/** `::ffff:127.0.0.1` → `127.0.0.1`: CloudFront reports IPv4 viewers as IPv4. */
export function viewerIp(address: string | undefined): string {
  if (address === undefined) return '0.0.0.0';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** A CloudFront-like request id (`x-amz-cf-id`, `x-edge-request-id`). */
export function requestId(): string {
  return randomBytes(42).toString('base64url');
}

/**
 * Reads the body within both limits. Past either, the rest is drained without being kept, and what was
 * held is given back at once; otherwise `held` bytes stay taken until the caller gives them back (after
 * the response is written: the body lives in the request until then).
 */
function readBody(req: IncomingMessage, maxBytes: number, budget: BodyBudget): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let held = 0;
    let refused: 'too-large' | 'over-budget' | undefined;
    const drop = (why: 'too-large' | 'over-budget') => {
      refused = why;
      chunks.length = 0;
      budget.give(held);
      held = 0;
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (refused !== undefined) return;
      if (size > maxBytes) return drop('too-large');
      if (!budget.take(chunk.length)) return drop('over-budget');
      held += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => resolve(refused === undefined ? { body: Buffer.concat(chunks), held } : { refused, held: 0 }));
    req.on('error', (error) => {
      budget.give(held);
      reject(error);
    });
  });
}

function refusal(response: EdgeResponse): Exchange {
  return {
    response,
    resultType: 'Error',
    detailedResultType: 'Error',
    behavior: undefined,
    range: undefined,
    cacheKey: undefined,
  };
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
  const note = options.note === undefined ? undefined : redactingNote(options.note, redaction);
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const budget = new BodyBudget(options.requestBodyBudgetBytes ?? REQUEST_BODY_BUDGET_BYTES);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Timed from the first byte of the request: the body's upload is part of time-taken, as at CloudFront.
    const timing = { startMs: options.clock(), started: process.hrtime.bigint() };
    const read = await readBody(req, maxBody, budget);
    try {
      await answer(req, res, read, timing);
    } finally {
      // The body lives in the request until the answer is written: only then are its bytes free again.
      budget.give(read.held);
    }
  }

  async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    read: BodyRead,
    timing: { startMs: number; started: bigint },
  ): Promise<void> {
    const startMs = timing.startMs;
    const elapsedMs = () => Number(process.hrtime.bigint() - timing.started) / 1e6;
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const headers = headerList(req.rawHeaders);
    const id = requestId();
    const viewer: EdgeRequest = {
      method: req.method ?? 'GET',
      uri: q === -1 ? target : target.slice(0, q),
      querystring: q === -1 ? '' : target.slice(q + 1),
      headers,
      body: 'body' in read ? read.body : Buffer.alloc(0),
      clientIp: viewerIp(req.socket.remoteAddress),
      clientPort: req.socket.remotePort ?? 0,
      requestId: id,
    };
    let exchange: Exchange;
    if ('refused' in read && read.refused === 'too-large') {
      exchange = refusal(xmlError(413, 'RequestEntityTooLarge', 'Request body too large.'));
    } else if ('refused' in read) {
      exchange = refusal(
        xmlError(503, 'ServiceUnavailable', 'The local distribution holds too many request bodies; try again.'),
      );
    } else if (!viewer.uri.startsWith('/')) {
      exchange = refusal(xmlError(400, 'BadRequest', 'Bad request.'));
    } else {
      try {
        exchange = await options.distribution.handle(viewer);
      } catch (error) {
        note?.(`internal error on ${viewer.method} ${viewer.uri}: ${(error as Error).stack ?? String(error)}`);
        exchange = refusal(xmlError(502, 'InternalError', 'The local distribution failed.'));
      }
    }
    const response = exchange.response;
    const out: HeaderList = [...response.headers, ['x-amz-cf-id', id]];
    const echo = setCookieEcho(response.headers);
    if (echo !== undefined) out.push(echo);
    const bodiless = viewer.method === 'HEAD' || response.status === 204 || response.status === 304;
    if (header(out, 'content-length') === undefined && !bodiless)
      out.push(['content-length', String(response.body.length)]);
    const firstByteMs = startMs + elapsedMs();
    res.writeHead(response.status, out.flat());
    res.end(bodiless ? undefined : response.body);
    // Nothing is formatted that is not written (--quiet-log).
    if (log === false) return;
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

  // Above CloudFront's own 20,480-byte limit (Node's default is 16 KB), so that the distribution answers 413 as CloudFront.
  return createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      note?.(`request failed: ${(error as Error)?.stack ?? String(error)}`);
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
