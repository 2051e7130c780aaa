/**
 * Origin access control on a Lambda function URL origin, and the function URL's `AWS_IAM` check, as one local
 * pair (docs/platform.md#origin-access-control-and-function-urls):
 *
 * - CloudFront signs each origin request with SigV4 under the OAC's `SigningBehavior`: `always` signs and
 *   **replaces a viewer `Authorization`**; `no-override` leaves a viewer `Authorization` as it is (unsigned) and
 *   signs the others; `never` signs nothing. The payload hash it signs is the viewer's `x-amz-content-sha256`;
 *   CloudFront does not hash bodies itself, so a POST/PUT without that header goes out with an unsigned payload.
 * - The function URL (`AuthType: AWS_IAM`) refuses, with 403, a request that is not signed by CloudFront, an
 *   unsigned payload, or a payload whose SHA-256 is not the signed `x-amz-content-sha256` (Lambda does not accept
 *   unsigned payloads).
 *
 * So a client that sends the identity token in `Authorization` is refused (or its token dropped) exactly as in
 * production. The signature here is an HMAC under a key made per emulator, standing in for SigV4 with the
 * distribution's service principal: what matters locally is who signed and what the signature covers.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { header, response, withHeader, type EdgeRequest, type EdgeResponse } from './http-message';

export type SigningBehavior = 'always' | 'never' | 'no-override';

export interface OriginAccessControl {
  id: string;
  signingBehavior: SigningBehavior;
}

export const EMPTY_PAYLOAD_SHA256 = createHash('sha256').update('').digest('hex');
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const ALGORITHM = 'AWS4-HMAC-SHA256';
const CREDENTIAL_SCOPE = 'us-east-1/lambda/aws4_request';

/** The methods whose payload hash only the viewer can give (DG: "PUT or POST … must compute the SHA256 of the body"). */
const VIEWER_HASHED = new Set(['POST', 'PUT']);

export interface LocalIam {
  /** `request` as CloudFront sends it under `oac`, at `nowMs`. */
  sign(request: EdgeRequest, oac: OriginAccessControl, nowMs: number): EdgeRequest;
  /** The function URL's AWS_IAM answer: undefined to invoke the function, else why it refuses. */
  refusal(request: EdgeRequest): string | undefined;
}

function amzDate(nowMs: number): string {
  return new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function stringToSign(request: EdgeRequest, payloadHash: string, date: string): string {
  return [ALGORITHM, date, request.method, request.uri, request.querystring, payloadHash].join('\n');
}

export function createLocalIam(secret: Buffer = randomBytes(32)): LocalIam {
  const signature = (text: string) => createHmac('sha256', secret).update(text).digest('hex');
  return {
    sign(request, oac, nowMs) {
      if (oac.signingBehavior === 'never') return request;
      if (oac.signingBehavior === 'no-override' && header(request.headers, 'authorization') !== undefined)
        return request;
      const viewerHash = header(request.headers, 'x-amz-content-sha256');
      const payloadHash = viewerHash ?? (VIEWER_HASHED.has(request.method) ? UNSIGNED_PAYLOAD : EMPTY_PAYLOAD_SHA256);
      const date = amzDate(nowMs);
      let headers = withHeader(request.headers, 'x-amz-date', date);
      headers = withHeader(headers, 'x-amz-content-sha256', payloadHash);
      headers = withHeader(
        headers,
        'authorization',
        `${ALGORITHM} Credential=LOCALCLOUDFRONT/${date.slice(0, 8)}/${CREDENTIAL_SCOPE}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${signature(stringToSign(request, payloadHash, date))}`,
      );
      return { ...request, headers };
    },
    refusal(request) {
      const authorization = header(request.headers, 'authorization');
      if (authorization === undefined) return 'the request is not signed (no origin access control signs it)';
      const given = /^AWS4-HMAC-SHA256 Credential=\S+, SignedHeaders=\S+, Signature=([0-9a-f]{64})$/.exec(
        authorization,
      );
      if (given === null) return 'Authorization is not a SigV4 signature (a viewer Authorization reached the origin)';
      const payloadHash = header(request.headers, 'x-amz-content-sha256') ?? '';
      const date = header(request.headers, 'x-amz-date') ?? '';
      const expected = Buffer.from(signature(stringToSign(request, payloadHash, date)));
      if (!timingSafeEqual(expected, Buffer.from(given[1]!))) return 'the signature does not match the request';
      if (payloadHash === UNSIGNED_PAYLOAD)
        return `${request.method} without x-amz-content-sha256: Lambda does not accept unsigned payloads`;
      if (createHash('sha256').update(request.body).digest('hex') !== payloadHash.toLowerCase())
        return 'x-amz-content-sha256 is not the SHA-256 of the body';
      return undefined;
    },
  };
}

/** The function URL's refusal of an unauthenticated request (Lambda's 403; the exact body is unconfirmed). */
export function functionUrlForbidden(): EdgeResponse {
  return response(403, [['content-type', 'application/json']], '{"Message":"Forbidden"}');
}
