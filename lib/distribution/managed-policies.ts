/**
 * CloudFront's managed cache and origin request policies: their ids, and the configs the doctor and the local
 * distribution know without asking AWS
 * (docs/platform.md#origin-request-and-cache-policies). Custom ones are passed in the expectations.
 */
import type { CachePolicyConfig, OriginRequestPolicyConfig } from '@aws-sdk/client-cloudfront';

/** Managed policy ids (docs/platform.md#origin-request-and-cache-policies). */
export const MANAGED_POLICY_IDS = {
  CachingOptimized: '658327ea-f89d-4fab-a63d-7e88639e58f6',
  CachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  AllViewer: '216adef6-5c7f-47e4-b989-5492eafa07d3',
  AllViewerExceptHostHeader: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
} as const;

const NONE_QS = { QueryStringBehavior: 'none' } as const;

export const MANAGED_CACHE_POLICIES: Readonly<Record<string, CachePolicyConfig>> = {
  [MANAGED_POLICY_IDS.CachingOptimized]: {
    Name: 'Managed-CachingOptimized',
    MinTTL: 1,
    DefaultTTL: 86400,
    MaxTTL: 31536000,
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
      HeadersConfig: { HeaderBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
      QueryStringsConfig: NONE_QS,
    },
  },
  [MANAGED_POLICY_IDS.CachingDisabled]: {
    Name: 'Managed-CachingDisabled',
    MinTTL: 0,
    DefaultTTL: 0,
    MaxTTL: 0,
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: false,
      EnableAcceptEncodingBrotli: false,
      HeadersConfig: { HeaderBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
      QueryStringsConfig: NONE_QS,
    },
  },
  // Amplify: a trap for file behaviors, it keys on Authorization and Host and on all cookies.
  '2e54312d-136d-493c-8eb9-b001f22f67d2': {
    Name: 'Managed-Amplify',
    MinTTL: 2,
    DefaultTTL: 2,
    MaxTTL: 600,
    ParametersInCacheKeyAndForwardedToOrigin: {
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
      HeadersConfig: {
        HeaderBehavior: 'whitelist',
        Headers: { Quantity: 3, Items: ['Authorization', 'CloudFront-Viewer-Country', 'Host'] },
      },
      CookiesConfig: { CookieBehavior: 'all' },
      QueryStringsConfig: { QueryStringBehavior: 'all' },
    },
  },
};

export const MANAGED_ORIGIN_REQUEST_POLICIES: Readonly<Record<string, OriginRequestPolicyConfig>> = {
  [MANAGED_POLICY_IDS.AllViewer]: {
    Name: 'Managed-AllViewer',
    HeadersConfig: { HeaderBehavior: 'allViewer' },
    CookiesConfig: { CookieBehavior: 'all' },
    QueryStringsConfig: { QueryStringBehavior: 'all' },
  },
  [MANAGED_POLICY_IDS.AllViewerExceptHostHeader]: {
    Name: 'Managed-AllViewerExceptHostHeader',
    HeadersConfig: { HeaderBehavior: 'allExcept', Headers: { Quantity: 1, Items: ['Host'] } },
    CookiesConfig: { CookieBehavior: 'all' },
    QueryStringsConfig: { QueryStringBehavior: 'all' },
  },
  '33f36d7e-f396-46d9-90e0-52428a34d9dc': {
    Name: 'Managed-AllViewerAndCloudFrontHeaders-2022-06',
    HeadersConfig: { HeaderBehavior: 'allViewerAndWhitelistCloudFront' },
    CookiesConfig: { CookieBehavior: 'all' },
    QueryStringsConfig: { QueryStringBehavior: 'all' },
  },
  '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf': {
    Name: 'Managed-CORS-S3Origin',
    HeadersConfig: {
      HeaderBehavior: 'whitelist',
      Headers: { Quantity: 3, Items: ['origin', 'access-control-request-headers', 'access-control-request-method'] },
    },
    CookiesConfig: { CookieBehavior: 'none' },
    QueryStringsConfig: { QueryStringBehavior: 'none' },
  },
};
