/**
 * The CloudFront Function's cost per request: under njs (bench/njs.ts) against a floor function written for
 * njs, for a short and a long path — the figure that stands for CloudFront's engine — and in Node's vm with
 * CloudFront's built-ins against the same HS256 floor as the Lambda@Edge bench, where V8's JIT hides what an
 * interpreter pays. Neither is what CloudFront bills; `aws cloudfront test-function` reports that.
 * Also: the size of the default build and what each optional feature adds to it.
 */
import { spawnSync } from 'node:child_process';
import { createHmac, createSecretKey } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildArtifacts, CLOUDFRONT_FUNCTION_MAX_BYTES } from '../build/artifacts';
import { loadCloudFrontFunction } from '../local/cloudfront-function-runtime';
import { cloudFrontFunctionEvent } from '../test/helpers/cloudfront-function';
import { CONFIG, ROOT } from '../test/helpers/keys';
import { mint } from '../test/helpers/tokens';
import { measureRatio } from './measure';
import { benchUnderNjs } from './njs';
import { hasValgrind, instructionsUnderNjs } from './njs-instructions';

/** The goals for the CloudFront Function (issue #12). */
const NJS_GOAL = 2;
const SIZE_GOAL = 6144;
const PATHS = ['/files/2026/report.pdf', '/files/' + 'abcdefghij/'.repeat(17) + 'report-2026.pdf'];

export async function benchCloudFrontFunction(
  row: (...cells: (string | number)[]) => void,
  us: (n: number) => string,
): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const token = mint({ claims: { iat: now - 60, exp: now + 900 } });
  const key = CONFIG.keys.find((k) => k.kid === 'hs-2026-11');
  if (key?.alg !== 'HS256') throw new Error('bench key missing');
  const secret = createSecretKey(Buffer.from(key.secret, 'base64url'));
  // As for Lambda@Edge: the floor works on a fresh copy of the token string each time, as the function
  // works on a freshly parsed event.
  const tokenJson = JSON.stringify(token);
  let tokens: string[] = [];
  const floor = (i: number) => {
    const t = tokens[i]!;
    const dot = t.lastIndexOf('.');
    createHmac('sha256', secret).update(t.slice(0, dot)).digest('base64url');
    return JSON.parse(Buffer.from(t.slice(t.indexOf('.') + 1, dot), 'base64url').toString('utf8'));
  };

  const handler = loadCloudFrontFunction(readFileSync(join(ROOT, 'dist', 'cloudfront-function', 'index.js'), 'utf8'));
  const json = JSON.stringify(
    cloudFrontFunctionEvent({
      name: '',
      uri: '/files/2026/report.pdf',
      cookies: [`theme=dark; __Host-tenant=${token}`],
      expect: { status: 0 },
    }),
  );
  const first = (await handler(JSON.parse(json))) as { uri?: string };
  if (first.uri !== '/tenants/acme/files/2026/report.pdf')
    throw new Error('the CloudFront Function bench token is refused');
  const ops = 1000;
  let batch: unknown[] = [];
  const m = await measureRatio(
    floor,
    (i) => handler(batch[i]),
    ops,
    41,
    () => {
      batch = Array.from({ length: ops }, () => JSON.parse(json));
    },
    () => {
      tokens = Array.from({ length: ops }, () => JSON.parse(tokenJson) as string);
    },
  );
  row(
    'CloudFront Function HS256 per request (vm)',
    us(m.gate),
    `floor ${us(m.floor)}`,
    `${m.ratio.toFixed(2)}×`,
    'goal ≤ 3×',
    m.ratio <= 3 ? 'met' : 'MISSED',
  );
}

/** Under njs, when it is installed: one line saying so when it is not. */
export function benchCloudFrontFunctionNjs(
  row: (...cells: (string | number)[]) => void,
  us: (n: number) => string,
): void {
  const probe = spawnSync('njs', ['-v'], { stdio: 'ignore' });
  if (probe.error !== undefined || probe.status !== 0) {
    row('CloudFront Function under njs', 'skipped: njs not installed (apt-get install njs)', '', '', '', '');
    return;
  }
  const now = Math.floor(Date.now() / 1000);
  const token = mint({ claims: { iat: now - 60, exp: now + 900 } });
  const key = CONFIG.keys.find((k) => k.kid === 'hs-2026-11');
  if (key?.alg !== 'HS256') throw new Error('bench key missing');
  const code = readFileSync(join(ROOT, 'dist', 'cloudfront-function', 'index.js'), 'utf8');
  const counted = hasValgrind();
  for (const uri of PATHS) {
    const input = {
      code,
      secret: key.secret,
      cookieName: CONFIG.cookieName,
      token,
      uri,
      expectedUri: '/tenants/acme' + uri,
      calls: 10_000,
      rounds: 5,
    };
    const m = benchUnderNjs(input);
    row(
      `CloudFront Function HS256 per request (njs, ${uri.length}-character path)`,
      us(m.gate),
      `floor ${us(m.floor)}`,
      `${m.ratio.toFixed(2)}×`,
      `goal ≤ ${NJS_GOAL}×`,
      m.ratio <= NJS_GOAL ? 'met' : 'MISSED',
    );
    if (!counted) {
      row(`  instructions (${uri.length}-character path)`, 'skipped: valgrind not installed', '', '', '', '');
      continue;
    }
    const counts = instructionsUnderNjs(input);
    for (const [name, figure] of [
      ['warm context', counts.warm!],
      ['fresh context (nothing left by an earlier request)', counts.fresh!],
    ] as const) {
      row(
        `  instructions, ${name} (${uri.length}-character path)`,
        `${(figure.gate / 1000).toFixed(1)} k`,
        `floor ${(figure.floor / 1000).toFixed(1)} k`,
        `${figure.ratio.toFixed(2)}×`,
        `goal ≤ ${NJS_GOAL}×`,
        figure.ratio <= NJS_GOAL ? 'met' : 'MISSED',
      );
    }
  }
}

/**
 * The default build's size, and every variant's (built here): whether it keeps the fast path (a build that would
 * not fit with it leaves it out), or by how much it is over the limit (such a build fails).
 */
export async function cloudFrontFunctionSizes(row: (...cells: (string | number)[]) => void): Promise<void> {
  const web = { corsOrigins: ['https://app.example.com'], loginUrl: '/login' };
  const store = { cloudfrontFunction: { keySource: 'keyValueStore', tenantKillSwitch: true } };
  // Path scopes (issue 13): a per-user folder and a role folder, and the login mapping the role claim needs.
  const scopes = {
    scopes: {
      rules: [{ path: '/files/users/{sub}/' }, { path: '/files/finance/', claim: 'roles', anyOf: ['finance'] }],
    },
    login: { ...CONFIG.login, claimMapping: { groups: 'roles' } },
  };
  const variants: [string, Record<string, unknown>][] = [
    ['default', {}],
    ['+ corsOrigins', { corsOrigins: web.corsOrigins }],
    ['+ loginUrl', { loginUrl: web.loginUrl }],
    ['web (corsOrigins + loginUrl)', web],
    ['+ keys in the KeyValueStore', { cloudfrontFunction: { keySource: 'keyValueStore', tenantKillSwitch: false } }],
    ['+ tenant kill switch', { cloudfrontFunction: { keySource: 'inline', tenantKillSwitch: true } }],
    ['KeyValueStore keys + kill switch', store],
    ['+ scopes', scopes],
    ['+ distributionTenant (multi-tenant distribution)', { distributionTenant: { parameter: 'tenant' } }],
    ['+ folder grants', { grants: {} }],
    [
      '+ revocation (reads its KeyValueStore)',
      { cloudfrontFunction: { keySource: 'inline', tenantKillSwitch: false, revocation: true } },
    ],
    [
      'all features',
      {
        ...web,
        ...scopes,
        grants: {},
        distributionTenant: { parameter: 'tenant' },
        cloudfrontFunction: { keySource: 'keyValueStore', tenantKillSwitch: true, revocation: true },
      },
    ],
  ];
  // What a request costs each variant in a fresh context (njs instructions), where it needs no cloudfront module.
  const counted = hasValgrind() && spawnSync('njs', ['-v'], { stdio: 'ignore' }).status === 0;
  const now = Math.floor(Date.now() / 1000);
  const key = CONFIG.keys.find((k) => k.kid === 'hs-2026-11');
  if (key?.alg !== 'HS256') throw new Error('bench key missing');
  const freshCost = (code: string): string => {
    if (!counted || code.startsWith('import ')) return '';
    const figure = instructionsUnderNjs(
      {
        code,
        secret: key.secret,
        cookieName: CONFIG.cookieName,
        token: mint({ claims: { iat: now - 60, exp: now + 900 } }),
        uri: PATHS[0]!,
        expectedUri: '/tenants/acme' + PATHS[0]!,
      },
      'fresh',
    ).fresh!;
    return `fresh context ${figure.ratio.toFixed(2)}× the floor`;
  };
  for (const [name, overrides] of variants) {
    const outdir = mkdtempSync(join(tmpdir(), 'tenant-gate-bench-size-'));
    let artifact: Awaited<ReturnType<typeof buildArtifacts>>[number] | undefined;
    try {
      artifact = (await buildArtifacts({ config: { ...CONFIG, ...overrides }, outdir, root: ROOT })).find(
        (a) => a.name === 'cloudfront-function',
      );
    } catch (error) {
      const over = /over CloudFront's limit of \d+ bytes by (\d+)/.exec(String(error));
      row(
        `size cloudfront-function, ${name}`,
        over ? `over the limit by ${over[1]} B` : String(error),
        '',
        '',
        '',
        'FAILS',
      );
      continue;
    }
    const code = readFileSync(join(outdir, 'cloudfront-function', 'index.js'), 'utf8');
    const size = Buffer.byteLength(code);
    const kvs = 'cloudfrontFunction' in overrides;
    const path = kvs
      ? 'no fast path (awaits its store)'
      : 'scopes' in overrides
        ? 'no fast path (scopes read claims it does not)'
        : artifact?.note?.includes('without its fast path')
          ? 'no fast path (too big with it)'
          : 'with the fast path';
    if (name === 'default') {
      row(
        'size cloudfront-function, default build',
        `${size} B`,
        path,
        freshCost(code),
        `goal ≤ ${SIZE_GOAL} B (limit ${CLOUDFRONT_FUNCTION_MAX_BYTES} B)`,
        size <= SIZE_GOAL ? 'met' : 'MISSED',
      );
    } else row(`size cloudfront-function, ${name}`, `${size} B`, path, freshCost(code), '', '');
  }
}
