/** What CloudFront sends to an origin and gets back; every origin kind implements this one interface. */
import type { EdgeRequest, EdgeResponse } from './http-message';

export interface Origin {
  /** For logs and error messages. */
  readonly description: string;
  fetch(request: EdgeRequest): Promise<EdgeResponse>;
}

/** An origin made of a function: tests, and the development identity provider. */
export function functionOrigin(description: string, handle: (request: EdgeRequest) => Promise<EdgeResponse>): Origin {
  return { description, fetch: handle };
}
