/**
 * The gate's configuration, defined once as a zod schema: its types (`z.infer`), its defaults, its semantic
 * checks, and — generated from it by `npm run generate` — gatekeeper.config.schema.json and the table of docs/reference.md.
 *
 * Lambda@Edge has no environment variables and CloudFront Functions have no file system, so the build
 * validates `gatekeeper.config.json` once and embeds the result in each bundle (an esbuild `define`). Runtime
 * code imports only the types from here: no validator code enters an edge bundle.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { z } from 'zod';
import { SIGNED_URL_PARAM_NAMES } from '../lib/cloudfront-signature/names';
import { distributionTenantSchema } from './distribution-tenant';
import { bool, integer, matching, oneOf, SEGMENT, shown, strictObject, text } from './fields';
import { grantsSchema, prefixesOverlap } from './grants';
import { ConfigError, configIssues } from './issues';
import { localSchema } from './local';
import { checkLoginAgainstGate, loginSchema, withLoginDefaults } from './login';
import { checkScopesAgainstGate, scopesSchema } from './scopes';

export { ConfigError, type ConfigIssue } from './issues';

export const DEFAULTS = {
  cookieName: '__Host-tenant',
  tenantClaim: 'tid',
  tenantPattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$',
  originPrefix: '/tenants/{tenant}',
  pathPrefix: '/files/',
  maxLinkLifetimeSeconds: 172800,
  clockToleranceSeconds: 30,
  maxTokenLength: 4096,
  linkTokenParam: 'token',
  keySource: 'inline',
  tenantKillSwitch: false,
  revocation: false,
  revocationCacheSeconds: 60,
  revocationMaxStaleSeconds: 300,
} as const;

const DAY = 86400;
const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|^localhost$/;
// RFC 6265 §4.1.1: cookie-name = token (RFC 2616 §2.2); the browser-enforced prefixes make `__Host-` the safe default.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
const ORIGIN_PREFIX = new RegExp(`^(?:/${SEGMENT})*/\\{tenant\\}(?:/${SEGMENT})*$`);
const PATH_PREFIX = new RegExp(`^/(?:${SEGMENT}/)*$`);
const KID = /^[\x21-\x7e]{1,128}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** base64url characters that decode to at least 32 bytes (RFC 7518 §3.2: an HS256 key as long as the hash). */
const HS256_MIN_CHARS = 43;
/** Values a tenant pattern must refuse: each would be a traversal, a separator or an escape in the origin path. */
const HOSTILE_TENANTS = ['', '.', '..', 'a/b', 'a\\b', '%2e', 'a%2fb', 'a b', 'a\nb', '/'];

const tenantPattern = matching(/^\^[\s\S]*\$$/, 'must be anchored: start with ^ and end with $')
  .superRefine((pattern, ctx) => {
    if (!pattern.startsWith('^') || !pattern.endsWith('$')) return;
    let compiled: RegExp;
    try {
      compiled = new RegExp(pattern);
      // The JSON Schema's `format: regex` compiles with the `u` flag: refuse what only one reading accepts.
      new RegExp(pattern, 'u');
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `is not a valid regular expression (${(error as Error).message})` });
      return;
    }
    const admitted = HOSTILE_TENANTS.find((hostile) => compiled.test(hostile));
    if (admitted !== undefined) {
      ctx.addIssue({ code: 'custom', message: `admits ${shown(admitted)}, which is not a safe path segment` });
    }
  })
  .meta({ format: 'regex' });

const hmacKey = strictObject({
  kid: matching(KID, 'required, 1 to 128 printable ASCII characters'),
  alg: z.literal('HS256'),
  secret: matching(BASE64URL, 'must be base64url without padding')
    .superRefine((secret, ctx) => {
      const bytes = Math.floor((secret.length * 6) / 8);
      if (BASE64URL.test(secret) && secret.length < HS256_MIN_CHARS) {
        ctx.addIssue({ code: 'custom', message: `must decode to at least 32 bytes, got ${bytes}` });
      }
    })
    .meta({ minLength: HS256_MIN_CHARS })
    .describe('base64url, at least 32 bytes once decoded.'),
});

/** A JWK that is public: no private member. */
const publicJwk = z
  .looseObject({ kty: text() }, { error: 'required: a public JWK' })
  .refine((jwk) => !('d' in jwk), 'holds a private key ("d"); give the public key only')
  .meta({ not: { required: ['d'] } });

const WANTED_KEY = { ES256: 'an EC P-256 key', RS256: 'an RSA key of at least 2048 bits', EdDSA: 'an Ed25519 key' };

const publicKey = strictObject({
  kid: matching(KID, 'required, 1 to 128 printable ASCII characters'),
  alg: z.enum(['ES256', 'RS256', 'EdDSA']),
  publicKeyJwk: publicJwk,
})
  // Key import cannot be said in JSON Schema: only the build knows whether the numbers make a key of that size.
  .superRefine((key, ctx) => {
    if ('d' in key.publicKeyJwk) return;
    let imported;
    try {
      imported = createPublicKey({ key: key.publicKeyJwk as JsonWebKey, format: 'jwk' });
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['publicKeyJwk'],
        message: `is not a valid public JWK (${(error as Error).message})`,
      });
      return;
    }
    const details = imported.asymmetricKeyDetails ?? {};
    const fits =
      (key.alg === 'ES256' && imported.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') ||
      (key.alg === 'RS256' && imported.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 2048) ||
      (key.alg === 'EdDSA' && imported.asymmetricKeyType === 'ed25519');
    if (!fits) {
      ctx.addIssue({
        code: 'custom',
        path: ['publicKeyJwk'],
        message: `must be ${WANTED_KEY[key.alg]} for ${key.alg}`,
      });
    }
  })
  // Only the members a verifier reads: `use`, `alg`, `kid` … stay out of the bundles.
  .transform((key) => {
    const publicKeyJwk: { kty: string; [member: string]: unknown } = { kty: key.publicKeyJwk.kty };
    for (const member of ['crv', 'x', 'y', 'n', 'e']) {
      if (key.publicKeyJwk[member] !== undefined) publicKeyJwk[member] = key.publicKeyJwk[member];
    }
    return { kid: key.kid, alg: key.alg, publicKeyJwk };
  });

const keys = z
  .array(
    z.discriminatedUnion('alg', [hmacKey, publicKey], {
      error: (issue) =>
        issue.code === 'invalid_union'
          ? `must be one of HS256, ES256, RS256, EdDSA, got ${shown((issue.input as { alg?: unknown } | undefined)?.alg)}`
          : 'must be an object',
    }),
    { error: 'required, a non-empty array of verification keys' },
  )
  .min(1, 'required, a non-empty array of verification keys')
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((key, i) => {
      if (seen.has(key.kid))
        ctx.addIssue({ code: 'custom', path: [i, 'kid'], message: `duplicate kid ${shown(key.kid)}` });
      seen.add(key.kid);
    });
  })
  // JSON Schema can refuse only identical entries; two keys that share a kid and differ otherwise pass it.
  .meta({ uniqueItems: true })
  .describe(
    'Verification keys by kid: { kid, alg: "HS256", secret } or { kid, alg: "ES256" | "RS256" | "EdDSA", publicKeyJwk }. ' +
      'Several at once is how keys rotate. RSA keys ≥ 2048 bits; a JWK holding "d" is refused. An HS256 key is also a ' +
      'signing key and is embedded in the edge code (the build says so).',
  );

const cloudfrontFunction = strictObject({
  keySource: oneOf(['inline', 'keyValueStore'])
    .default(DEFAULTS.keySource)
    .describe(
      'keyValueStore: the CloudFront Function reads key:<kid> → {"alg":"HS256","secret":"…"} from its ' +
        'KeyValueStore per request, so keys rotate without a redeploy.',
    ),
  tenantKillSwitch: bool()
    .default(DEFAULTS.tenantKillSwitch)
    .describe('Refuse (403) tenants marked tenant:<id> = disabled in the KeyValueStore.'),
  revocation: bool()
    .default(DEFAULTS.revocation)
    .describe(
      'Refuse (401 revoked) credentials issued before the "not before" epoch of their tenant (tenant:<id>) or user ' +
        '(user:<id>:<sub>) in the KeyValueStore; written by tenant-gate revoke and DELETE /auth/session?everywhere=1.',
    ),
}).prefault({});

const lambdaEdge = strictObject({
  revocation: bool()
    .default(DEFAULTS.revocation)
    .describe(
      'Refuse (401 revoked) revoked credentials: Lambda@Edge cannot read the KeyValueStore, so it asks the login ' +
        '(GET /auth/revocation) and caches each answer per tenant and user. Needs the login section.',
    ),
  revocationCacheSeconds: integer(1, 300)
    .default(DEFAULTS.revocationCacheSeconds)
    .describe('How long an answer of the login is used before it is asked again: the usual revocation delay.'),
  revocationUrl: matching(
    /^(?:https:\/\/[a-z0-9.-]+(?::\d{1,5})?|http:\/\/(?:localhost|127\.\d+\.\d+\.\d+)(?::\d{1,5})?)\/[^?#\s]*$/,
    'must be an https URL (or http on localhost), without query or fragment',
  )
    .nullable()
    .default(null)
    .describe('Where Lambda@Edge asks; null: https://<domain>/auth/revocation (the login behind the distribution).'),
  revocationMaxStaleSeconds: integer(1, 3600)
    .default(DEFAULTS.revocationMaxStaleSeconds)
    .describe(
      'When the login cannot be asked, the last answer is used until it is this old, then requests are refused ' +
        '(503 store_unavailable): the longest a revocation can take. At least revocationCacheSeconds.',
    ),
}).prefault({});

/** Lambda@Edge learns revocations from the login, so it needs one, and a cache never older than its staleness bound. */
function checkRevocation(config: z.output<typeof gateInputSchema>, ctx: z.RefinementCtx): void {
  const edge = config.lambdaEdge;
  if (!edge.revocation) return;
  if (config.login === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['lambdaEdge', 'revocation'],
      message: 'needs the login section: Lambda@Edge asks the login (GET /auth/revocation)',
    });
  }
  if (edge.revocationMaxStaleSeconds < edge.revocationCacheSeconds) {
    ctx.addIssue({
      code: 'custom',
      path: ['lambdaEdge', 'revocationMaxStaleSeconds'],
      message: 'must be at least revocationCacheSeconds',
    });
  }
}

/** The gate configuration as written in gatekeeper.config.json. */
export const gateInputSchema = strictObject({
  $schema: z.string().optional().describe('The JSON Schema, for editors.'),
  domain: matching(
    HOST,
    (value) => `must be a lower-case host name, got ${shown(value)}`,
    'a lower-case host name',
  ).describe("The distribution's viewer host, e.g. cdn.example.com (lower case)."),
  issuer: text().describe("Required value of the token's iss claim."),
  audience: text().describe("A value the token's aud (string or array) must contain."),
  maxTokenLifetimeSeconds: integer(1, 7 * DAY).describe('exp − iat of a session token may not exceed it (≤ 7 days).'),
  keys,
  cookieName: matching(COOKIE_NAME, 'must be an RFC 6265 cookie name (a token)')
    .default(DEFAULTS.cookieName)
    .describe('The cookie carrying the session token; exact, case-sensitive.'),
  tenantClaim: text().default(DEFAULTS.tenantClaim).describe('The claim holding the tenant id.'),
  tenantPattern: tenantPattern
    .default(DEFAULTS.tenantPattern)
    .describe(
      'Anchored pattern the tenant must match; the build refuses one that admits ., .., /, \\, %2e, a space or a newline.',
    ),
  originPrefix: matching(
    ORIGIN_PREFIX,
    'must start with "/", contain "{tenant}" exactly once as a whole segment, no empty or dot segments, no trailing "/"',
  )
    .default(DEFAULTS.originPrefix)
    .describe('Forwarded uri = this prefix with the tenant filled in, followed by the viewer uri.'),
  pathPrefix: matching(PATH_PREFIX, 'must start and end with "/" and hold only plain segments, e.g. "/files/"')
    .default(DEFAULTS.pathPrefix)
    .describe('Viewer paths the gate serves; others are 403 path_not_allowed.'),
  maxLinkLifetimeSeconds: integer(1, 30 * DAY)
    .default(DEFAULTS.maxLinkLifetimeSeconds)
    .describe('exp − iat of a per-file link token may not exceed it (48 h by default, 30 days at most).'),
  clockToleranceSeconds: integer(0, 300)
    .default(DEFAULTS.clockToleranceSeconds)
    .describe('Leeway for exp, nbf and iat.'),
  maxTokenLength: integer(256, 8192)
    .default(DEFAULTS.maxTokenLength)
    .describe('Longer tokens are refused before any parsing.'),
  linkTokenParam: matching(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 characters of [A-Za-z0-9_-]')
    .refine((name) => !SIGNED_URL_PARAM_NAMES.includes(name), "must not be one of CloudFront's signed-URL parameters")
    .meta({ not: { enum: [...SIGNED_URL_PARAM_NAMES] } })
    .default(DEFAULTS.linkTokenParam)
    .describe("The query parameter carrying a link token (never one of CloudFront's signed-URL parameters)."),
  corsOrigins: z
    .array(
      matching(
        /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/,
        'must be an origin like "https://app.example.com" (no path, no "*")',
      ),
      { error: 'must be an array of origins' },
    )
    .default(() => [])
    .describe('Origins whose preflights the gate answers and whose refusals carry CORS headers.'),
  loginUrl: matching(
    /^(?:https:\/\/[a-z0-9.-]+(?::\d{1,5})?)?\/[^?#\s]*$/,
    'must be an https URL or an absolute path, without query or fragment',
  )
    .nullable()
    .default(null)
    .describe('Where a navigation without a valid credential is redirected (302, with ?return_to=<path>).'),
  cloudfrontFunction: cloudfrontFunction.describe('The CloudFront Function target.'),
  scopes: scopesSchema.optional(),
  distributionTenant: distributionTenantSchema
    .optional()
    .describe(
      'A multi-tenant distribution: bind the credential to the distribution tenant called (CloudFront Function only).',
    ),
  grants: grantsSchema
    .nullable()
    .default(null)
    .describe('Folder grants (a token in the path for one folder, e.g. a rented film); null: off.'),
  lambdaEdge: lambdaEdge.describe('The Lambda@Edge target.'),
  login: loginSchema.optional().describe('The login origin (/auth/*); absent when there is no login function.'),
  local: localSchema.optional().describe('The local distribution of npm start.'),
});

const gateSchema = gateInputSchema
  .superRefine((config, ctx) => {
    if (config.login !== undefined) checkLoginAgainstGate(config.login, config, ctx);
    checkScopesAgainstGate(config, ctx);
    // Two behaviors, two disjoint path patterns: a grant path must never be read as a gated one, nor a login one.
    if (config.grants && ['/auth/', config.pathPrefix].some((p) => prefixesOverlap(config.grants!.pathPrefix, p)))
      ctx.addIssue({
        code: 'custom',
        path: ['grants', 'pathPrefix'],
        message: 'must not overlap pathPrefix or /auth/',
      });
    checkRevocation(config, ctx);
  })
  // What the bundles embed: every default written out, derived defaults filled in, nothing for editors.
  .transform((config) => {
    const { $schema: _schema, local: _local, login, ...gate } = config;
    const result: typeof gate & { login?: ReturnType<typeof withLoginDefaults> } = gate;
    if (login !== undefined) result.login = withLoginDefaults(login, gate);
    return result;
  });

export type GateConfig = z.output<typeof gateSchema>;
export type KeyConfig = GateConfig['keys'][number];
export type HmacKeyConfig = Extract<KeyConfig, { alg: 'HS256' }>;
export type PublicKeyConfig = Exclude<KeyConfig, HmacKeyConfig>;
export type HmacAlgorithm = HmacKeyConfig['alg'];
export type AsymmetricAlgorithm = PublicKeyConfig['alg'];
export type Algorithm = KeyConfig['alg'];
export type JsonWebKeyLike = PublicKeyConfig['publicKeyJwk'];
export type CloudFrontFunctionConfig = GateConfig['cloudfrontFunction'];

/** The top-level fields of the configuration file. */
export const CONFIG_FIELDS: ReadonlySet<string> = new Set(Object.keys(gateInputSchema.shape));

/**
 * Checks a raw configuration and returns it with defaults filled in. A validated configuration is itself a
 * valid input. Throws `ConfigError` listing every problem, each naming its field.
 */
export function validateConfig(raw: unknown): GateConfig {
  const result = gateSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(configIssues(result.error));
  return result.data;
}
