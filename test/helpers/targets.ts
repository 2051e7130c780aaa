/**
 * The built artifacts under test. Each is built by the project's own build from a configuration (the
 * default one, or the `web` variant) into a temporary folder: tests judge what ships, not the sources.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildArtifacts } from '../../build/artifacts';
import { GRANT_OVERRIDES } from '../cases/grant-cases';
import { WEB_OVERRIDES, type RequestCase } from '../cases/request-cases';
import { SCOPES } from '../cases/scope-cases';
import { CONFIG, ROOT } from './keys';
import { lambdaEdgeEvent, lambdaEdgeOutcome, loadLambdaEdge } from './lambda-edge';
import type { Outcome } from './outcome';
import { canRun, NJS } from './tools';
import { cloudFrontFunctionEvent, cloudFrontFunctionOutcome, njsRunner, vmRunner } from './cloudfront-function';

export type Runner = (c: RequestCase) => Promise<Outcome>;

export interface Target {
  name: string;
  /** Whether this target can verify asymmetric (ES256, RS256, EdDSA) tokens. */
  asymmetric: boolean;
  load(): Promise<Runner>;
}

const builds = new Map<string, Promise<string>>();

export type Variant = NonNullable<RequestCase['config']>;

/** What each configuration variant changes in the default one. */
export const VARIANTS: { [variant in Variant]: Record<string, unknown> } = {
  default: {},
  web: WEB_OVERRIDES,
  // The login must carry the claim the rules read (config/scopes.ts).
  scopes: {
    scopes: SCOPES,
    login: { ...CONFIG.login, claimMapping: { groups: 'roles' } },
  },
  grants: GRANT_OVERRIDES,
};

/** Builds (once per test file) the artifacts for a configuration variant; returns the output folder. */
export function built(variant: Variant, overrides: Record<string, unknown> = {}): Promise<string> {
  const key = variant + JSON.stringify(overrides);
  let dir = builds.get(key);
  if (!dir) {
    const outdir = mkdtempSync(join(tmpdir(), `tenant-gate-${variant}-`));
    const config = { ...CONFIG, ...VARIANTS[variant], ...overrides };
    dir = buildArtifacts({ config, outdir, root: ROOT }).then(() => outdir);
    builds.set(key, dir);
  }
  return dir;
}

export const lambdaEdge: Target = {
  name: 'Lambda@Edge bundle',
  asymmetric: true,
  async load() {
    const handlers = {
      default: loadLambdaEdge(join(await built('default'), 'viewer-request', 'index.js')),
      web: loadLambdaEdge(join(await built('web'), 'viewer-request', 'index.js')),
      scopes: loadLambdaEdge(join(await built('scopes'), 'viewer-request', 'index.js')),
      grants: loadLambdaEdge(join(await built('grants'), 'viewer-request', 'index.js')),
    };
    return async (c) => lambdaEdgeOutcome(await handlers[c.config ?? 'default'](lambdaEdgeEvent(c)));
  },
};

function cloudFrontFunction(name: string, runnerFor: (file: string) => (event: unknown) => Promise<unknown>): Target {
  return {
    name,
    asymmetric: false,
    async load() {
      const run = {
        default: runnerFor(join(await built('default'), 'cloudfront-function', 'index.js')),
        web: runnerFor(join(await built('web'), 'cloudfront-function', 'index.js')),
        scopes: runnerFor(join(await built('scopes'), 'cloudfront-function', 'index.js')),
        grants: runnerFor(join(await built('grants'), 'cloudfront-function', 'index.js')),
      };
      return async (c) => cloudFrontFunctionOutcome(await run[c.config ?? 'default'](cloudFrontFunctionEvent(c)));
    },
  };
}

export const cloudFrontFunctionVm = cloudFrontFunction('CloudFront Function (node:vm, CloudFront built-ins)', (file) =>
  vmRunner(file),
);
export const cloudFrontFunctionNjs = cloudFrontFunction('CloudFront Function (njs)', (file) => njsRunner(file));

/** Every built artifact; the njs run only where `njs` is installed (always under CI=true). */
export const targets: Target[] = [lambdaEdge, cloudFrontFunctionVm, ...(canRun(NJS) ? [cloudFrontFunctionNjs] : [])];
