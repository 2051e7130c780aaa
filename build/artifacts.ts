/**
 * The artifacts, built from one validated configuration. Used by build.mjs and by tests that need a
 * bundle built from a variant configuration.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { ConfigError, validateConfig, type GateConfig } from '../src/config';

export interface Artifact {
  name: string;
  file: string;
  /** A human description of the platform limit the artifact must fit. */
  limit: string;
}

export interface BuildOptions {
  configPath?: string;
  /** A configuration object instead of a file (tests). */
  config?: unknown;
  outdir: string;
  root: string;
}

export function loadConfig(path: string): GateConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the configuration ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return checked(raw, path);
}

function checked(raw: unknown, source: string): GateConfig {
  try {
    return validateConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`invalid configuration ${source}: ${error.message}`);
    throw error;
  }
}

export async function buildArtifacts(options: BuildOptions): Promise<Artifact[]> {
  const config =
    options.config !== undefined ? checked(options.config, '(object)') : loadConfig(options.configPath ?? 'gatekeeper.config.json');
  const define = { __GATE_CONFIG__: JSON.stringify(config) };
  const artifacts: Artifact[] = [];

  const viewerRequest = join(options.outdir, 'viewer-request', 'index.js');
  await esbuild.build({
    entryPoints: [join(options.root, 'functions', 'viewer-request.ts')],
    outfile: viewerRequest,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    define,
    legalComments: 'none',
    logLevel: 'error',
  });
  artifacts.push({ name: 'viewer-request', file: viewerRequest, limit: '1 MB zipped (Lambda@Edge viewer event)' });

  return artifacts;
}
