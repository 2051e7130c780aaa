/** No validator code enters an edge bundle: the configuration reaches them as data, config/ as types only. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArtifacts, edgeInputs } from '../build/artifacts';
import { ROOT } from './helpers/keys';

const example = JSON.parse(readFileSync(join(ROOT, 'gatekeeper.config.json'), 'utf8')) as Record<string, unknown>;

describe('edge bundles carry no validator', async () => {
  const outdir = mkdtempSync(join(tmpdir(), 'tenant-gate-edge-'));
  const artifacts = await buildArtifacts({ config: example, outdir, root: ROOT });
  const edge = artifacts.filter((a) => a.name === 'viewer-request' || a.name === 'cloudfront-function');

  it.each(edge.map((a) => [a.name, a] as const))(
    '%s: inputs are the core and its adapter, no zod, no config/',
    (_name, artifact) => {
      expect(artifact.inputs!.length).toBeGreaterThan(3);
      expect(artifact.inputs!.some((input) => input.startsWith('src/'))).toBe(true);
      expect(artifact.inputs!.filter((input) => /zod|config\//.test(input))).toEqual([]);
    },
  );

  it.each(edge.map((a) => [a.name, a] as const))(
    '%s: the code holds no validator message or zod internals',
    (_name, artifact) => {
      const code = readFileSync(artifact.file, 'utf8');
      for (const marker of ['ZodError', '_zod', 'must be a lower-case host name', 'did you mean', 'unknown field']) {
        expect(code).not.toContain(marker);
      }
    },
  );

  // The login is no edge bundle, but it gets its configuration validated at build time too: a value imported from a
  // config/ module that also defines a schema would bring zod along (400 KB of it, once, by a domain regex).
  it('login: the code holds no zod either', () => {
    const login = artifacts.find((a) => a.name === 'login');
    const code = readFileSync(login!.file, 'utf8');
    for (const marker of ['ZodError', '_zod']) expect(code).not.toContain(marker);
  });

  it('the build stops when an edge bundle would include validator code', () => {
    const metafile = (inputs: string[]) => ({
      inputs: Object.fromEntries(inputs.map((input) => [input, { bytes: 1, imports: [] }])),
      outputs: {},
    });
    expect(edgeInputs('x', metafile(['src/decision.ts', 'functions/viewer-request.ts']))).toHaveLength(2);
    for (const bad of ['config/gate.ts', 'node_modules/zod/v4/classic/schemas.js']) {
      expect(() => edgeInputs('x', metafile(['src/decision.ts', bad]))).toThrow(
        expect.objectContaining({ code: 'ERR_BUILD_VALIDATOR_IN_EDGE_BUNDLE' }),
      );
    }
  });
});
