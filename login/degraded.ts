/**
 * A log line for a dependency that failed while the login kept answering from its last good value (or could
 * not): `{"login":"degraded","dependency":"secrets","servingStale":true,"reason":…}`. The reason is a
 * `LoginError` reason or an error's name — never a secret's text (see login/secrets.ts `failureName`).
 */
import { LoginError } from './errors';
import { failureName } from './secrets';

export type Dependency = 'secrets' | 'jwks';

export type DegradedReport = (dependency: Dependency, error: unknown, servingStale: boolean) => void;

export function degradedReason(error: unknown): string {
  return error instanceof LoginError ? error.reason : failureName(error);
}

export const logDegraded: DegradedReport = (dependency, error, servingStale) => {
  console.log(JSON.stringify({ login: 'degraded', dependency, servingStale, reason: degradedReason(error) }));
};
