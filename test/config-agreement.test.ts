/**
 * The generated JSON Schema and the build accept and refuse the same configurations. Each row changes one
 * field of gatekeeper.config.json and says what both must do. Where a rule cannot be written in JSON Schema
 * (a key that must import, a kid unique among different keys, a reference to another field, a pattern's
 * behaviour), the row says "build refuses, schema cannot tell" — and the test checks that the schema
 * really does accept it, so a row cannot claim a gap that is not there.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../config/gate';
import { gateJsonSchema } from '../config/json-schema';
import { ROOT } from './helpers/keys';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Expected = 'accept' | 'refuse' | 'build refuses, schema cannot tell';

const example = JSON.parse(readFileSync(join(ROOT, 'gatekeeper.config.json'), 'utf8')) as Json;
const otherSecret = example.keys[1].secret as string;
const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });

// strictRequired off: `not: { required: ["d"] }` names a member on purpose that the object does not declare.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
addFormats.default(ajv);
const schemaAccepts = ajv.compile(gateJsonSchema());

function buildAccepts(config: unknown): boolean {
  try {
    validateConfig(config);
    return true;
  } catch (error) {
    if (error instanceof ConfigError) return false;
    throw error;
  }
}

const rows: [string, (c: Json) => void, Expected][] = [
  ['the example', () => {}, 'accept'],
  ['domain "cdn" (not a host name)', (c) => (c.domain = 'cdn'), 'refuse'],
  ['domain in upper case', (c) => (c.domain = 'CDN.example.com'), 'refuse'],
  ['domain "localhost"', (c) => (c.domain = 'localhost'), 'accept'],
  ['issuer ""', (c) => (c.issuer = ''), 'refuse'],
  ['no audience', (c) => delete c.audience, 'refuse'],
  ['cookieName "a b" (not an RFC 6265 token)', (c) => (c.cookieName = 'a b'), 'refuse'],
  ['cookieName "__Secure-t"', (c) => (c.cookieName = '__Secure-t'), 'accept'],
  ['a misspelt field (cookiename)', (c) => (c.cookiename = 'x'), 'refuse'],
  ['pathPrefix "files" (no slashes)', (c) => (c.pathPrefix = 'files'), 'refuse'],
  ['pathPrefix "/a/../b/"', (c) => (c.pathPrefix = '/a/../b/'), 'refuse'],
  ['pathPrefix "/"', (c) => (c.pathPrefix = '/'), 'accept'],
  ['originPrefix "/t-{tenant}"', (c) => (c.originPrefix = '/t-{tenant}'), 'refuse'],
  ['originPrefix "/{tenant}/{tenant}"', (c) => (c.originPrefix = '/{tenant}/{tenant}'), 'refuse'],
  ['originPrefix "/data/{tenant}/v1"', (c) => (c.originPrefix = '/data/{tenant}/v1'), 'accept'],
  ['tenantPattern not anchored', (c) => (c.tenantPattern = '[a-z]+'), 'refuse'],
  ['tenantPattern not a regular expression', (c) => (c.tenantPattern = '^($'), 'refuse'],
  ['tenantPattern admitting "." and ".."', (c) => (c.tenantPattern = '^.+$'), 'build refuses, schema cannot tell'],
  ['maxTokenLifetimeSeconds 0', (c) => (c.maxTokenLifetimeSeconds = 0), 'refuse'],
  ['maxTokenLifetimeSeconds 1.5', (c) => (c.maxTokenLifetimeSeconds = 1.5), 'refuse'],
  ['clockToleranceSeconds 301', (c) => (c.clockToleranceSeconds = 301), 'refuse'],
  ['maxTokenLength "4096" (a string)', (c) => (c.maxTokenLength = '4096'), 'refuse'],
  ['linkTokenParam "Signature" (CloudFront)', (c) => (c.linkTokenParam = 'Signature'), 'refuse'],
  ['corsOrigins ["*"]', (c) => (c.corsOrigins = ['*']), 'refuse'],
  ['loginUrl with a query', (c) => (c.loginUrl = '/login?next=x'), 'refuse'],
  ['loginUrl "/login"', (c) => (c.loginUrl = '/login'), 'accept'],
  ['no keys', (c) => (c.keys = []), 'refuse'],
  ['duplicate keys', (c) => (c.keys = [c.keys[0], c.keys[0]]), 'refuse'],
  [
    'two keys sharing a kid',
    (c) => (c.keys = [c.keys[0], { ...c.keys[0], secret: otherSecret }]),
    'build refuses, schema cannot tell',
  ],
  ['an HS256 secret of 5 bytes', (c) => (c.keys[0].secret = 'c2hvcnQ'), 'refuse'],
  ['an HS256 secret with padding', (c) => (c.keys[0].secret = `${otherSecret}=`), 'refuse'],
  ['alg HS512', (c) => (c.keys[0].alg = 'HS512'), 'refuse'],
  ['a secret beside a public key', (c) => (c.keys[2].secret = otherSecret), 'refuse'],
  ['a private JWK ("d")', (c) => (c.keys[2].publicKeyJwk.d = 'AAAA'), 'refuse'],
  ['an RSA key of 1024 bits', (c) => (c.keys[3].publicKeyJwk = rsa1024), 'build refuses, schema cannot tell'],
  ['cloudfrontFunction.keySource "dynamo"', (c) => (c.cloudfrontFunction = { keySource: 'dynamo' }), 'refuse'],
  ['cloudfrontFunction.killSwitch (misspelt)', (c) => (c.cloudfrontFunction = { killSwitch: true }), 'refuse'],
  ['login.identity.tokenHeader "authorization"', (c) => (c.login.identity.tokenHeader = 'authorization'), 'refuse'],
  [
    'login.identity with jwks and jwksUrl',
    (c) => (c.login.identity.jwksUrl = 'https://idp.example.com/jwks'),
    'refuse',
  ],
  ['login.identity with neither', (c) => delete c.login.identity.jwks, 'refuse'],
  ['login.identity.jwks with a private key', (c) => (c.login.identity.jwks.keys[0].d = 'AAAA'), 'refuse'],
  ['login.identity.jwks with a symmetric key', (c) => (c.login.identity.jwks.keys[0].kty = 'oct'), 'refuse'],
  ['login.identity.algorithms ["HS256"]', (c) => (c.login.identity.algorithms = ['HS256']), 'refuse'],
  ['login.identity.audience []', (c) => (c.login.identity.audience = []), 'refuse'],
  ['login.viewerIpSource missing while binding', (c) => delete c.login.viewerIpSource, 'refuse'],
  [
    'login.viewerIpSource missing, bindIp never',
    (c) => {
      delete c.login.viewerIpSource;
      c.login.bindIp = 'never';
    },
    'accept',
  ],
  ['login.cloudfront.keyPairId in lower case', (c) => (c.login.cloudfront.keyPairId = 'k2abc'), 'refuse'],
  [
    'login.cloudfront with neither cookies nor URLs',
    (c) => Object.assign(c.login.cloudfront, { signedCookies: false, signedUrls: false }),
    'refuse',
  ],
  ['login.cloudfront without its private key', (c) => delete c.login.secrets.cloudfrontPrivateKey, 'refuse'],
  ['a CloudFront private key without login.cloudfront', (c) => (c.login.cloudfront = null), 'refuse'],
  ['login.secrets.signingKey with two sources', (c) => (c.login.secrets.signingKey.ssmParameter = '/x'), 'refuse'],
  ['login.links.maxPaths 1001', (c) => (c.login.links.maxPaths = 1001), 'refuse'],
  ['login.signingKid naming no key', (c) => (c.login.signingKid = 'nope'), 'build refuses, schema cannot tell'],
  [
    "login.identity.issuer equal to the gate's issuer",
    (c) => (c.login.identity.issuer = c.issuer),
    'build refuses, schema cannot tell',
  ],
  [
    'login.identity.jwksUrl over plain http',
    (c) => {
      delete c.login.identity.jwks;
      c.login.identity.jwksUrl = 'http://idp.example.com/jwks';
    },
    'build refuses, schema cannot tell',
  ],
  [
    'login.sessionLifetimeSeconds over maxTokenLifetimeSeconds',
    (c) => (c.login.sessionLifetimeSeconds = c.maxTokenLifetimeSeconds + 1),
    'build refuses, schema cannot tell',
  ],
  [
    'local.origins of an unknown type',
    (c) => (c.local = { distributionConfig: 'd.json', origins: { a: { type: 'ftp' } } }),
    'refuse',
  ],
];

describe('the JSON Schema and the build agree', () => {
  it.each(rows)('%s: %s', (_name, change, expected) => {
    const config = structuredClone(example);
    change(config);
    const build = buildAccepts(config) ? 'accepts' : 'refuses';
    const schema = schemaAccepts(config) ? 'accepts' : 'refuses';
    const outcome = build === schema ? (build === 'accepts' ? 'accept' : 'refuse') : `build ${build}, schema ${schema}`;
    expect(outcome.replace('build refuses, schema accepts', 'build refuses, schema cannot tell')).toBe(expected);
  });

  it('covers at least 20 one-field changes, and few that JSON Schema cannot express', () => {
    expect(rows.length).toBeGreaterThanOrEqual(20);
    const gaps = rows.filter((row) => row[2] === 'build refuses, schema cannot tell').length;
    expect(gaps).toBeLessThanOrEqual(rows.length / 5);
  });
});

/** Where a one-field change may land: every top-level field, and the login section's. */
const FIELDS: string[][] = [
  ...[
    ...Object.keys(example),
    'cookieName',
    'tenantPattern',
    'originPrefix',
    'pathPrefix',
    'linkTokenParam',
    'maxLinkLifetimeSeconds',
    'clockToleranceSeconds',
    'maxTokenLength',
    'corsOrigins',
    'loginUrl',
  ].map((field) => [field]),
  ...['signingKid', 'sessionLifetimeSeconds', 'bindIp', 'viewerIpSource', 'links', 'cloudfront'].map((f) => [
    'login',
    f,
  ]),
  ...['issuer', 'audience', 'tokenHeader', 'algorithms', 'jwksUrl'].map((f) => ['login', 'identity', f]),
  ['keys', '0', 'secret'],
  ['keys', '0', 'kid'],
  ['cloudfrontFunction', 'keySource'],
];

const plausible = fc.constantFrom(
  'cdn',
  'cdn.example.com',
  'localhost',
  '/files/',
  'files',
  '/a/b/',
  '/tenants/{tenant}',
  '^[a-z]+$',
  '[a-z]+',
  '__Host-x',
  'a b',
  'token',
  'Signature',
  'x-identity-token',
  'authorization',
  'never',
  'sourceIp',
  'inline',
  'hs-2026-11',
  'https://idp.example.com/jwks',
  '',
);
const anyValue = fc.oneof(
  { arbitrary: plausible, weight: 6 },
  // Every bound of every integer field, and either side of it.
  {
    arbitrary: fc.constantFrom(-1, 0, 1, 30, 255, 256, 300, 301, 900, 3600, 4096, 8192, 8193, 172800, 604801),
    weight: 4,
  },
  fc.integer({ min: -10, max: 3_000_000 }),
  fc.string({ maxLength: 12 }),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(plausible, { maxLength: 2 }),
  fc.dictionary(plausible, plausible, { maxKeys: 2 }),
);

function set(config: Json, path: string[], value: unknown): void {
  let node = config;
  for (const key of path.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
    node = node[key];
  }
  node[path[path.length - 1]!] = value;
}

describe('property: the build is never more lenient than the JSON Schema', () => {
  it('a configuration the build accepts is one the schema accepts, and validates to itself', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), anyValue, (path, value) => {
        const changed = structuredClone(example);
        set(changed, path, value);
        // What a configuration file can hold: JSON has no -0, undefined or NaN (a generated -0 once made the
        // round trip below differ from the original, 0 against -0).
        const config = JSON.parse(JSON.stringify(changed)) as typeof changed;
        if (!buildAccepts(config)) return;
        accepted++;
        expect(schemaAccepts(config)).toBe(true);
        const validated = validateConfig(config);
        expect(validateConfig(JSON.parse(JSON.stringify(validated)))).toEqual(validated);
      }),
      { numRuns: 3000 },
    );
    // The property says something only if the build accepts a fair share of the changes (about 1 in 10).
    expect(accepted).toBeGreaterThan(150);
  });
});
