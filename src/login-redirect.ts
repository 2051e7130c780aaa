/** The 302 to the login page, for a top-level HTML navigation that has no valid credential. */
import type { GateRequest } from './decision';

/** Fetch Metadata when the browser sends it, else an Accept that asks for HTML. */
export function isNavigation(request: GateRequest): boolean {
  if (request.method !== 'GET') return false;
  const mode = request.header('sec-fetch-mode');
  if (mode !== undefined) return mode === 'navigate' && request.header('sec-fetch-dest') === 'document';
  const accept = request.header('accept');
  return accept !== undefined && accept.indexOf('text/html') !== -1;
}

/** The return path is the viewer path only (checked or not, it is encoded): never a host, so never an open redirect. */
export function loginLocation(loginUrl: string, request: GateRequest): string {
  return loginUrl + '?return_to=' + encodeURIComponent(request.uri);
}
