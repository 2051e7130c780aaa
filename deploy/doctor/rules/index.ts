/**
 * The doctor's rules, in the order their findings are listed (within a severity). Adding a rule here is all it
 * takes: the finding codes, the CLI's list and the docs' table derive from this table.
 */
import {
  authBehaviorMissing,
  authCachingEnabled,
  authGated,
  authOriginNotHttps,
  authQueryDropped,
  authViewerAddressMissing,
} from './auth';
import { browserCacheNotPrivate, gatedWriteMethods, viewerHttpAllowed } from './behaviors';
import { errorCachingTooLong, errorPageMasksRefusal, ipv6WithIpBinding, logsIncludeCookies } from './distribution';
import {
  gateMissing,
  gateShadowed,
  gateWrongEvent,
  gatedBehaviorMissing,
  ungatedRouteToFilesOrigin,
  viewerFunctionsMixed,
} from './gate';
import { grantsBehaviorMissing, grantsSignatureRequired, grantsTokenLogged } from './grants';
import { edgeRuntimeRetiring } from './runtime';
import {
  distributionTenantWithoutParameter,
  multiTenantUnsupported,
  originPathParameter,
  tenantBindingOff,
  tenantModeNeedsCloudFrontFunction,
  tenantModeOnStandard,
  tenantParameterUndeclared,
} from './multi-tenant';
import { distributionTenantDomainParameter, loginOriginPathMissing } from './login-site';
import { gatedOriginNotS3, s3OriginLegacyOai, s3OriginNoOac, s3WebsiteOrigin } from './origins';
import {
  cacheKeyAuthorization,
  cacheKeyTokenCookie,
  cookiesForwardedToS3,
  hostHeaderForwarded,
  policyNotChecked,
} from './request-shape';

export const RULES = [
  viewerFunctionsMixed,
  gatedBehaviorMissing,
  gateWrongEvent,
  gateMissing,
  gateShadowed,
  viewerHttpAllowed,
  browserCacheNotPrivate,
  policyNotChecked,
  cacheKeyTokenCookie,
  cacheKeyAuthorization,
  cookiesForwardedToS3,
  hostHeaderForwarded,
  gatedWriteMethods,
  s3WebsiteOrigin,
  gatedOriginNotS3,
  s3OriginLegacyOai,
  s3OriginNoOac,
  ungatedRouteToFilesOrigin,
  authBehaviorMissing,
  authGated,
  authCachingEnabled,
  authOriginNotHttps,
  authViewerAddressMissing,
  authQueryDropped,
  grantsBehaviorMissing,
  grantsSignatureRequired,
  logsIncludeCookies,
  grantsTokenLogged,
  ipv6WithIpBinding,
  errorCachingTooLong,
  errorPageMasksRefusal,
  edgeRuntimeRetiring,
  multiTenantUnsupported,
  tenantModeOnStandard,
  tenantModeNeedsCloudFrontFunction,
  tenantParameterUndeclared,
  distributionTenantWithoutParameter,
  originPathParameter,
  loginOriginPathMissing,
  distributionTenantDomainParameter,
  tenantBindingOff,
] as const;
