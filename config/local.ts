/**
 * The `local` section of a gate configuration: the emulated distribution, in CloudFront's own terms —
 * origins, trusted key groups, and behaviors by path pattern (first match wins; the last is the default
 * `*`). Checked once at start; every message names the field.
 *
 *   "local": {
 *     "defaultRootObject": "index.html",
 *     "trustedKeyGroups": { "demo": { "K2TENANTGATEDEMO": "../test/fixtures/login-cloudfront-public-key.pem" } },
 *     "origins": { "bucket": { "type": "folder", "path": "bucket" }, "login": { "type": "login" }, … },
 *     "behaviors": [ { "pathPattern": "/files/*", "origin": "bucket", "viewerRequest": "gate",
 *                      "trustedKeyGroup": "demo", "cachePolicy": "CachingOptimized" }, …, { "pathPattern": "*", … } ]
 *   }
 *
 * Origin types: `folder` (a local folder laid out as the bucket), `s3` (an S3-compatible endpoint),
 * `login` (the built login function behind a function URL), `dev-idp` (the development identity provider),
 * `spa` (a folder of HTML and TypeScript, built by esbuild at start). Relative paths are relative to the
 * configuration file. Functions: `gate` (the built gate: Lambda@Edge, or the CloudFront Function when asked
 * for), `gate:lambda-edge`, `gate:cloudfront-function`; origin-request takes Lambda@Edge only.
 */
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from './gate';
import { MANAGED_CACHE_POLICIES } from '../local/cache';
import { ALL_METHODS, GET_HEAD, GET_HEAD_OPTIONS } from '../local/distribution';

export type OriginSpec =
  | { type: 'folder'; path: string; missingKeyStatus: 403 | 404; cacheControl: string | undefined }
  | { type: 's3'; bucket: string; endpoint: string | undefined; region: string | undefined }
  | { type: 'login' }
  | { type: 'dev-idp' }
  | { type: 'spa'; source: string };

export type FunctionRef = 'gate' | 'gate:lambda-edge' | 'gate:cloudfront-function';

export interface BehaviorSpec {
  pathPattern: string;
  origin: string;
  allowedMethods: readonly string[];
  cachePolicy: string;
  trustedKeyGroup: string | undefined;
  viewerRequest: FunctionRef | undefined;
  originRequest: 'gate' | 'gate:lambda-edge' | undefined;
  responseHeaders: Record<string, string>;
}

export interface DemoUser {
  sub: string;
  tenant: string;
}

export interface LocalSection {
  defaultRootObject: string | undefined;
  /** Key group name → key ID → absolute path of the public key PEM. */
  trustedKeyGroups: Record<string, Record<string, string>>;
  origins: Record<string, OriginSpec>;
  behaviors: BehaviorSpec[];
  demoUsers: DemoUser[];
}

const METHOD_SETS: Record<string, readonly string[]> = {
  'GET,HEAD': GET_HEAD,
  'GET,HEAD,OPTIONS': GET_HEAD_OPTIONS,
  ALL: ALL_METHODS,
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function only(raw: Record<string, unknown>, at: string, allowed: string[]): void {
  for (const member of Object.keys(raw)) {
    if (!allowed.includes(member))
      throw new ConfigError(`${at}.${member}`, `unknown field (allowed: ${allowed.join(', ')})`);
  }
}

function text(raw: Record<string, unknown>, at: string, field: string, optional = false): string | undefined {
  const value = raw[field];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new ConfigError(`${at}.${field}`, 'required, a non-empty string');
  return value;
}

function path(baseDir: string, value: string): string {
  return isAbsolute(value) ? value : resolve(baseDir, value);
}

function origin(raw: unknown, at: string, baseDir: string): OriginSpec {
  if (!isObject(raw)) throw new ConfigError(at, 'must be an object with a "type"');
  switch (raw.type) {
    case 'folder': {
      only(raw, at, ['type', 'path', 'missingKeyStatus', 'cacheControl']);
      const missing = raw.missingKeyStatus ?? 404;
      if (missing !== 403 && missing !== 404) throw new ConfigError(`${at}.missingKeyStatus`, 'must be 403 or 404');
      return {
        type: 'folder',
        path: path(baseDir, text(raw, at, 'path')!),
        missingKeyStatus: missing,
        cacheControl: text(raw, at, 'cacheControl', true),
      };
    }
    case 's3':
      only(raw, at, ['type', 'bucket', 'endpoint', 'region']);
      return {
        type: 's3',
        bucket: text(raw, at, 'bucket')!,
        endpoint: text(raw, at, 'endpoint', true),
        region: text(raw, at, 'region', true),
      };
    case 'login':
      only(raw, at, ['type']);
      return { type: 'login' };
    case 'dev-idp':
      only(raw, at, ['type']);
      return { type: 'dev-idp' };
    case 'spa':
      only(raw, at, ['type', 'source']);
      return { type: 'spa', source: path(baseDir, text(raw, at, 'source')!) };
    default:
      throw new ConfigError(
        `${at}.type`,
        `must be one of folder, s3, login, dev-idp, spa, got ${JSON.stringify(raw.type)}`,
      );
  }
}

function behavior(raw: unknown, at: string, section: Pick<LocalSection, 'origins' | 'trustedKeyGroups'>): BehaviorSpec {
  if (!isObject(raw)) throw new ConfigError(at, 'must be an object');
  only(raw, at, [
    'pathPattern',
    'origin',
    'allowedMethods',
    'cachePolicy',
    'trustedKeyGroup',
    'viewerRequest',
    'originRequest',
    'responseHeaders',
  ]);
  const pathPattern = text(raw, at, 'pathPattern')!;
  if (pathPattern.length > 255) throw new ConfigError(`${at}.pathPattern`, 'at most 255 characters');
  const originName = text(raw, at, 'origin')!;
  if (section.origins[originName] === undefined)
    throw new ConfigError(`${at}.origin`, `names no origin (${Object.keys(section.origins).join(', ')})`);
  const methods = raw.allowedMethods ?? 'GET,HEAD';
  if (typeof methods !== 'string' || METHOD_SETS[methods] === undefined) {
    throw new ConfigError(
      `${at}.allowedMethods`,
      `must be one of ${Object.keys(METHOD_SETS).join(' | ')} (CloudFront's three choices)`,
    );
  }
  const cachePolicy = raw.cachePolicy ?? 'CachingOptimized';
  if (typeof cachePolicy !== 'string' || MANAGED_CACHE_POLICIES[cachePolicy] === undefined) {
    throw new ConfigError(`${at}.cachePolicy`, `must be one of ${Object.keys(MANAGED_CACHE_POLICIES).join(', ')}`);
  }
  const group = text(raw, at, 'trustedKeyGroup', true);
  if (group !== undefined && section.trustedKeyGroups[group] === undefined)
    throw new ConfigError(`${at}.trustedKeyGroup`, `names no key group`);
  const viewerRequest = raw.viewerRequest;
  if (
    viewerRequest !== undefined &&
    viewerRequest !== 'gate' &&
    viewerRequest !== 'gate:lambda-edge' &&
    viewerRequest !== 'gate:cloudfront-function'
  ) {
    throw new ConfigError(`${at}.viewerRequest`, 'must be "gate", "gate:lambda-edge" or "gate:cloudfront-function"');
  }
  const originRequest = raw.originRequest;
  if (originRequest !== undefined && originRequest !== 'gate' && originRequest !== 'gate:lambda-edge') {
    throw new ConfigError(
      `${at}.originRequest`,
      'must be "gate" or "gate:lambda-edge" (CloudFront Functions run on viewer events only)',
    );
  }
  const headers = raw.responseHeaders ?? {};
  if (
    !isObject(headers) ||
    Object.entries(headers).some(([name, value]) => !/^[A-Za-z0-9-]+$/.test(name) || typeof value !== 'string')
  ) {
    throw new ConfigError(
      `${at}.responseHeaders`,
      'must map header names to string values (a response headers policy, override origin)',
    );
  }
  return {
    pathPattern,
    origin: originName,
    responseHeaders: headers as Record<string, string>,
    allowedMethods: METHOD_SETS[methods]!,
    cachePolicy,
    trustedKeyGroup: group,
    viewerRequest,
    originRequest,
  };
}

export function validateLocalSection(raw: unknown, baseDir: string): LocalSection {
  const at = 'local';
  if (!isObject(raw)) throw new ConfigError(at, 'required for npm start: an object describing the local distribution');
  only(raw, at, ['defaultRootObject', 'trustedKeyGroups', 'origins', 'behaviors', 'demoUsers']);
  const trustedKeyGroups: Record<string, Record<string, string>> = {};
  const groups = raw.trustedKeyGroups ?? {};
  if (!isObject(groups))
    throw new ConfigError(`${at}.trustedKeyGroups`, 'must be an object: name → { key ID → public key PEM file }');
  for (const [name, keys] of Object.entries(groups)) {
    const gat = `${at}.trustedKeyGroups.${name}`;
    if (!isObject(keys) || Object.keys(keys).length === 0 || Object.keys(keys).length > 5) {
      throw new ConfigError(gat, 'must map 1 to 5 key IDs to public key PEM files (CloudFront: 5 keys per group)');
    }
    trustedKeyGroups[name] = {};
    for (const [id, file] of Object.entries(keys)) {
      if (typeof file !== 'string' || file === '') throw new ConfigError(`${gat}.${id}`, 'must be a PEM file path');
      trustedKeyGroups[name]![id] = path(baseDir, file);
    }
  }
  if (!isObject(raw.origins) || Object.keys(raw.origins).length === 0)
    throw new ConfigError(`${at}.origins`, 'required, an object of named origins');
  const origins: Record<string, OriginSpec> = {};
  for (const [name, spec] of Object.entries(raw.origins))
    origins[name] = origin(spec, `${at}.origins.${name}`, baseDir);
  if (!Array.isArray(raw.behaviors) || raw.behaviors.length === 0)
    throw new ConfigError(`${at}.behaviors`, 'required, a non-empty array');
  const behaviors = raw.behaviors.map((b, i) => behavior(b, `${at}.behaviors[${i}]`, { origins, trustedKeyGroups }));
  if (behaviors[behaviors.length - 1]!.pathPattern !== '*') {
    throw new ConfigError(
      `${at}.behaviors[${behaviors.length - 1}].pathPattern`,
      'the last behavior is the default one: "*"',
    );
  }
  const users = raw.demoUsers ?? [];
  if (!Array.isArray(users)) throw new ConfigError(`${at}.demoUsers`, 'must be an array of { sub, tenant }');
  const demoUsers = users.map((u, i) => {
    if (!isObject(u) || typeof u.sub !== 'string' || typeof u.tenant !== 'string')
      throw new ConfigError(`${at}.demoUsers[${i}]`, 'must be { "sub": string, "tenant": string }');
    return { sub: u.sub, tenant: u.tenant };
  });
  const root = raw.defaultRootObject;
  if (root !== undefined && (typeof root !== 'string' || root === '' || root.startsWith('/'))) {
    throw new ConfigError(`${at}.defaultRootObject`, 'must be an object name without a leading "/", e.g. "index.html"');
  }
  return { defaultRootObject: root, trustedKeyGroups, origins, behaviors, demoUsers };
}
