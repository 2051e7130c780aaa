/**
 * The `local` section of a gate configuration: what `npm start` needs besides the gate configuration itself.
 * The distribution is a CloudFront DistributionConfig (`distributionConfig`, the JSON `aws cloudfront
 * get-distribution-config` prints), to which the gate is attached at start exactly as a deploy attaches it
 * (local/attach-locally.ts); this section only says what stands in locally for what the config names. Part of the
 * gate's schema (config/gate.ts); `validateLocalSection` also resolves its file paths.
 *
 *   "local": {
 *     "distributionConfig": "distribution.base.json",
 *     "origins": { "bucket": { "type": "folder", "path": "bucket" }, "spa": { "type": "spa", "source": "spa" }, … },
 *     "keyGroup": { "K2TENANTGATEDEMO": "../test/fixtures/login-cloudfront-public-key.pem" },
 *     "demoUsers": [ { "sub": "alice", "tenant": "acme" } ]
 *   }
 *
 * `origins` maps the config's origin ids to: `folder` (a local folder laid out as the bucket), `s3` (an
 * S3-compatible endpoint), `http` (any HTTP endpoint, e.g. a dev server), `login` (the built login function behind
 * a function URL; the login origin attach adds is bound to it without saying), `dev-idp` (the development
 * identity provider), `spa` (a folder of HTML and TypeScript, built by esbuild at start). `keyGroup` holds the
 * public keys of the stack's trusted key group (the one attach requires when the login signs for CloudFront);
 * `trustedKeyGroups` the keys of other key groups the config names, by id. Relative paths are relative to the
 * configuration file.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { matching, strictObject, text } from './fields';
import { ConfigError, configIssues } from './issues';
import { distributionTenantsSchema } from './local-distribution-tenants';

/** CloudFront: at most 5 public keys in a key group (docs/platform.md#custom-error-responses-and-limits). */
const MAX_KEYS_PER_GROUP = 5;
const ORIGIN_TYPES = 'folder, s3, http, login, dev-idp, spa';
const HTTP_ORIGIN = /^https?:\/\/[^/]+\/?$/;

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
    strictObject({
      type: z.literal('http'),
      url: matching(HTTP_ORIGIN, 'must be an http(s) URL without a path, e.g. http://127.0.0.1:9000').describe(
        'An HTTP endpoint: a development server, a local API.',
      ),
    }),
    strictObject({ type: z.literal('login') }),
    strictObject({ type: z.literal('dev-idp') }),
    strictObject({ type: z.literal('spa'), source: text().describe('A folder of HTML and TypeScript.') }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `must be one of ${ORIGIN_TYPES}, got ${JSON.stringify((issue.input as { type?: unknown } | undefined)?.type)}`
        : 'must be an object with a "type"',
  },
);

const keyFiles = z
  .record(z.string(), text(), { error: 'must map key IDs to public key PEM files' })
  .refine(
    (keys) => Object.keys(keys).length >= 1 && Object.keys(keys).length <= MAX_KEYS_PER_GROUP,
    `must map 1 to ${MAX_KEYS_PER_GROUP} key IDs to public key PEM files (CloudFront: ${MAX_KEYS_PER_GROUP} keys per group)`,
  )
  .meta({ minProperties: 1, maxProperties: MAX_KEYS_PER_GROUP });

export const localSchema = strictObject(
  {
    distributionConfig: text().describe(
      'The DistributionConfig the gate is attached to at start (aws cloudfront get-distribution-config).',
    ),
    origins: z
      .record(z.string(), origin, { error: 'must map origin ids to local origins' })
      .default(() => ({}))
      .describe("What stands in for the config's origins, by origin id."),
    keyGroup: keyFiles
      .optional()
      .describe(
        "The stack's trusted key group: key ID → public key PEM file (required when the login signs for CloudFront).",
      ),
    trustedKeyGroups: z
      .record(z.string(), keyFiles, { error: 'must be an object: key group id → { key ID → public key PEM file }' })
      .default(() => ({}))
      .describe('Other key groups the config names: key group id → { key ID → public key PEM file }.'),
    demoUsers: z
      .array(strictObject({ sub: text(), tenant: text() }, '{ "sub": string, "tenant": string }'), {
        error: 'must be an array of { sub, tenant }',
      })
      .default(() => []),
    distributionTenants: distributionTenantsSchema,
  },
  'an object describing the local distribution',
).describe('The local distribution of npm start: its DistributionConfig and what stands in for what it names.');

type LocalInput = z.output<typeof localSchema>;
type OriginInput = LocalInput['origins'][string];

function absolute(baseDir: string, value: string): string {
  return isAbsolute(value) ? value : resolve(baseDir, value);
}

function resolvedOrigin(spec: OriginInput, baseDir: string): OriginInput {
  if (spec.type === 'folder') return { ...spec, path: absolute(baseDir, spec.path) };
  if (spec.type === 'spa') return { ...spec, source: absolute(baseDir, spec.source) };
  if (spec.type === 'http') return { ...spec, url: spec.url.replace(/\/$/, '') };
  return spec;
}

function resolvedKeys(keys: Record<string, string>, baseDir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(keys).map(([id, file]) => [id, absolute(baseDir, file)]));
}

function resolved(section: LocalInput, baseDir: string) {
  return {
    distributionConfig: absolute(baseDir, section.distributionConfig),
    origins: Object.fromEntries(
      Object.entries(section.origins).map(([id, spec]) => [id, resolvedOrigin(spec, baseDir)]),
    ) as Record<string, OriginInput>,
    keyGroup: section.keyGroup === undefined ? {} : resolvedKeys(section.keyGroup, baseDir),
    trustedKeyGroups: Object.fromEntries(
      Object.entries(section.trustedKeyGroups).map(([id, keys]) => [id, resolvedKeys(keys, baseDir)]),
    ),
    demoUsers: section.demoUsers,
    distributionTenants: section.distributionTenants,
  };
}

export type LocalSection = ReturnType<typeof resolved>;
export type OriginSpec = LocalSection['origins'][string];
export type DemoUser = LocalSection['demoUsers'][number];

function prefixed(root: string, path: string): string {
  return path === '(root)' ? root : path.startsWith('[') ? `${root}${path}` : `${root}.${path}`;
}

/** Checks the `local` section (required for npm start) and makes its paths absolute, relative to `baseDir`. */
export function validateLocalSection(raw: unknown, baseDir: string): LocalSection {
  const result = localSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      configIssues(result.error).map((issue) => ({ ...issue, path: prefixed('local', issue.path) })),
    );
  }
  return resolved(result.data, baseDir);
}

/**
 * `--origins MAP`: `originId=./folder,otherId=http://127.0.0.1:9000` — a path is a folder laid out as the bucket
 * (relative to `cwd`), an http(s) URL an endpoint.
 */
export function parseOriginsMap(map: string, cwd: string): Record<string, OriginSpec> {
  const out: Record<string, OriginSpec> = {};
  for (const entry of map.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    const id = eq === -1 ? '' : entry.slice(0, eq).trim();
    const target = eq === -1 ? '' : entry.slice(eq + 1).trim();
    if (id === '' || target === '')
      throw new ConfigError([
        { path: '--origins', message: `"${entry}" is not originId=./folder or originId=http://host:port` },
      ]);
    const raw = /^https?:\/\//i.test(target) ? { type: 'http', url: target } : { type: 'folder', path: target };
    const result = origin.safeParse(raw);
    if (!result.success) {
      throw new ConfigError(
        configIssues(result.error).map((issue) => ({ ...issue, path: prefixed(`--origins ${id}`, issue.path) })),
      );
    }
    out[id] = resolvedOrigin(result.data, cwd);
  }
  return out;
}
