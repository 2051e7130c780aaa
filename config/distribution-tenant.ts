/**
 * The `distributionTenant` section: the gate on a multi-tenant distribution (CloudFront SaaS Manager), where each
 * distribution tenant has its own domains and parameters (docs/platform.md#multi-tenant-distributions).
 *
 *   "distributionTenant": { "parameter": "tenant", "originPath": "rewrite", "domainParameter": "domain" }
 *
 * With it, the CloudFront Function reads the named parameter of the distribution tenant that was called and refuses
 * a credential of any other tenant (403 `tenant_domain_mismatch`), so that acme's token on globex's domain is refused
 * even though the rewrite would keep it inside acme's prefix. Absent: the gate ignores distribution tenants (the
 * default, for standard distributions). Only the CloudFront Function can read the distribution tenant: AWS documents
 * no distribution tenant in the Lambda@Edge event, so the Lambda@Edge gate refuses every request in this mode (503)
 * and the deploy, attach and `npm start` refuse to pair them (`distributionTenantTargetProblem`).
 */
import { matching, oneOf, strictObject } from './fields';

/**
 * A parameter name the gate can read and attach can declare: AWS documents no pattern for `ParameterDefinition.Name`,
 * so the project keeps to one that is safe in `{{name}}` placeholders, a JSON key and a log line.
 */
export const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export { DOMAIN_NAME } from './domain-name';

/** The default `domainParameter`: the distribution tenant's parameter naming the domain its users sign in on. */
export const DEFAULT_DOMAIN_PARAMETER = 'domain';

/** How the forwarded uri names the tenant's folder. */
export const ORIGIN_PATH_MODES = ['rewrite', 'parameter'] as const;
export type OriginPathMode = (typeof ORIGIN_PATH_MODES)[number];

export const distributionTenantSchema = strictObject(
  {
    parameter: matching(PARAMETER_NAME, 'must be a letter followed by up to 63 of [A-Za-z0-9_-], e.g. "tenant"')
      .default('tenant')
      .describe("The distribution tenant's parameter holding its tenant id (TenantConfig.ParameterDefinitions)."),
    domainParameter: matching(PARAMETER_NAME, 'must be a letter followed by up to 63 of [A-Za-z0-9_-], e.g. "domain"')
      .default(DEFAULT_DOMAIN_PARAMETER)
      .describe(
        "The distribution tenant's parameter holding the domain its users sign in on: the login's origin path " +
          'carries it (with the tenant parameter), so the login sets its cookies, checks the Origin and signs ' +
          'CloudFront cookies for that domain.',
      ),
    originPath: oneOf(ORIGIN_PATH_MODES)
      .default('rewrite')
      .describe(
        'rewrite: the gate rewrites the uri under originPrefix as on a standard distribution. parameter: the gate ' +
          'forwards the viewer uri unchanged and the origin\'s OriginPath names the tenant ("/tenants/{{tenant}}"), ' +
          'which is sound only because the gate refuses a credential of any other tenant first.',
      ),
  },
  'an object: { "parameter": "tenant", "originPath": "rewrite" | "parameter", "domainParameter": "domain" }',
).superRefine((section, ctx) => {
  if (section.domainParameter === section.parameter)
    ctx.addIssue({ code: 'custom', path: ['domainParameter'], message: 'must differ from "parameter"' });
});

/**
 * The login origin's `OriginPath` on a multi-tenant distribution: CloudFront fills each `{{name}}` with the called
 * distribution tenant's parameter (docs/platform.md#multi-tenant-distributions), so the login receives
 * `/<tenant>/<domain>/auth/session` and learns, from something only CloudFront sets, which tenant's domain the
 * viewer called (login/site.ts reads it back).
 */
export function loginOriginPath(section: { parameter: string; domainParameter: string }): string {
  return `/{{${section.parameter}}}/{{${section.domainParameter}}}`;
}

/** The gate targets a deploy, attach or `npm start` can choose (deploy/attach.ts GateKind). */
type GateTarget = 'lambda-edge' | 'cloudfront-function';

/**
 * Why this configuration cannot run on `target`, or undefined: the Lambda@Edge event does not name the distribution
 * tenant (docs/platform.md#multi-tenant-distributions), so only the CloudFront Function can bind a credential to it.
 */
export function distributionTenantTargetProblem(
  config: { distributionTenant?: unknown },
  target: GateTarget,
): string | undefined {
  if (config.distributionTenant === undefined || target === 'cloudfront-function') return undefined;
  return (
    'distributionTenant needs the CloudFront Function gate: AWS documents no distribution tenant in the Lambda@Edge ' +
    'event, so a Lambda@Edge gate cannot tell which tenant\'s domain was called (use gate "cloudfront-function")'
  );
}
