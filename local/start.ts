/**
 * `npm start`: the demo distribution on http://localhost:8787 (`PORT` overrides), built from
 * demo/local.config.json: demo/distribution.base.json with the gate attached as a deploy attaches it. Options:
 *   --cloudfront-function        gate with the CloudFront Function instead of the Lambda@Edge bundle
 *                                (or GATE=cloudfront-function)
 *   --multi-tenant               the demo as a multi-tenant distribution (CloudFront SaaS Manager): distribution
 *                                tenants acme on acme.localhost and globex on globex.localhost
 *                                (demo/multi-tenant.config.json; implies --cloudfront-function)
 *   --config FILE                another gate configuration with a `local` section
 *   --distribution-config FILE   serve this saved DistributionConfig (aws cloudfront get-distribution-config)
 *                                with the gate attached
 *   --origins MAP                map its origins: originId=./folder,otherId=http://127.0.0.1:9000
 *   --policies FILE              its custom cache / origin request / response headers policies by id
 *   --print-distribution-config  print the DistributionConfig served (what attach writes) and exit
 *   --host ADDRESS               default 127.0.0.1 (the dev identity provider must not face the network)
 *   --quiet-log                  no access-log lines on stdout
 *   --revocation                 revocation on (both gates; "Sign out everywhere" in the SPA): Lambda@Edge asks the
 *                                local login, the CloudFront Function reads the local KeyValueStore (without the
 *                                demo's scopes and grants: together they do not fit its 10 KB yet)
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { behaviorsInMatchOrder } from '../lib/distribution/path-pattern';
import { parseOriginsMap } from '../config/local';
import { LOG_HEADER } from './access-log';
import {
  DEMO_CONFIG,
  MULTI_TENANT_DEMO_CONFIG,
  ROOT,
  startEmulator,
  type EmulatorOptions,
  type GateRuntime,
} from './emulator';

export const USAGE =
  'usage: npm start -- [--cloudfront-function] [--multi-tenant] [--config FILE] [--distribution-config FILE [--origins MAP] [--policies FILE]] [--print-distribution-config] [--host ADDRESS] [--port N] [--quiet-log] [--revocation]';

/** What `--revocation` turns on, for either gate. */
export function revocationOverrides(gate: GateRuntime): Record<string, unknown> {
  return {
    cloudfrontFunction: { revocation: true },
    lambdaEdge: { revocation: true, revocationUrl: '{origin}/auth/revocation' },
    // The demo's scopes and grants with revocation are over the CloudFront Function's 10 KB until its default build
    // shrinks (issue 12): that gate runs revocation without them.
    ...(gate === 'cloudfront-function' ? { scopes: undefined, grants: null } : {}),
  };
}

/** The emulator's options from `npm start`'s arguments (and PORT, HOST, GATE). */
export function startOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): EmulatorOptions & { help: boolean; print: boolean; quiet: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      'cloudfront-function': { type: 'boolean', default: false },
      'multi-tenant': { type: 'boolean', default: false },
      config: { type: 'string' },
      'distribution-config': { type: 'string' },
      origins: { type: 'string' },
      policies: { type: 'string' },
      'print-distribution-config': { type: 'boolean', default: false },
      host: { type: 'string' },
      port: { type: 'string' },
      'quiet-log': { type: 'boolean', default: false },
      revocation: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const multiTenant = values['multi-tenant'];
  if (multiTenant && values.config !== undefined)
    throw new Error('--multi-tenant is the demo multi-tenant configuration: give it or --config FILE, not both');
  // Only the CloudFront Function can read the distribution tenant (config/distribution-tenant.ts).
  const gate: GateRuntime =
    multiTenant || values['cloudfront-function'] || env.GATE === 'cloudfront-function'
      ? 'cloudfront-function'
      : 'lambda-edge';
  const port = Number(values.port ?? env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${JSON.stringify(values.port ?? env.PORT)}`);
  if (values['distribution-config'] === undefined && (values.origins !== undefined || values.policies !== undefined))
    throw new Error('--origins and --policies go with --distribution-config FILE');
  const quiet = values['quiet-log'];
  return {
    help: values.help,
    quiet,
    print: values['print-distribution-config'],
    configPath:
      values.config !== undefined ? resolve(cwd, values.config) : multiTenant ? MULTI_TENANT_DEMO_CONFIG : DEMO_CONFIG,
    port,
    host: values.host ?? env.HOST ?? '127.0.0.1',
    gate,
    ...(values.revocation ? { configOverrides: revocationOverrides(gate) } : {}),
    ...(values['distribution-config'] === undefined
      ? {}
      : { distributionConfigPath: resolve(cwd, values['distribution-config']) }),
    ...(values.origins === undefined ? {} : { origins: parseOriginsMap(values.origins, cwd) }),
    ...(values.policies === undefined ? {} : { policiesPath: resolve(cwd, values.policies) }),
    log: quiet ? false : (line) => console.log(line),
    note: (message) => console.error(`[local] ${message}`),
  };
}

async function main(): Promise<void> {
  const options = startOptions(process.argv.slice(2), process.env, process.cwd());
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const emulator = await startEmulator({
    ...options,
    // Printing builds in a temporary folder, so that a running `npm start` keeps its own.
    ...(options.print
      ? { port: 0, log: () => {}, note: () => {} }
      : // Rebuilt on every start, next to the repository (git-ignored), so that a developer can read what runs.
        { workDir: join(ROOT, '.local') }),
  });
  if (options.print) {
    console.log(JSON.stringify(emulator.distributionConfig, null, 2));
    await emulator.close();
    return;
  }
  const shown =
    emulator.tenantDistributions.size > 0
      ? [...emulator.tenantDistributions.keys()].map((host) => `http://${host}:${emulator.port}`).join(' and ')
      : emulator.url.replace('://127.0.0.1:', '://localhost:');
  const users = emulator.local.demoUsers.map((u) => `${u.sub}@${u.tenant}`).join(', ');
  const behaviors = behaviorsInMatchOrder(emulator.distributionConfig)
    .map((b) => `${b.pathPattern} → ${b.behavior.TargetOriginId ?? '?'}`)
    .join(', ');
  console.error(
    [
      '',
      `  tenant-gate local distribution: ${shown}`,
      `  gate: ${emulator.gate === 'lambda-edge' ? 'Lambda@Edge bundle (viewer request)' : 'CloudFront Function (viewer request)'}, attached as a deploy attaches it:`,
      ...emulator.attachChanges.map((c) => `    ${c}`),
      `  behaviors: ${behaviors}`,
      `  demo users: ${users || '(none configured)'}`,
      '  access log (CloudFront standard log fields) on stdout; Ctrl-C to stop',
      '',
    ].join('\n'),
  );
  if (!options.quiet) console.log(LOG_HEADER);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (resolve(process.argv[1] ?? '') === import.meta.filename) {
  main().catch((error: unknown) => {
    console.error(`npm start: ${(error as Error).message}`);
    process.exit(1);
  });
}
