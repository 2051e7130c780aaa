/** What CloudFront sends to an origin and gets back; every origin kind implements this one interface. */
import { xmlError, type EdgeRequest, type EdgeResponse } from './http-message';

export interface Origin {
  /** For logs and error messages. */
  readonly description: string;
  /** `signal` aborts when the origin response timeout passes: an origin that can, stops its work then. */
  fetch(request: EdgeRequest, signal?: AbortSignal): Promise<EdgeResponse>;
}

/** An origin made of a function: tests, and the development identity provider. */
export function functionOrigin(description: string, handle: (request: EdgeRequest) => Promise<EdgeResponse>): Origin {
  return { description, fetch: handle };
}

/**
 * CloudFront's origin response timeout: 30 s unless the origin sets another (1–120 s), for S3 and custom
 * origins alike (docs/platform.md#custom-error-responses-and-limits).
 */
export const ORIGIN_RESPONSE_TIMEOUT_MS = 30_000;

/** CloudFront's answer when the origin does not respond in time. */
export function originTimeoutResponse(): EdgeResponse {
  return xmlError(504, 'OriginTimeout', 'The origin did not respond within the origin response timeout.');
}

/**
 * `origin` with CloudFront's origin response timeout: past `timeoutMs` the viewer gets a 504 and the origin's
 * signal aborts (the S3 client drops its connection). The timer never keeps the process alive.
 */
export function withOriginTimeout(origin: Origin, timeoutMs: number = ORIGIN_RESPONSE_TIMEOUT_MS): Origin {
  return {
    description: origin.description,
    fetch(request, signal) {
      const controller = new AbortController();
      const abort = () => controller.abort(signal?.reason);
      signal?.addEventListener('abort', abort, { once: true });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<EdgeResponse>((resolve) => {
        timer = setTimeout(() => {
          controller.abort(new Error(`origin response timeout (${timeoutMs} ms)`));
          resolve(originTimeoutResponse());
        }, timeoutMs);
        timer.unref();
      });
      const answered = origin.fetch(request, controller.signal);
      // A late failure of an origin already answered for must not surface as an unhandled rejection.
      answered.catch(() => {});
      return Promise.race([answered, timedOut]).finally(() => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
      });
    },
  };
}
