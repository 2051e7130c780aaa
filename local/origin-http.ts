/**
 * Any HTTP endpoint as a custom origin (`--origins id=http://127.0.0.1:9000`): a development server, a local API.
 * The request goes as CloudFront forwards it (origin-request-policy.ts decides the headers, `Host` included); the
 * answer comes back whole. A connection failure is CloudFront's 502; the read timeout is the distribution's
 * (the origin's `OriginReadTimeout`).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { response, xmlError, type HeaderList } from './http-message';
import type { Origin } from './origin';

/** Headers Node writes itself or that must not be passed on as they are. */
const NOT_SENT = /^(?:content-length|transfer-encoding|connection|keep-alive)$/i;

export function httpOrigin(baseUrl: string): Origin {
  const base = new URL(baseUrl);
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  return {
    description: `HTTP endpoint ${base.origin}`,
    fetch(request) {
      return new Promise((resolve) => {
        const headers: [string, string][] = request.headers.filter(([n]) => !NOT_SENT.test(n));
        const outgoing = send(
          {
            protocol: base.protocol,
            hostname: base.hostname,
            port: base.port,
            method: request.method,
            path: `${request.uri}${request.querystring === '' ? '' : `?${request.querystring}`}`,
            headers: [...headers.flat(), 'content-length', String(request.body.length)],
            setHost: false,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const list: HeaderList = [];
              for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
                if (!NOT_SENT.test(res.rawHeaders[i]!)) list.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
              resolve(response(res.statusCode ?? 502, list, Buffer.concat(chunks)));
            });
            res.on('error', () => resolve(xmlError(502, 'OriginError', 'The origin connection failed.')));
          },
        );
        outgoing.on('error', () =>
          resolve(xmlError(502, 'OriginConnectError', 'CloudFront could not connect to the origin.')),
        );
        outgoing.end(request.body);
      });
    },
  };
}
