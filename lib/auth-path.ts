/**
 * The distribution's behavior that routes to the login origin (a Lambda function URL behind origin access
 * control, docs/platform.md#origin-access-control-and-function-urls). Attach, detach, the doctor and the osls
 * plugin default to it; the login's routes (`/auth/session`, `/auth/links`) live below it.
 */
export const AUTH_PATH_PATTERN = '/auth/*';
