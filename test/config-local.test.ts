/** The `local` section (npm start): every refusal names its field under `local.`; paths resolve against the file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/issues';
import { parseOriginsMap, validateLocalSection } from '../config/local';
import { ROOT } from './helpers/keys';

const demo = JSON.parse(readFileSync(join(ROOT, 'demo', 'local.config.json'), 'utf8')) as {
  local: Record<string, unknown>;
};
const base = {
  distributionConfig: 'distribution.json',
  origins: { bucket: { type: 'folder', path: 'bucket' } },
};

function refusal(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('validateLocalSection', () => {
  it('accepts the demo, resolving paths against the configuration folder', () => {
    const local = validateLocalSection(demo.local, '/srv/demo');
    expect(local.distributionConfig).toBe('/srv/demo/distribution.base.json');
    expect(local.origins.bucket).toEqual({ type: 'folder', path: '/srv/demo/bucket', missingKeyStatus: 404 });
    expect(local.origins.spa).toEqual({ type: 'spa', source: '/srv/demo/spa' });
    expect(local.keyGroup).toEqual({ K2TENANTGATEDEMO: join('/srv', 'test/fixtures/login-cloudfront-public-key.pem') });
    expect(local.trustedKeyGroups).toEqual({});
    expect(local.demoUsers).toHaveLength(2);
  });

  it.each<[string, unknown, RegExp]>([
    ['no section', undefined, /^local: required, an object describing the local distribution/],
    ['not an object', 7, /^local: must be an object describing the local distribution/],
    ['no distribution config', { origins: {} }, /^local\.distributionConfig: required/],
    ['a misspelt member', { ...base, origin: {} }, /^local\.origin: unknown field, did you mean `origins`\?/],
    [
      'an unknown origin type',
      { ...base, origins: { bucket: { type: 'ftp' } } },
      /^local\.origins\.bucket\.type: must be one of folder, s3, http, login, dev-idp, spa, got "ftp"/,
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
    [
      'an http origin with a path',
      { ...base, origins: { api: { type: 'http', url: 'http://127.0.0.1:9000/api' } } },
      /^local\.origins\.api\.url: must be an http\(s\) URL without a path/,
    ],
    ['an empty key group', { ...base, keyGroup: {} }, /^local\.keyGroup: must map 1 to 5 key IDs/],
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
  ])('refuses %s, naming the field', (_name, raw, message) => {
    expect(refusal(() => validateLocalSection(raw, '/base'))).toMatch(message);
  });

  it('reports every problem at once', () => {
    const message = refusal(() => validateLocalSection({ origins: { a: { type: 'ftp' } }, keyGroup: {} }, '/base'));
    expect(message.split('\n')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^local\.distributionConfig: /),
        expect.stringMatching(/^local\.origins\.a\.type: /),
        expect.stringMatching(/^local\.keyGroup: /),
      ]),
    );
  });
});

describe('--origins MAP', () => {
  it('maps folders (relative to the working directory) and endpoints', () => {
    expect(parseOriginsMap('files=./bucket, api=https://api.example:8443/', '/work')).toEqual({
      files: { type: 'folder', path: '/work/bucket', missingKeyStatus: 404 },
      api: { type: 'http', url: 'https://api.example:8443' },
    });
  });

  it.each<[string, RegExp]>([
    ['bucket', /^--origins: "bucket" is not originId=\.\/folder/],
    ['=./x', /^--origins: "=\.\/x" is not originId/],
    ['api=http://h:1/x', /^--origins api\.url: must be an http\(s\) URL without a path/],
  ])('refuses %s', (map, message) => {
    expect(refusal(() => parseOriginsMap(map, '/work'))).toMatch(message);
  });
});
