/** The `local` section (npm start): every refusal names its field under `local.`; paths resolve against the file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/issues';
import { validateLocalSection } from '../config/local';
import { ROOT } from './helpers/keys';

const demo = JSON.parse(readFileSync(join(ROOT, 'demo', 'local.config.json'), 'utf8')) as {
  local: Record<string, unknown>;
};
const base = {
  origins: { bucket: { type: 'folder', path: 'bucket' } },
  behaviors: [{ pathPattern: '*', origin: 'bucket' }],
};
const behavior = (patch: Record<string, unknown>) => ({ ...base, behaviors: [{ ...base.behaviors[0], ...patch }] });

function refusal(raw: unknown): string {
  try {
    validateLocalSection(raw, '/base');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('validateLocalSection', () => {
  it('accepts the demo, resolving paths against the configuration folder and naming the method sets', () => {
    const local = validateLocalSection(demo.local, '/srv/demo');
    expect(local.origins.bucket).toEqual({ type: 'folder', path: '/srv/demo/bucket', missingKeyStatus: 404 });
    expect(local.origins.spa).toEqual({ type: 'spa', source: '/srv/demo/spa' });
    expect(local.trustedKeyGroups.demo).toEqual({
      K2TENANTGATEDEMO: join('/srv', 'test/fixtures/login-cloudfront-public-key.pem'),
    });
    expect(local.behaviors[0]!.allowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
    expect(local.behaviors[3]!).toMatchObject({
      pathPattern: '*',
      allowedMethods: ['GET', 'HEAD'],
      responseHeaders: {},
    });
    expect(local.demoUsers).toHaveLength(2);
  });

  it.each<[string, unknown, RegExp]>([
    ['no section', undefined, /^local: required, an object describing the local distribution/],
    ['not an object', 7, /^local: must be an object describing the local distribution/],
    ['a misspelt member', { ...base, behavior: [] }, /^local\.behavior: unknown field, did you mean `behaviors`\?/],
    ['no origins', { ...base, origins: {} }, /^local\.origins: required, an object of named origins/],
    [
      'an unknown origin type',
      { ...base, origins: { bucket: { type: 'ftp' } } },
      /^local\.origins\.bucket\.type: must be one of folder, s3, login, dev-idp, spa, got "ftp"/,
    ],
    [
      'a folder without its path',
      { ...base, origins: { bucket: { type: 'folder' } } },
      /^local\.origins\.bucket\.path: required/,
    ],
    [
      'a folder answering 500',
      { ...base, origins: { bucket: { type: 'folder', path: 'b', missingKeyStatus: 500 } } },
      /^local\.origins\.bucket\.missingKeyStatus: must be 403 or 404/,
    ],
    [
      'an s3 origin with an extra member',
      { ...base, origins: { bucket: { type: 's3', bucket: 'b', regoin: 'x' } } },
      /^local\.origins\.bucket\.regoin: unknown field, did you mean `region`\?/,
    ],
    ['no behaviors', { ...base, behaviors: [] }, /^local\.behaviors: required, a non-empty array/],
    [
      'a last behavior that is not the default',
      behavior({ pathPattern: '/files/*' }),
      /^local\.behaviors\[0\]\.pathPattern: the last behavior is the default one: "\*"/,
    ],
    [
      'a path pattern over 255 characters',
      { ...base, behaviors: [{ pathPattern: `/${'a'.repeat(255)}`, origin: 'bucket' }, base.behaviors[0]] },
      /^local\.behaviors\[0\]\.pathPattern: at most 255 characters/,
    ],
    [
      'a behavior naming no origin',
      behavior({ origin: 'nope' }),
      /^local\.behaviors\[0\]\.origin: names no origin \(bucket\)/,
    ],
    [
      'methods CloudFront does not offer',
      behavior({ allowedMethods: 'GET' }),
      /^local\.behaviors\[0\]\.allowedMethods: must be one of "GET,HEAD", "GET,HEAD,OPTIONS", "ALL"/,
    ],
    [
      'an unknown cache policy',
      behavior({ cachePolicy: 'Forever' }),
      /^local\.behaviors\[0\]\.cachePolicy: must be one of "CachingOptimized"/,
    ],
    [
      'an unknown key group',
      behavior({ trustedKeyGroup: 'nope' }),
      /^local\.behaviors\[0\]\.trustedKeyGroup: names no key group/,
    ],
    [
      'an unknown viewer-request function',
      behavior({ viewerRequest: 'auth' }),
      /^local\.behaviors\[0\]\.viewerRequest: must be one of "gate"/,
    ],
    [
      'a CloudFront Function at origin request',
      behavior({ originRequest: 'gate:cloudfront-function' }),
      /^local\.behaviors\[0\]\.originRequest: must be one of "gate", "gate:lambda-edge"/,
    ],
    [
      'a header value that is not a string',
      behavior({ responseHeaders: { 'cache-control': 1 } }),
      /^local\.behaviors\[0\]\.responseHeaders\.cache-control: must be a string/,
    ],
    [
      'a header name with a space',
      behavior({ responseHeaders: { 'cache control': 'x' } }),
      /^local\.behaviors\[0\]\.responseHeaders/,
    ],
    [
      'an empty key group',
      { ...base, trustedKeyGroups: { g: {} } },
      /^local\.trustedKeyGroups\.g: must map 1 to 5 key IDs/,
    ],
    [
      'a key group of six keys',
      { ...base, trustedKeyGroups: { g: Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`K${i}`, 'k.pem'])) } },
      /^local\.trustedKeyGroups\.g: must map 1 to 5 key IDs/,
    ],
    [
      'a key without its file',
      { ...base, trustedKeyGroups: { g: { K1: '' } } },
      /^local\.trustedKeyGroups\.g\.K1: must be a non-empty string/,
    ],
    [
      'a demo user without a tenant',
      { ...base, demoUsers: [{ sub: 'alice' }] },
      /^local\.demoUsers\[0\]\.tenant: required/,
    ],
    [
      'a root object with a leading slash',
      { ...base, defaultRootObject: '/index.html' },
      /^local\.defaultRootObject: must be an object name without a leading "\/"/,
    ],
  ])('refuses %s, naming the field', (_name, raw, message) => {
    expect(refusal(raw)).toMatch(message);
  });

  it('reports every problem of shape at once; references between fields are checked once the shapes are right', () => {
    const message = refusal({ ...behavior({ origin: 'nope', cachePolicy: 'Forever' }), defaultRootObject: '/x' });
    expect(message.split('\n')).toEqual([
      expect.stringMatching(/^local\.defaultRootObject: /),
      expect.stringMatching(/^local\.behaviors\[0\]\.cachePolicy: /),
    ]);
  });
});
