import { generateKeyPairSync } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULTS, validateConfig } from '../config/gate';
import { loadConfig } from '../build/artifacts';
import { ROOT } from './helpers/keys';

const example = JSON.parse(readFileSync(join(ROOT, 'gatekeeper.config.json'), 'utf8')) as Record<string, unknown>;
const hs = (example.keys as Record<string, unknown>[])[0]!;
const es = (example.keys as Record<string, unknown>[])[2]!;
const rsa1024 = (() => {
  return generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
})();

function errorOf(patch: Record<string, unknown>): ConfigError | undefined {
  try {
    validateConfig({ ...example, ...patch });
    return undefined;
  } catch (error) {
    return error as ConfigError;
  }
}

describe('validateConfig', () => {
  it('accepts the example and fills the defaults', () => {
    const config = validateConfig(example);
    expect(config).toMatchObject({
      cookieName: DEFAULTS.cookieName,
      tenantClaim: 'tid',
      tenantPattern: DEFAULTS.tenantPattern,
      originPrefix: '/tenants/{tenant}',
      pathPrefix: '/files/',
      clockToleranceSeconds: 30,
      cloudfrontFunction: { keySource: 'inline', tenantKillSwitch: false },
    });
  });

  it.each([
    [{ domain: undefined }, 'domain', 'required'],
    [{ domain: 'CDN.example.com' }, 'domain', 'lower-case host'],
    [{ domain: 'https://cdn.example.com' }, 'domain', 'host name'],
    [{ issuer: '' }, 'issuer', 'non-empty'],
    [{ audience: 5 }, 'audience', 'string'],
    [{ cookieName: 'a b' }, 'cookieName', 'RFC 6265'],
    [{ tenantPattern: '[a-z]+' }, 'tenantPattern', 'anchored'],
    [{ tenantPattern: '^(' + '$' }, 'tenantPattern', 'not a valid regular expression'],
    [{ tenantPattern: '^.+$' }, 'tenantPattern', 'admits "."'],
    [{ tenantPattern: '^[a-z/]+$' }, 'tenantPattern', 'admits "a/b"'],
    [{ originPrefix: 'tenants/{tenant}' }, 'originPrefix', 'start with "/"'],
    [{ originPrefix: '/tenants/' }, 'originPrefix', '{tenant}'],
    [{ originPrefix: '/tenants/{tenant}/' }, 'originPrefix', 'trailing'],
    [{ originPrefix: '/t-{tenant}' }, 'originPrefix', 'whole segment'],
    [{ originPrefix: '/../{tenant}' }, 'originPrefix', 'dot'],
    [{ pathPrefix: '/files' }, 'pathPrefix', 'end with "/"'],
    [{ maxTokenLifetimeSeconds: undefined }, 'maxTokenLifetimeSeconds', 'required'],
    [{ maxTokenLifetimeSeconds: 0 }, 'maxTokenLifetimeSeconds', 'integer from 1'],
    [{ maxTokenLifetimeSeconds: 1.5 }, 'maxTokenLifetimeSeconds', 'integer'],
    [{ clockToleranceSeconds: -1 }, 'clockToleranceSeconds', 'integer from 0'],
    [{ linkTokenParam: 'Signature' }, 'linkTokenParam', "CloudFront's signed-URL"],
    [{ corsOrigins: ['*'] }, 'corsOrigins[0]', 'origin'],
    [{ corsOrigins: 'https://a.example' }, 'corsOrigins', 'array'],
    [{ loginUrl: 'http://login.example.com/' }, 'loginUrl', 'https'],
    [{ loginUrl: '/login?next=x' }, 'loginUrl', 'without query'],
    [{ lambdaEdge: { revocation: true }, login: undefined }, 'lambdaEdge.revocation', 'needs the login section'],
    [
      { lambdaEdge: { revocation: true, revocationCacheSeconds: 120, revocationMaxStaleSeconds: 60 } },
      'lambdaEdge.revocationMaxStaleSeconds',
      'at least revocationCacheSeconds',
    ],
    [{ lambdaEdge: { revocationCacheSeconds: 0 } }, 'lambdaEdge.revocationCacheSeconds', 'integer from 1'],
    [
      { lambdaEdge: { revocationUrl: 'http://login.example.com/auth/revocation' } },
      'lambdaEdge.revocationUrl',
      'https',
    ],
    [
      { lambdaEdge: { revocationUrl: 'https://cdn.example.com/auth?x=1' } },
      'lambdaEdge.revocationUrl',
      'without query',
    ],
    [{ cloudfrontFunction: { revocation: 'yes' } }, 'cloudfrontFunction.revocation', 'true or false'],
    [{ keys: [] }, 'keys', 'non-empty'],
    [{ keys: [{ ...hs, secret: 'c2hvcnQ' }] }, 'keys[0].secret', 'at least 32 bytes'],
    [{ keys: [{ ...hs, secret: 'abc=' }] }, 'keys[0].secret', 'base64url'],
    [{ keys: [{ ...hs, alg: 'HS512' }] }, 'keys[0].alg', 'one of'],
    [{ keys: [{ ...hs, alg: 'none' }] }, 'keys[0].alg', 'one of'],
    [{ keys: [hs, hs] }, 'keys[1].kid', 'duplicate'],
    [{ keys: [{ ...hs, kid: '' }] }, 'keys[0].kid', 'required'],
    [{ keys: [{ ...hs, extra: 1 }] }, 'keys[0].extra', 'unknown'],
    [{ keys: [{ ...es, alg: 'RS256' }] }, 'keys[0].publicKeyJwk', 'RSA key of at least 2048'],
    [{ keys: [{ kid: 'r', alg: 'RS256', publicKeyJwk: rsa1024 }] }, 'keys[0].publicKeyJwk', 'at least 2048'],
    [
      { keys: [{ ...es, publicKeyJwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } }] },
      'keys[0].publicKeyJwk',
      'not a valid public JWK',
    ],
    [
      { keys: [{ ...es, publicKeyJwk: { ...(es.publicKeyJwk as object), d: 'secret' } }] },
      'keys[0].publicKeyJwk',
      'private',
    ],
    [{ keys: [{ ...es, secret: hs.secret }] }, 'keys[0].secret', 'unknown field'],
    [{ cloudfrontFunction: { keySource: 'dynamo' } }, 'cloudfrontFunction.keySource', 'inline'],
    [{ cloudfrontFunction: { killSwitch: true } }, 'cloudfrontFunction.killSwitch', 'unknown'],
    [{ cookiename: 'x' }, 'cookiename', 'unknown field, did you mean `cookieName`?'],
    [{ cloudfrontFunction: { killSwitch: true } }, 'cloudfrontFunction.killSwitch', 'did you mean `tenantKillSwitch`?'],
    [{ domian: 'x' }, 'domian', 'did you mean `domain`?'],
    [{ colour: 'x' }, 'colour', 'unknown field (allowed: $schema, domain'],
    [{ pathPrefix: 'files' }, 'pathPrefix', 'start and end with "/"'],
    [{ pathPrefix: '/a/../b/' }, 'pathPrefix', 'plain segments'],
    [{ linkTokenParam: 'a b' }, 'linkTokenParam', '[A-Za-z0-9_-]'],
    [{ maxTokenLength: 100 }, 'maxTokenLength', 'integer from 256 to 8192, got 100'],
    [{ loginUrl: 5 }, 'loginUrl', 'https URL or an absolute path'],
    [{ keys: [{ ...hs, kid: 'a b' }] }, 'keys[0].kid', 'printable ASCII'],
    [
      { keys: [hs, { ...hs, secret: (example.keys as Record<string, unknown>[])[1]!.secret }] },
      'keys[1].kid',
      'duplicate kid "hs-2026-11"',
    ],
    [{ keys: [{ kid: 'e', alg: 'EdDSA', publicKeyJwk: es.publicKeyJwk }] }, 'keys[0].publicKeyJwk', 'Ed25519'],
    [{ keys: [{ kid: 'e', alg: 'ES256' }] }, 'keys[0].publicKeyJwk', 'required'],
    [{ keys: [{ ...hs, secret: undefined }] }, 'keys[0].secret', 'required'],
    [{ cloudfrontFunction: { tenantKillSwitch: 'yes' } }, 'cloudfrontFunction.tenantKillSwitch', 'true or false'],
    [{ tenantPattern: '^\\a$' }, 'tenantPattern', 'not a valid regular expression'],
  ])('%j → names %s', (patch, field, message) => {
    const error = errorOf(patch);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.field).toBe(field);
    expect(error!.message).toContain(message);
    expect(error!.message.startsWith(`${field}: `)).toBe(true);
  });

  it('reports every problem at once, each naming its field, in the order of the file', () => {
    const error = errorOf({ domain: 'cdn', cookieName: 'a b', pathPrefix: 'files', keys: [hs, hs], colour: 1 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.code).toBe('ERR_CONFIG_INVALID');
    expect(error!.issues.map((issue) => issue.path)).toEqual([
      'domain',
      'keys[1].kid',
      'cookieName',
      'pathPrefix',
      'colour',
    ]);
    expect(error!.message.split('\n')).toHaveLength(5);
  });

  it('refuses a configuration that is not an object', () => {
    for (const raw of [null, [], 'x', 7]) {
      expect(() => validateConfig(raw)).toThrow(/^\(root\): must be an object/);
    }
  });

  it('a validated configuration validates to itself, without $schema or local', () => {
    const config = validateConfig({
      ...example,
      local: { distributionConfig: 'distribution.json', origins: { a: { type: 'login' } } },
    });
    expect(config).not.toHaveProperty('$schema');
    expect(config).not.toHaveProperty('local');
    expect(validateConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenant-gate-load-'));
  it.each([
    ['a missing file', undefined, 'ERR_CONFIG_UNREADABLE', /^cannot read the configuration /],
    ['a file that is not JSON', '{ "domain": ', 'ERR_CONFIG_NOT_JSON', /is not valid JSON/],
    [
      'an invalid configuration',
      '{}',
      'ERR_CONFIG_INVALID',
      /^invalid configuration .* \(5 problems\):\n {2}domain: required, a lower-case host name\n {2}issuer: required/,
    ],
  ])('refuses %s with a stable code', (name, text, code, message) => {
    const file = join(dir, `${name.replace(/ /g, '-')}.json`);
    if (text !== undefined) writeFileSync(file, text);
    expect(() => loadConfig(file)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });
});

describe('npm run build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenant-gate-build-'));

  it('refuses an invalid configuration, naming the field, and writes nothing', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ ...example, domain: 'cdn', keys: [{ ...hs, secret: 'c2hvcnQ' }], cookiename: 'x' }),
    );
    const run = spawnSync('npx', ['tsx', 'build.mjs', '--config', file, '--outdir', join(dir, 'out')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`invalid configuration ${file} (3 problems):`);
    expect(run.stderr).toContain('domain: must be a lower-case host name, got "cdn"');
    expect(run.stderr).toContain('keys[0].secret: must decode to at least 32 bytes, got 5');
    expect(run.stderr).toContain('cookiename: unknown field, did you mean `cookieName`?');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('refuses a file that is not JSON', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "domain": ');
    const run = spawnSync('npx', ['tsx', 'build.mjs', '--config', file, '--outdir', join(dir, 'out')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('is not valid JSON');
  });

  it('writes a CommonJS handler and prints its size', () => {
    const out = execFileSync('npx', ['tsx', 'build.mjs', '--outdir', join(dir, 'good')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(out).toMatch(/viewer-request\s+\d+ B/);
    expect(out).toMatch(/cloudfront-function\s+\d+ B/);
    // The size report shows what each edge bundle is made of; the build refuses validator code in them.
    expect(out.match(/inputs: \d+ files \(.*src\/ \d+.*\); no zod, nothing from config\//g)).toHaveLength(2);
    // HS256 verification keys are signing keys: every build says they are in the code.
    expect(out).toContain(
      'note: embeds the HS256 secret of hs-2026-11, hs-2026-10: anyone allowed lambda:GetFunction can mint tokens',
    );
    const bundle = readFileSync(join(dir, 'good', 'viewer-request', 'index.js'), 'utf8');
    expect(bundle).toContain('exports');
    // The edge bundle carries public material only: no private key, and no jose.
    expect(bundle).not.toMatch(/"d":"/);
    expect(bundle).not.toContain('jwtVerify');
  });
});
