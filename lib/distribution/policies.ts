/**
 * The cache, origin request and response headers policies a distribution's behaviors name by id, in CloudFront's
 * own API shapes (`CachePolicyConfig`, `OriginRequestPolicyConfig`, `ResponseHeadersPolicyConfig`). The managed
 * ones are lib/distribution/managed-policies.ts: attach writes those ids, the doctor
 * judges them and the local distribution applies them, from one definition
 * (docs/platform.md#origin-request-and-cache-policies).
 *
 * Custom policies live outside a DistributionConfig (`aws cloudfront get-cache-policy-config --id …`); the local
 * distribution takes them from a policies file (`npm start -- --policies FILE`) and refuses to start on an id it
 * cannot resolve, rather than guess what reaches the cache key and the origin.
 */
import type {
  CachePolicyConfig,
  OriginRequestPolicyConfig,
  ResponseHeadersPolicyConfig,
} from '@aws-sdk/client-cloudfront';
import { MANAGED_CACHE_POLICIES, MANAGED_ORIGIN_REQUEST_POLICIES, MANAGED_POLICY_IDS } from './managed-policies';
import { TenantGateError } from '../errors';

export { MANAGED_POLICY_IDS };

export interface PolicyCatalog {
  readonly cache: Readonly<Record<string, CachePolicyConfig>>;
  readonly originRequest: Readonly<Record<string, OriginRequestPolicyConfig>>;
  readonly responseHeaders: Readonly<Record<string, ResponseHeadersPolicyConfig>>;
}

/**
 * The CloudFront headers the managed AllViewerAndCloudFrontHeaders-2022-06 policy adds (DG "Use managed origin
 * request policies"): those the local distribution can produce.
 */
const CLOUDFRONT_HEADERS_2022_06 = ['CloudFront-Viewer-Address', 'CloudFront-Forwarded-Proto'];

/** The managed policies, by id. */
export const MANAGED_POLICIES: PolicyCatalog = {
  cache: MANAGED_CACHE_POLICIES,
  originRequest: {
    ...MANAGED_ORIGIN_REQUEST_POLICIES,
    '33f36d7e-f396-46d9-90e0-52428a34d9dc': {
      ...MANAGED_ORIGIN_REQUEST_POLICIES['33f36d7e-f396-46d9-90e0-52428a34d9dc']!,
      HeadersConfig: {
        HeaderBehavior: 'allViewerAndWhitelistCloudFront',
        Headers: { Quantity: CLOUDFRONT_HEADERS_2022_06.length, Items: CLOUDFRONT_HEADERS_2022_06 },
      },
    },
  },
  responseHeaders: {},
};

/**
 * The stack's response headers policy for gated behaviors (serverless.yml `TenantGatePrivateFilesHeadersPolicy`):
 * `Cache-Control: private, no-cache`, Override — what the local distribution applies under the stand-in id.
 */
export const PRIVATE_FILES_HEADERS_POLICY: ResponseHeadersPolicyConfig = {
  Name: 'tenant-gate-private-files',
  CustomHeadersConfig: {
    Quantity: 1,
    Items: [{ Header: 'Cache-Control', Value: 'private, no-cache', Override: true }],
  },
};

export class PolicyFileError extends TenantGateError {
  override name = 'PolicyFileError';
  constructor(message: string) {
    super('ERR_POLICY_FILE_INVALID', message);
  }
}

function section(raw: Record<string, unknown>, name: string): Record<string, never> {
  const value = raw[name] ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PolicyFileError(`${name} must map policy ids to their configs`);
  for (const [id, config] of Object.entries(value)) {
    if (typeof config !== 'object' || config === null || Array.isArray(config))
      throw new PolicyFileError(`${name}.${id} must be a policy config object`);
  }
  return value as Record<string, never>;
}

/**
 * A policies file: `{ "CachePolicies": { id: CachePolicyConfig }, "OriginRequestPolicies": { … },
 * "ResponseHeadersPolicies": { … } }`, each config as `aws cloudfront get-…-policy-config` prints it (the
 * `…PolicyConfig` member of its answer is accepted as well).
 */
export function parsePolicyFile(raw: unknown): PolicyCatalog {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new PolicyFileError(
      'a policies file is an object with CachePolicies, OriginRequestPolicies, ResponseHeadersPolicies',
    );
  const record = raw as Record<string, unknown>;
  const allowed = ['CachePolicies', 'OriginRequestPolicies', 'ResponseHeadersPolicies'];
  for (const key of Object.keys(record))
    if (!allowed.includes(key)) throw new PolicyFileError(`unknown member ${key} (allowed: ${allowed.join(', ')})`);
  const unwrap = <T>(entries: Record<string, never>, member: string): Record<string, T> => {
    const out: Record<string, T> = {};
    for (const [id, config] of Object.entries(entries)) {
      const inner = (config as Record<string, unknown>)[member];
      out[id] = (inner ?? config) as T;
    }
    return out;
  };
  return {
    cache: unwrap<CachePolicyConfig>(section(record, 'CachePolicies'), 'CachePolicyConfig'),
    originRequest: unwrap<OriginRequestPolicyConfig>(
      section(record, 'OriginRequestPolicies'),
      'OriginRequestPolicyConfig',
    ),
    responseHeaders: unwrap<ResponseHeadersPolicyConfig>(
      section(record, 'ResponseHeadersPolicies'),
      'ResponseHeadersPolicyConfig',
    ),
  };
}

/** `extra` over `base`: custom policies next to the managed ones. */
export function mergeCatalogs(base: PolicyCatalog, extra: PolicyCatalog): PolicyCatalog {
  return {
    cache: { ...base.cache, ...extra.cache },
    originRequest: { ...base.originRequest, ...extra.originRequest },
    responseHeaders: { ...base.responseHeaders, ...extra.responseHeaders },
  };
}
