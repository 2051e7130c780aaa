/**
 * The `local` section of a gate configuration: the emulated distribution, in CloudFront's own terms —
 * origins, trusted key groups, and behaviors by path pattern (first match wins; the last is the default
 * `*`). Part of the gate's schema (config/gate.ts); `validateLocalSection` also resolves its file paths.
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
import { z } from 'zod';
import { MANAGED_CACHE_POLICIES } from '../local/cache';
import { ALL_METHODS, GET_HEAD, GET_HEAD_OPTIONS } from '../local/distribution';
import { matching, oneOf, strictObject, text } from './fields';
import { ConfigError, configIssues } from './issues';

const METHOD_SETS = {
  'GET,HEAD': GET_HEAD,
  'GET,HEAD,OPTIONS': GET_HEAD_OPTIONS,
  ALL: ALL_METHODS,
} as const;
/** CloudFront: at most 5 public keys in a key group (docs/platform.md#custom-error-responses-and-limits). */
const MAX_KEYS_PER_GROUP = 5;
const CACHE_POLICIES = Object.keys(MANAGED_CACHE_POLICIES) as [string, ...string[]];

const origin = z.discriminatedUnion(
  'type',
  [
    strictObject({
      type: z.literal('folder'),
      path: text().describe('A folder laid out as the bucket.'),
      missingKeyStatus: z
        .union([z.literal(403), z.literal(404)], { error: 'must be 403 or 404' })
        .default(404)
        .describe('What a missing object answers: S3 gives 403 without s3:ListBucket, 404 with it.'),
      cacheControl: text().optional(),
    }),
    strictObject({ type: z.literal('s3'), bucket: text(), endpoint: text().optional(), region: text().optional() }),
    strictObject({ type: z.literal('login') }),
    strictObject({ type: z.literal('dev-idp') }),
    strictObject({ type: z.literal('spa'), source: text().describe('A folder of HTML and TypeScript.') }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `must be one of folder, s3, login, dev-idp, spa, got ${JSON.stringify((issue.input as { type?: unknown } | undefined)?.type)}`
        : 'must be an object with a "type"',
  },
);

const FUNCTION_REFS = ['gate', 'gate:lambda-edge', 'gate:cloudfront-function'] as const;
export type FunctionRef = (typeof FUNCTION_REFS)[number];

const behavior = strictObject({
  pathPattern: text().max(255, 'at most 255 characters'),
  origin: text().describe('The name of one of origins.'),
  allowedMethods: oneOf(['GET,HEAD', 'GET,HEAD,OPTIONS', 'ALL'])
    .default('GET,HEAD')
    .describe("CloudFront's three choices."),
  cachePolicy: oneOf(CACHE_POLICIES).default('CachingOptimized').describe('A managed cache policy, by name.'),
  trustedKeyGroup: text().optional().describe('The name of one of trustedKeyGroups.'),
  viewerRequest: oneOf(FUNCTION_REFS).optional(),
  originRequest: oneOf(['gate', 'gate:lambda-edge'])
    .optional()
    .describe('Lambda@Edge only: CloudFront Functions run on viewer events only.'),
  responseHeaders: z
    .record(matching(/^[A-Za-z0-9-]+$/, 'must be a header name'), z.string({ error: 'must be a string' }), {
      error: 'must map header names to string values (a response headers policy, override origin)',
    })
    .default(() => ({}))
    .describe('A response headers policy (override origin).'),
});

export const localSchema = strictObject(
  {
    defaultRootObject: matching(/^[^/]/, 'must be an object name without a leading "/", e.g. "index.html"').optional(),
    trustedKeyGroups: z
      .record(
        z.string(),
        z
          .record(z.string(), text(), { error: 'must map key IDs to public key PEM files' })
          .refine(
            (keys) => Object.keys(keys).length >= 1 && Object.keys(keys).length <= MAX_KEYS_PER_GROUP,
            `must map 1 to ${MAX_KEYS_PER_GROUP} key IDs to public key PEM files (CloudFront: ${MAX_KEYS_PER_GROUP} keys per group)`,
          )
          .meta({ minProperties: 1, maxProperties: MAX_KEYS_PER_GROUP }),
        { error: 'must be an object: name → { key ID → public key PEM file }' },
      )
      .default(() => ({})),
    origins: z
      .record(z.string(), origin, { error: 'required, an object of named origins' })
      .refine((origins) => Object.keys(origins).length > 0, 'required, an object of named origins')
      .meta({ minProperties: 1 }),
    behaviors: z.array(behavior, { error: 'required, a non-empty array' }).min(1, 'required, a non-empty array'),
    demoUsers: z
      .array(strictObject({ sub: text(), tenant: text() }, '{ "sub": string, "tenant": string }'), {
        error: 'must be an array of { sub, tenant }',
      })
      .default(() => []),
  },
  'an object describing the local distribution',
)
  .superRefine((section, ctx) => {
    const last = section.behaviors.length - 1;
    if (section.behaviors[last]?.pathPattern !== '*') {
      ctx.addIssue({
        code: 'custom',
        path: ['behaviors', last, 'pathPattern'],
        message: 'the last behavior is the default one: "*"',
      });
    }
    section.behaviors.forEach((b, i) => {
      if (section.origins[b.origin] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['behaviors', i, 'origin'],
          message: `names no origin (${Object.keys(section.origins).join(', ')})`,
        });
      }
      if (b.trustedKeyGroup !== undefined && section.trustedKeyGroups[b.trustedKeyGroup] === undefined) {
        ctx.addIssue({ code: 'custom', path: ['behaviors', i, 'trustedKeyGroup'], message: 'names no key group' });
      }
    });
  })
  .describe('The local distribution of npm start: origins, trusted key groups, behaviors.');

type LocalInput = z.output<typeof localSchema>;

function absolute(baseDir: string, value: string): string {
  return isAbsolute(value) ? value : resolve(baseDir, value);
}

function resolved(section: LocalInput, baseDir: string) {
  const trustedKeyGroups: Record<string, Record<string, string>> = {};
  for (const [name, keys] of Object.entries(section.trustedKeyGroups)) {
    trustedKeyGroups[name] = Object.fromEntries(
      Object.entries(keys).map(([id, file]) => [id, absolute(baseDir, file)]),
    );
  }
  const origins = Object.fromEntries(
    Object.entries(section.origins).map(([name, spec]) => {
      if (spec.type === 'folder') return [name, { ...spec, path: absolute(baseDir, spec.path) }];
      if (spec.type === 'spa') return [name, { ...spec, source: absolute(baseDir, spec.source) }];
      return [name, spec];
    }),
  ) as Record<string, LocalInput['origins'][string]>;
  const behaviors = section.behaviors.map((b) => ({
    ...b,
    allowedMethods: METHOD_SETS[b.allowedMethods] as readonly string[],
  }));
  return {
    defaultRootObject: section.defaultRootObject,
    trustedKeyGroups,
    origins,
    behaviors,
    demoUsers: section.demoUsers,
  };
}

export type LocalSection = ReturnType<typeof resolved>;
export type OriginSpec = LocalSection['origins'][string];
export type BehaviorSpec = LocalSection['behaviors'][number];
export type DemoUser = LocalSection['demoUsers'][number];

/** Checks the `local` section (required for npm start) and makes its paths absolute, relative to `baseDir`. */
export function validateLocalSection(raw: unknown, baseDir: string): LocalSection {
  const result = localSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(configIssues(result.error).map((issue) => ({ ...issue, path: prefixed(issue.path) })));
  }
  return resolved(result.data, baseDir);
}

function prefixed(path: string): string {
  return path === '(root)' ? 'local' : path.startsWith('[') ? `local${path}` : `local.${path}`;
}
