/**
 * A distribution tenant's domain as tenant-gate accepts it: a lower-case host name (CloudFront compares domains
 * case-insensitively; the project writes them lower-case), at most 253 characters. Its own module, free of zod, so
 * the login bundle (login/site.ts) takes it without the configuration schema.
 */
export const DOMAIN_NAME =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
