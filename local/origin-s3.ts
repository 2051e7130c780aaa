/**
 * An S3-compatible endpoint (MinIO, s3rver, LocalStack, or a real bucket) as the origin, through
 * `@aws-sdk/client-s3`: the uri is the object key, as CloudFront's S3 origin reads it. Path-style addressing
 * and `requestChecksumCalculation: 'WHEN_REQUIRED'` are what S3 stand-ins need (docs/platform.md#tooling).
 */
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { contentTypeFor } from './content-type';
import { response, xmlError, type EdgeRequest, type EdgeResponse, type HeaderList } from './http-message';
import type { Origin } from './origin';
import { objectKey } from './origin-folder';

export interface S3OriginOptions {
  bucket: string;
  /** e.g. `http://127.0.0.1:9000`; omitted: the real S3 of `region`. */
  endpoint?: string;
  region?: string;
  /** Defaults to true with an endpoint (stand-ins rarely serve virtual-hosted buckets). */
  forcePathStyle?: boolean;
  /** A client of your own (credentials, retries); the options above are then ignored. */
  client?: Pick<S3Client, 'send'>;
}

function makeClient(options: S3OriginOptions): Pick<S3Client, 'send'> {
  const local = options.endpoint !== undefined;
  return new S3Client({
    region: options.region ?? 'us-east-1',
    ...(local ? { endpoint: options.endpoint, forcePathStyle: options.forcePathStyle ?? true } : {}),
    // A stand-in accepts any key; the real credential chain is used only when talking to AWS itself.
    ...(local && process.env.AWS_ACCESS_KEY_ID === undefined
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function s3Origin(options: S3OriginOptions): Origin {
  const client = options.client ?? makeClient(options);
  return {
    description: `s3://${options.bucket}${options.endpoint === undefined ? '' : ` at ${options.endpoint}`}`,
    async fetch(request: EdgeRequest, signal?: AbortSignal): Promise<EdgeResponse> {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return xmlError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      }
      const key = objectKey(request.uri);
      if (key === undefined) return xmlError(404, 'NoSuchKey', 'The specified key does not exist.');
      try {
        // The signal drops the connection when the origin response timeout passes (local/origin.ts).
        const object = await client.send(
          new GetObjectCommand({ Bucket: options.bucket, Key: key }),
          signal === undefined ? {} : { abortSignal: signal },
        );
        const body =
          object.Body === undefined ? Buffer.alloc(0) : Buffer.from(await object.Body.transformToByteArray());
        const headers: HeaderList = [['content-type', object.ContentType ?? contentTypeFor(key)]];
        if (object.ETag !== undefined) headers.push(['etag', object.ETag]);
        if (object.LastModified !== undefined) headers.push(['last-modified', object.LastModified.toUTCString()]);
        if (object.CacheControl !== undefined) headers.push(['cache-control', object.CacheControl]);
        if (object.ContentEncoding !== undefined) headers.push(['content-encoding', object.ContentEncoding]);
        return response(200, headers, body);
      } catch (error) {
        if (
          error instanceof S3ServiceException ||
          (typeof error === 'object' && error !== null && '$metadata' in error)
        ) {
          const failure = error as S3ServiceException;
          const status = failure.$metadata?.httpStatusCode ?? 502;
          return xmlError(status, failure.name, status === 404 ? 'The specified key does not exist.' : failure.message);
        }
        // Unreachable endpoint: CloudFront's answer when it cannot connect to the origin.
        return xmlError(
          502,
          'OriginUnreachable',
          `cannot reach ${options.endpoint ?? 'S3'}: ${(error as Error).message}`,
        );
      }
    },
  };
}
