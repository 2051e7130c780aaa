/**
 * The one base of every error thrown outside the edge core, like jose's `JOSEError`: a stable `code` a caller
 * can switch on, and a message for people.
 *
 * Codes are `ERR_<AREA>_<WHAT>` (`ERR_CONFIG_INVALID`, `ERR_PACKAGE_INVALID`, `ERR_ATTACH_BEHAVIOR_MISSING`,
 * `ERR_USAGE`). Two kinds of code are not exceptions and keep their own spelling: the edge core's refusal
 * codes (src/errors.ts) and the login origin's (login/errors.ts), which are HTTP answers (`{"error": code}`)
 * that clients already read; `LoginError` carries its refusal code as its `code`.
 */
export class TenantGateError extends Error {
  override name = 'TenantGateError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
