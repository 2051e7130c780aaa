/**
 * An origin's `OriginPath` as CloudFront applies it: put before the forwarded uri, for S3 and custom origins alike,
 * with each `{{name}}` placeholder filled from the called distribution tenant's parameters on a multi-tenant
 * distribution (docs/platform.md#multi-tenant-distributions). This is how the login learns the distribution tenant
 * (login/site.ts) and how `distributionTenant.originPath: "parameter"` names each tenant's folder.
 */

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/**
 * `originPath` with its placeholders filled. A placeholder the distribution tenant has no value for is a
 * configuration CloudFront would not serve (a required parameter must be given); locally it is an error at start,
 * never a request sent to the wrong path.
 */
export function fillOriginPath(originPath: string, parameters: Readonly<Record<string, string>>): string {
  return originPath.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = Object.hasOwn(parameters, name) ? parameters[name] : undefined;
    if (value === undefined || value === '')
      throw new Error(
        `OriginPath "${originPath}" names parameter {{${name}}}, and the distribution tenant has no value`,
      );
    return value;
  });
}
