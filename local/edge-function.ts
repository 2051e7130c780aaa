/**
 * A function on a behavior's request event, whatever runs it: either the request goes on (possibly
 * rewritten), or the function answered, or CloudFront refused what the function did.
 */
import type { EdgeRequest, EdgeResponse } from './http-message';

export type EventType = 'viewer-request' | 'origin-request';

export type EdgeFunctionOutcome =
  | { kind: 'forward'; request: EdgeRequest }
  /** The function generated the response (never cached by CloudFront). */
  | { kind: 'respond'; response: EdgeResponse }
  /** The function threw, timed out or returned what CloudFront rejects: CloudFront's own 502 / 503. */
  | { kind: 'error'; response: EdgeResponse; detail: string };

export interface EdgeFunction {
  readonly kind: 'lambda-edge' | 'cloudfront-function';
  run(request: EdgeRequest, eventType: EventType): Promise<EdgeFunctionOutcome>;
}
