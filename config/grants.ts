/**
 * The `grants` section of gatekeeper.config.json: folder grants (issue 14), a token in the path that opens one
 * folder under `pathPrefix` for a bounded time, for a viewer who may have no session. Absent or null: off, and
 * no edge bundle carries a byte of it (the `__TG_GRANTS__` switch, build/artifacts.ts).
 */
import { type z } from 'zod';
import { integer, matching, strictObject } from './fields';

export const GRANT_DEFAULTS = {
  pathPrefix: '/grants/',
  /** 48 hours: the film rental the issue was written for. */
  maxLifetimeSeconds: 172800,
} as const;

const DAY = 86400;
const SEGMENT = '[A-Za-z0-9_~-][A-Za-z0-9._~-]*';
const GRANTS_PREFIX = new RegExp(`^/(?:${SEGMENT}/)+$`);

export const grantsSchema = strictObject({
  pathPrefix: matching(GRANTS_PREFIX, 'must start and end with "/" and hold one plain segment or more, e.g. "/grants/"')
    .default(GRANT_DEFAULTS.pathPrefix)
    .describe(
      'Viewer paths of grants: <pathPrefix><grant token>/<path inside the folder>. Its own cache behavior ' +
        '(<pathPrefix>*), without trusted key group; never inside the gate pathPrefix nor /auth/.',
    ),
  maxLifetimeSeconds: integer(1, 30 * DAY)
    .default(GRANT_DEFAULTS.maxLifetimeSeconds)
    .describe('exp − iat of a folder grant may not exceed it (48 h by default, 30 days at most).'),
});

export type GrantsConfig = z.output<typeof grantsSchema>;

/** Whether one path prefix holds the other (`/files/` and `/files/grants/`): their behaviors would overlap. */
export function prefixesOverlap(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}
