/**
 * The artifacts, built from one validated configuration. Used by build.mjs and by tests that need a
 * bundle built from a variant configuration.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';
import { minify } from 'terser';
import { ConfigError, validateConfig, type GateConfig } from '../config/gate';
import { CLOUDFRONT_FUNCTION_MAX_BYTES } from '../lib/cloudfront-limits';
import { TenantGateError } from '../lib/errors';
import { withheldSecrets } from '../login/keys';
import { LOGGED_BY_INDEX } from '../src/errors';
import { unsupportedSyntax } from './cloudfront-syntax';

export { CLOUDFRONT_FUNCTION_MAX_BYTES };

export interface Artifact {
  name: string;
  file: string;
  /** Something the person building should know about this artifact (printed by build.mjs). */
  note?: string;
  /** A human description of the platform limit the artifact must fit. */
  limit: string;
  /** The source files bundled (esbuild's metafile), for the edge bundles: proof that no validator is inside. */
  inputs?: readonly string[];
}

export interface BuildOptions {
  configPath?: string;
  /** A configuration object instead of a file (tests). */
  config?: unknown;
  outdir: string;
  root: string;
  /** False only for the test that holds the CloudFront Function's fast path to its general path. */
  cloudFrontFastPath?: boolean;
}

export function loadConfig(path: string): GateConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TenantGateError(
      'ERR_CONFIG_UNREADABLE',
      `cannot read the configuration ${path}: ${(error as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new TenantGateError('ERR_CONFIG_NOT_JSON', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  return checked(raw, path);
}

function checked(raw: unknown, source: string): GateConfig {
  try {
    return validateConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) throw error.from(source);
    throw error;
  }
}

/**
 * What an edge bundle may be made of: the core, the adapters and their helpers, never a validator. The
 * configuration reaches the bundles as data (`define`); config/ contributes types only, which esbuild erases.
 */
const VALIDATOR_INPUT = /(?:^|\/)(?:node_modules\/zod\/|config\/)/;

/** The inputs of an edge bundle, refused when one is validator code (fail closed: the build stops). */
export function edgeInputs(name: string, metafile: esbuild.Metafile): string[] {
  const inputs = Object.keys(metafile.inputs);
  const validators = inputs.filter((input) => VALIDATOR_INPUT.test(input));
  if (validators.length > 0) {
    throw new TenantGateError(
      'ERR_BUILD_VALIDATOR_IN_EDGE_BUNDLE',
      `${name} bundles validator code (${validators.join(', ')}): edge code may import only types from config/`,
    );
  }
  return inputs;
}

/**
 * An HS256 verification key is also the signing key: whoever can read the deployed code can mint tokens.
 * Said at every build, so that choosing it is a decision (ES256 embeds only a public key; the CloudFront
 * Function can read its keys from a KeyValueStore instead).
 */
function embeddedSecretsNote(kids: string[], readPermission: string, advice: string): string | undefined {
  if (kids.length === 0) return undefined;
  return `embeds the HS256 secret of ${kids.join(', ')}: anyone allowed ${readPermission} can mint tokens. ${advice}`;
}

/** Compile-time switches read by src/decision.ts: code for an unused feature is left out of the bundles. */
function featureDefines(config: GateConfig): Record<string, string> {
  return {
    __TG_CORS__: String(config.corsOrigins.length > 0),
    __TG_LOGIN_REDIRECT__: String(config.loginUrl !== null),
    __TG_SCOPES__: String(config.scopes !== undefined),
    // The token's `sub`: read by the features that need it (scopes, revocation), not carried by a build without them.
    // The CloudFront Function's build overrides it with its own revocation switch.
    __TG_SUBJECT__: String(config.scopes !== undefined || config.lambdaEdge.revocation),
    __TG_DISTRIBUTION_TENANT__: String(config.distributionTenant !== undefined),
    __TG_ORIGIN_PATH_BY_PARAMETER__: String(config.distributionTenant?.originPath === 'parameter'),
    __TG_GRANTS__: String(config.grants !== null),
    // Lambda@Edge answers 503 only when it cannot learn revocations; the CloudFront Function's build overrides both.
    __TG_STORE__: String(config.lambdaEdge.revocation),
    __TG_REVOCATION__: String(config.lambdaEdge.revocation),
  };
}

export async function buildArtifacts(options: BuildOptions): Promise<Artifact[]> {
  const config =
    options.config !== undefined
      ? checked(options.config, '(object)')
      : loadConfig(options.configPath ?? 'gatekeeper.config.json');
  // Edge bundles carry the gate's own fields only: the login section stays with the login function.
  const { login: _login, ...gateOnly } = config;
  const define = { __GATE_CONFIG__: JSON.stringify(gateOnly), ...featureDefines(config) };
  const artifacts: Artifact[] = [];

  const viewerRequest = join(options.outdir, 'viewer-request', 'index.js');
  const viewerRequestBuild = await esbuild.build({
    entryPoints: [join(options.root, 'functions', 'viewer-request.ts')],
    outfile: viewerRequest,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    define,
    metafile: true,
    legalComments: 'none',
    logLevel: 'error',
  });
  markCommonJs(viewerRequest);
  artifacts.push({
    name: 'viewer-request',
    file: viewerRequest,
    limit: '1 MB zipped (Lambda@Edge viewer event)',
    inputs: edgeInputs('viewer-request', viewerRequestBuild.metafile),
    note:
      [
        embeddedSecretsNote(
          config.keys.filter((k) => k.alg === 'HS256').map((k) => k.kid),
          'lambda:GetFunction',
          'Prefer ES256 here: only its public key is embedded.',
        ),
        config.distributionTenant === undefined
          ? undefined
          : 'distributionTenant: this bundle refuses every request (503 distribution_tenant_unavailable), since the ' +
            'Lambda@Edge event does not name the distribution tenant; deploy the CloudFront Function',
      ]
        .filter((n) => n !== undefined)
        .join('; ') || undefined,
  });

  // --- login (functions/login.ts, owner: login origin) -------------------------------------------------------
  // A regional Lambda behind a function URL: the whole validated configuration (login section included) is
  // embedded, the private keys never are (read at cold start from login.secrets). `module` first so jose and
  // the CloudFront signer resolve to their ESM builds, which bundle smaller.
  if (config.login !== undefined) {
    const login = join(options.outdir, 'login', 'index.js');
    await esbuild.build({
      entryPoints: [join(options.root, 'functions', 'login.ts')],
      outfile: login,
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      mainFields: ['module', 'main'],
      define: { __LOGIN_CONFIG__: JSON.stringify(withheldSecrets(config)) },
      legalComments: 'none',
      logLevel: 'error',
    });
    markCommonJs(login);
    artifacts.push({ name: 'login', file: login, limit: '50 MB zipped (Lambda)' });
  }
  // --- end login ---------------------------------------------------------------------------------------------

  artifacts.push(await buildCloudFrontFunction(config, options));

  return artifacts;
}

/**
 * The Lambda bundles are CommonJS (Lambda loads a `.js` handler as CommonJS unless a package.json says
 * otherwise); this repository is ESM, so a marker keeps Node from reading `dist/<name>/index.js` as ESM when
 * the tests and the local distribution load it. The zip carries `index.js` only.
 */
function markCommonJs(bundle: string): void {
  writeFileSync(join(dirname(bundle), 'package.json'), '{"type":"commonjs"}\n');
}

const INTERNAL_PROPERTIES = new RegExp(
  '^(?:' +
    [
      'tokenCookies',
      'linkTokens',
      'viewerIp',
      'header',
      'action',
      'response',
      'refusal',
      'credential',
      'decide',
      'refuse',
      'failure',
      'reason',
      'kind',
      'tenant',
      'parts',
      'ok',
      'token',
      'path',
      'status',
      'verify',
      'segmentBytes',
      'code',
      'encode',
      'text',
      'mac',
      'subject',
      'scopeClaims',
      // Configuration fields (embedded as an object literal by this build, never read from outside).
      'issuer',
      'audience',
      'cookieName',
      'tenantClaim',
      'tenantPattern',
      'clockToleranceSeconds',
      'maxTokenLength',
      'maxTokenLifetimeSeconds',
      'maxLinkLifetimeSeconds',
      'pathPrefix',
      'originPrefix',
      'corsOrigins',
      'loginUrl',
      'linkTokenParam',
      'scopes',
      'rules',
      'claim',
      'anyOf',
      // The distribution-tenant mode (src/distribution-tenant.ts). Never `distributionTenant` or `parameters`:
      // those are the runtime's own `cf.distributionTenant.parameters`, read by the wrapper below.
      'siteTenant',
      'grants',
      'maxLifetimeSeconds',
    ].join('|') +
    ')$',
);

/** A value as JavaScript source, with identifier keys unquoted (so esbuild may rename them). */
function jsLiteral(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jsLiteral).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(
      ([key, member]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}:${jsLiteral(member)}`,
    );
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** An esbuild plugin serving one in-memory module under `name`. */
/** A string literal as Prettier writes it in our sources: single quotes, `\\` and `'` escaped. */
function sourceLiteral(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The CloudFront Function logs a token failure or a path problem by its index in its list (src/errors.ts,
 * LOGGED_BY_INDEX): each such literal in the sources of this build becomes the index, as a string, so that
 * nothing that tests it (`typeof x === 'string'`, a comparison with another literal) reads it differently.
 */
function numberedReasons(root: string): esbuild.Plugin {
  const replacements: [string, string][] = [];
  for (const list of Object.values(LOGGED_BY_INDEX)) {
    list.forEach((reason, index) => replacements.push([sourceLiteral(reason), `'${index}'`]));
  }
  const sources = new RegExp(`^${escapeRegExp(root)}/(?:src|functions)/[^/]+\\.ts$`);
  return {
    name: 'numbered-reasons',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!sources.test(args.path)) return undefined;
        let contents = readFileSync(args.path, 'utf8');
        for (const [literal, index] of replacements) contents = contents.split(literal).join(index);
        return { contents, loader: 'ts' };
      });
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The built function must hold none of the names it logs by number: one written another way would cost bytes. */
function checkNumberedReasons(code: string): void {
  for (const list of Object.values(LOGGED_BY_INDEX)) {
    for (const reason of list) {
      if (code.includes(JSON.stringify(reason)) || code.includes(sourceLiteral(reason)))
        throw new Error(
          `the CloudFront Function still holds the reason ${JSON.stringify(reason)}: write it as a plain '…' literal in src/ or functions/`,
        );
    }
  }
}

function inlineModule(name: string, contents: string): esbuild.Plugin {
  const filter = new RegExp(`^${name.replace(/[^\w]/g, '\\$&')}$`);
  return {
    name,
    setup(build) {
      build.onResolve({ filter }, () => ({ path: name, namespace: 'inline' }));
      build.onLoad({ filter: /.*/, namespace: 'inline' }, () => ({ contents, loader: 'js' }));
    },
  };
}

/** Whether the CloudFront Function needs its KeyValueStore (keys read from it, the kill switch, or revocation). */
export function usesKeyValueStore(config: GateConfig): boolean {
  const cff = config.cloudfrontFunction;
  return cff.keySource === 'keyValueStore' || cff.tenantKillSwitch || cff.revocation;
}

/** The keys the CloudFront Function embeds: only HS256 keys can be used there, and only when they are inline. */
function embeddedKeys(config: GateConfig): GateConfig['keys'] {
  return config.cloudfrontFunction.keySource === 'inline' ? config.keys.filter((k) => k.alg === 'HS256') : [];
}

/**
 * The CloudFront Function: one script, a top-level `handler(event)`, no exports, only the runtime's own
 * modules. esbuild bundles the adapter and the core (target es2018, which the runtime and Debian's njs
 * both parse); a small wrapper hands it `crypto` and the KeyValueStore and declares `handler`.
 */
async function buildCloudFrontFunction(config: GateConfig, options: BuildOptions): Promise<Artifact> {
  const keys = embeddedKeys(config);
  // The fast path serves a function that awaits nothing (inline keys, no store). It costs about 1.3 KB: when the
  // function would not fit with it, it is built without (the same decisions, the general path's cost). Scopes read
  // claims the fast path does not: with them, every request takes the general path. It serves session cookies under
  // pathPrefix only, so grants (under their own prefix) always take the general path, and checks the distribution
  // tenant itself (test/cross-target.test.ts holds it to the general path).
  const wantsFastPath =
    options.cloudFrontFastPath !== false && !usesKeyValueStore(config) && config.scopes === undefined;
  let built = await cloudFrontFunctionCode(config, keys, options, wantsFastPath);
  let fastPathNote: string | undefined;
  if (wantsFastPath && Buffer.byteLength(built.code) > CLOUDFRONT_FUNCTION_MAX_BYTES) {
    const over = Buffer.byteLength(built.code) - CLOUDFRONT_FUNCTION_MAX_BYTES;
    built = await cloudFrontFunctionCode(config, keys, options, false);
    fastPathNote = `built without its fast path (${over} B over the limit with it): every request takes the general path`;
  }
  const code = built.code;
  const size = Buffer.byteLength(code);
  if (size > CLOUDFRONT_FUNCTION_MAX_BYTES) {
    const costs = await featureCosts(config, size, options);
    throw new Error(
      `the CloudFront Function is ${size} bytes, over CloudFront's limit of ${CLOUDFRONT_FUNCTION_MAX_BYTES} bytes ` +
        `by ${size - CLOUDFRONT_FUNCTION_MAX_BYTES}. ` +
        (costs.length > 0 ? `What the configuration's features cost in it: ${costs.join(', ')}. ` : '') +
        'Turn one off for this target, move keys to the KeyValueStore (cloudfrontFunction.keySource) or drop unused ones, ' +
        'or use the Lambda@Edge gate, which has every feature and no such limit',
    );
  }
  const file = join(options.outdir, 'cloudfront-function', 'index.js');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, code);
  return {
    name: 'cloudfront-function',
    file,
    limit: `${CLOUDFRONT_FUNCTION_MAX_BYTES} B (CloudFront Functions)`,
    inputs: edgeInputs('cloudfront-function', built.metafile),
    note:
      [
        embeddedSecretsNote(
          keys.map((k) => k.kid),
          'cloudfront:GetFunction',
          'cloudfrontFunction.keySource "keyValueStore" keeps keys out of the code.',
        ),
        fastPathNote,
      ]
        .filter((n) => n !== undefined)
        .join('; ') || undefined,
  };
}

/**
 * The optional features a configuration turns on, each as the configuration without it: what a build over the
 * limit reports, so that the message says which one to give up (bench/cloudfront-function.ts measures the same).
 */
function cloudFrontFunctionFeatures(config: GateConfig): [string, GateConfig][] {
  const cff = config.cloudfrontFunction;
  const off = (name: string, on: boolean, without: Partial<GateConfig>): [string, GateConfig][] =>
    on ? [[name, { ...config, ...without }]] : [];
  return [
    ...off('corsOrigins', config.corsOrigins.length > 0, { corsOrigins: [] }),
    ...off('loginUrl', config.loginUrl !== null, { loginUrl: null }),
    ...off('scopes', config.scopes !== undefined, { scopes: undefined }),
    ...off('grants', config.grants !== null, { grants: null }),
    ...off('distributionTenant', config.distributionTenant !== undefined, { distributionTenant: undefined }),
    ...off('cloudfrontFunction.revocation', cff.revocation, { cloudfrontFunction: { ...cff, revocation: false } }),
    ...off('cloudfrontFunction.tenantKillSwitch', cff.tenantKillSwitch, {
      cloudfrontFunction: { ...cff, tenantKillSwitch: false },
    }),
  ];
}

/** `name +N B` for each feature on, the bytes the build would lose without it. */
async function featureCosts(config: GateConfig, size: number, options: BuildOptions): Promise<string[]> {
  const costs: string[] = [];
  for (const [name, without] of cloudFrontFunctionFeatures(config)) {
    const smaller = await cloudFrontFunctionCode(without, embeddedKeys(without), options, false);
    costs.push(`${name} +${size - Buffer.byteLength(smaller.code)} B`);
  }
  return costs;
}

/** The CloudFront Function's script, with or without its fast path. */
async function cloudFrontFunctionCode(
  config: GateConfig,
  keys: GateConfig['keys'],
  options: BuildOptions,
  fastPath: boolean,
): Promise<{ code: string; metafile: esbuild.Metafile }> {
  // Only the fields the function reads at run time: every byte counts under the 10 KB limit.
  // `distributionTenant` becomes build switches and the wrapper's parameter name; `grants` is embedded only when
  // configured: a build without them carries not even the field.
  const {
    login: _login,
    domain: _domain,
    cloudfrontFunction: _cff,
    lambdaEdge: _edge,
    distributionTenant,
    grants,
    ...shared
  } = config;
  const runtimeFields = grants === null ? shared : { ...shared, grants };
  const result = await esbuild.build({
    entryPoints: [join(options.root, 'functions', 'cloudfront-function.ts')],
    write: false,
    bundle: true,
    minify: true,
    platform: 'neutral',
    // es2018: esbuild then rewrites `catch {}` (ES2019), which Debian's njs 0.7 cannot parse.
    target: 'es2018',
    format: 'esm',
    // The config as a module of plain object literals (not a JSON define), so that its field names are
    // shortened along with the code that reads them.
    plugins: [
      inlineModule('tenant-gate:config', `export const __tgConfig = ${jsLiteral({ ...runtimeFields, keys })};`),
      numberedReasons(options.root),
    ],
    inject: ['tenant-gate:config'],
    define: {
      __GATE_CONFIG__: '__tgConfig',
      __KEYS_IN_STORE__: String(config.cloudfrontFunction.keySource === 'keyValueStore'),
      __KILL_SWITCH__: String(config.cloudfrontFunction.tenantKillSwitch),
      __TG_FAST_PATH__: String(fastPath),
      ...featureDefines(config),
      __TG_STORE__: String(usesKeyValueStore(config)),
      __TG_REVOCATION__: String(config.cloudfrontFunction.revocation),
      __TG_SUBJECT__: String(config.scopes !== undefined || config.cloudfrontFunction.revocation),
    },
    // Property names of the core's own objects, shortened in this artifact only. Every name listed is
    // internal (never a field of a CloudFront event or result, a token, a store entry or a built-in), and
    // never written as a string (`'x' in o`, `o['x']`), which esbuild does not rename. The conformance
    // suite runs this very artifact, so a wrong entry fails the tests, not production.
    mangleProps: INTERNAL_PROPERTIES,
    metafile: true,
    legalComments: 'none',
    logLevel: 'error',
  });
  const kvs = usesKeyValueStore(config);

  // The runtime takes a script, not a module: drop esbuild's closing `export{a as handle,b as init};` and call
  // the two by their minified names (an IIFE would cost its export helpers, about 500 bytes).
  const esm = result.outputFiles[0]!.text.trim();
  const exported = /export\{([\w$]+) as handle,([\w$]+) as init\};?$/.exec(esm);
  if (!exported)
    throw new Error('unexpected esbuild output for the CloudFront Function: no trailing export of handle and init');
  const body = esm.slice(0, exported.index);
  checkNumberedReasons(body);
  const script = [
    "var crypto = require('crypto');",
    body,
    `${exported[2]}({ crypto: crypto, kvs: ${kvs ? 'cf.kvs()' : 'undefined'}${
      // Read per request, inside the handler's calls: the only place AWS documents it (docs/platform.md#multi-tenant-distributions).
      distributionTenant === undefined
        ? ''
        : `, tenantParameter: function () { try { return cf.distributionTenant.parameters.get(${JSON.stringify(distributionTenant.parameter)}); } catch (e) {} }`
    } });`,
    // Async only when the function awaits its KeyValueStore: CloudFront takes a plain result as well.
    `${kvs ? 'async ' : ''}function handler(event) { return ${exported[1]}(event); }`,
  ].join('\n');
  const code = [
    // The runtime requires this import to be the first line of the function.
    ...(kvs || distributionTenant !== undefined ? ["import cf from 'cloudfront';"] : []),
    await squeezed(script, kvs),
    '',
  ].join('\n');
  const unsupported = unsupportedSyntax(code);
  if (unsupported.length > 0) {
    throw new TenantGateError(
      'ERR_BUILD_UNSUPPORTED_SYNTAX',
      `the CloudFront Function holds syntax the cloudfront-js-2.0 runtime does not list: ${unsupported.join('; ')}`,
    );
  }
  return { code, metafile: result.metafile };
}

/**
 * The script once more through terser, which esbuild's minifier is not: it inlines functions called once, merges
 * declarations, and renames the script's top-level names, all but `handler` (about 7% of the function; 4% for a
 * function that awaits). Options kept to what the runtime documents: arrow functions for function expressions that
 * never read `this`, and no shorthand properties, which the 2.0 page does not list (docs/platform.md#njs-as-a-stand-in;
 * build/cloudfront-syntax.ts checks the result). `cf`, the runtime's module, is declared by the import line above the
 * script, so terser reads it as a global and leaves it alone.
 */
async function squeezed(script: string, awaits: boolean): Promise<string> {
  const result = await minify(script, {
    ecma: 2015,
    module: false,
    toplevel: true,
    // A function that awaits keeps its functions where they are declared: inlined where they are called once, an
    // async one would become an async closure.
    compress: { passes: 2, top_retain: ['handler'], unsafe_arrows: true, reduce_funcs: !awaits },
    mangle: { reserved: ['handler'] },
    format: { shorthand: false },
  });
  if (result.code === undefined) throw new Error('terser returned no code for the CloudFront Function');
  return result.code;
}
