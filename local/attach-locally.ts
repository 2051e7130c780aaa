/**
 * The local distribution is what a deploy writes: a base DistributionConfig with the gate attached by the same
 * pure transform `tenant-gate attach` (and the osls plugin through it) applies — deploy/attach.ts — with local
 * stand-ins for what the stack would output (the gate's ARN, the login function URL, the key group, the response
 * headers policy, the origin access control).
 *
 * The plan is the plugin's (deploy/serverless-plugin.cjs): the gated behaviors from `pathPrefix`, the login at
 * `/auth/*` when the configuration has a login, the key group only when the login signs for CloudFront
 * (`login.cloudfront`), the private-files response headers policy, the OAC on the login origin, and the login's
 * origin request policy (the stack's `TenantGateLoginOriginRequestPolicy`, made from the same list:
 * login/origin-request.ts), so an IP-bound link works locally as in production.
 */
import type { DistributionConfig } from '@aws-sdk/client-cloudfront';
import { DEFAULT_AUTH_ORIGIN_ID } from '../cli/commands/attach';
import type { GateConfig } from '../config/gate';
import { hasLogin } from '../config/login';
import { PRIVATE_FILES_HEADERS_POLICY, type PolicyCatalog } from '../lib/distribution/policies';
import { loginOriginRequest, loginOriginRequestPolicyConfig } from '../login/origin-request';
import { attach, DEFAULT_AUTH_PATH_PATTERN, type AttachPlan, type ConfigEdit } from '../deploy/attach';
import { gatedPathPatterns, grantsPathPattern } from '../deploy/package-artifacts';

export type GateRuntime = 'lambda-edge' | 'cloudfront-function';

/** What the stack's outputs would be, locally. Account 000000000000, as no real account is. */
export const LOCAL_STAND_INS = {
  lambdaEdgeArn: 'arn:aws:lambda:us-east-1:000000000000:function:tenant-gate-local-viewer-request:1',
  cloudFrontFunctionArn: 'arn:aws:cloudfront::000000000000:function/tenant-gate-local-viewer',
  authOriginId: DEFAULT_AUTH_ORIGIN_ID,
  authOriginDomainName: 'tenantgatelocallogin.lambda-url.us-east-1.on.aws',
  keyGroupId: 'tenant-gate-local-key-group',
  responseHeadersPolicyId: 'tenant-gate-local-private-files',
  originAccessControlId: 'tenant-gate-local-login-oac',
  loginOriginRequestPolicyId: 'tenant-gate-local-login-origin-request',
} as const;

/** The stack's own policies under their stand-in ids, as the local distribution applies them. */
export function localStackPolicies(config: GateConfig): PolicyCatalog {
  return {
    cache: {},
    originRequest: hasLogin(config)
      ? {
          [LOCAL_STAND_INS.loginOriginRequestPolicyId]: loginOriginRequestPolicyConfig(
            'tenant-gate-local-login',
            loginOriginRequest(config),
          ),
        }
      : {},
    responseHeaders: { [LOCAL_STAND_INS.responseHeadersPolicyId]: PRIVATE_FILES_HEADERS_POLICY },
  };
}

export function localAttachPlan(config: GateConfig, gate: GateRuntime): AttachPlan {
  const grants = grantsPathPattern(config);
  return {
    pathPatterns: gatedPathPatterns(config),
    grants: grants === null ? undefined : { pathPattern: grants, from: gatedPathPatterns(config)[0]! },
    gate:
      gate === 'lambda-edge'
        ? { kind: 'lambda-edge', arn: LOCAL_STAND_INS.lambdaEdgeArn }
        : { kind: 'cloudfront-function', arn: LOCAL_STAND_INS.cloudFrontFunctionArn },
    auth:
      config.login === undefined
        ? undefined
        : {
            pathPattern: DEFAULT_AUTH_PATH_PATTERN,
            originDomainName: LOCAL_STAND_INS.authOriginDomainName,
            originId: LOCAL_STAND_INS.authOriginId,
            originAccessControlId: LOCAL_STAND_INS.originAccessControlId,
            originRequestPolicyId: LOCAL_STAND_INS.loginOriginRequestPolicyId,
          },
    trustedKeyGroupId: config.login?.cloudfront ? LOCAL_STAND_INS.keyGroupId : undefined,
    responseHeadersPolicyId: LOCAL_STAND_INS.responseHeadersPolicyId,
    tenantParameter: config.distributionTenant?.parameter,
    domainParameter: config.distributionTenant?.domainParameter,
  };
}

/** `base` with the gate attached as a deploy would attach it. */
export function attachLocally(base: DistributionConfig, config: GateConfig, gate: GateRuntime): ConfigEdit {
  return attach(base, localAttachPlan(config, gate));
}
