/**
 * A local folder laid out as the bucket: the request uri is the object key, the way an S3 origin reads it
 * (`/tenants/acme/files/a.png` → key `tenants/acme/files/a.png`, percent-decoded). Answers as S3 does: the
 * object with `ETag` (the MD5 of the bytes, quoted, as S3 gives for a single-part upload), `Last-Modified`
 * and a content type by extension; a missing key is `NoSuchKey` 404 (S3 with `s3:ListBucket` granted) or,
 * with `missingKeyStatus: 403`, `AccessDenied` (the usual origin access control policy without it).
 *
 * S3 keys are literal strings: `a/../b` is a key of its own, never `b`. A folder cannot hold such a key, so
 * any key with an empty, `.` or `..` segment simply does not exist here — the same answer S3 would give,
 * and no way out of the folder. Nor has S3 links: a symbolic link anywhere on the way from the root to the
 * file (to outside the folder, or from one tenant's folder into another's) is not an object, so the file's
 * real path must be exactly the key under the root's real path, or the key is missing.
 */
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { contentTypeFor } from './content-type';
import { response, xmlError, type EdgeRequest, type EdgeResponse } from './http-message';
import type { Origin } from './origin';

export interface FolderOriginOptions {
  root: string;
  missingKeyStatus?: 403 | 404;
  /** `Cache-Control` stored on every object (S3 object metadata); none by default, as S3. */
  cacheControl?: string;
}

export function objectKey(uri: string): string | undefined {
  if (!uri.startsWith('/')) return undefined;
  let key: string;
  try {
    key = decodeURIComponent(uri.slice(1));
  } catch {
    return undefined;
  }
  if (key === '' || key.includes('\0') || key.includes('\\')) return undefined;
  if (key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) return undefined;
  return key;
}

export function folderOrigin(options: FolderOriginOptions): Origin {
  const root = resolve(options.root);
  // The root itself may be reached through a link (a checkout under a symlinked home): judged from its real path.
  let realRoot: Promise<string> | undefined;
  const rootPath = () => (realRoot ??= realpath(root).catch(() => root));
  const missing = (): EdgeResponse =>
    options.missingKeyStatus === 403
      ? xmlError(403, 'AccessDenied', 'Access Denied')
      : xmlError(404, 'NoSuchKey', 'The specified key does not exist.');

  return {
    description: `folder ${root}`,
    async fetch(request: EdgeRequest): Promise<EdgeResponse> {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return xmlError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
      }
      const key = objectKey(request.uri);
      if (key === undefined) return missing();
      const base = await rootPath();
      const file = resolve(base, ...key.split('/'));
      // Belt and braces: the key check above already keeps every path inside the folder.
      if (!file.startsWith(base + sep)) return missing();
      let body: Buffer;
      let modified: Date;
      try {
        // No link on the way: the real path is the path (see the file comment).
        if ((await realpath(file)) !== file) return missing();
        const info = await stat(file);
        if (!info.isFile()) return missing();
        modified = info.mtime;
        body = await readFile(file);
      } catch {
        return missing();
      }
      const headers: [string, string][] = [
        ['content-type', contentTypeFor(key)],
        ['etag', `"${createHash('md5').update(body).digest('hex')}"`],
        ['last-modified', modified.toUTCString()],
        ['accept-ranges', 'bytes'],
      ];
      if (options.cacheControl !== undefined) headers.push(['cache-control', options.cacheControl]);
      // The body even for HEAD: the edge drops it for the viewer and reports its length (object-response.ts).
      return response(200, headers, body);
    },
  };
}
