/**
 * `npm start`: the demo distribution on http://localhost:8787 (`PORT` overrides), built from
 * demo/local.config.json. Options:
 *   --cloudfront-function        gate /files/* with the CloudFront Function instead of the Lambda@Edge bundle
 *                                (or GATE=cloudfront-function)
 *   --config FILE                another gate configuration with a `local` section
 *   --host ADDRESS               default 127.0.0.1 (the dev identity provider must not face the network)
 *   --quiet-log                  no access-log lines on stdout
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LOG_HEADER } from './access-log';
import { DEMO_CONFIG, ROOT, startEmulator, type GateRuntime } from './emulator';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'cloudfront-function': { type: 'boolean', default: false },
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'quiet-log': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'usage: npm start -- [--cloudfront-function] [--config FILE] [--host ADDRESS] [--port N] [--quiet-log]',
    );
    return;
  }
  const gate: GateRuntime =
    values['cloudfront-function'] || process.env.GATE === 'cloudfront-function' ? 'cloudfront-function' : 'lambda-edge';
  const port = Number(values.port ?? process.env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${JSON.stringify(values.port ?? process.env.PORT)}`);
  const quiet = values['quiet-log'];
  const emulator = await startEmulator({
    configPath: values.config ?? DEMO_CONFIG,
    port,
    host: values.host ?? process.env.HOST ?? '127.0.0.1',
    gate,
    // Rebuilt on every start, next to the repository (git-ignored), so that a developer can read what runs.
    workDir: join(ROOT, '.local'),
    log: quiet ? false : (line) => console.log(line),
    note: (message) => console.error(`[local] ${message}`),
  });
  const shown = emulator.url.replace('://127.0.0.1:', '://localhost:');
  const users = emulator.local.demoUsers.map((u) => `${u.sub}@${u.tenant}`).join(', ');
  console.error(
    [
      '',
      `  tenant-gate local distribution: ${shown}`,
      `  gate on /files/*: ${gate === 'lambda-edge' ? 'Lambda@Edge bundle (viewer request)' : 'CloudFront Function (viewer request)'}`,
      `  demo users: ${users || '(none configured)'}`,
      `  behaviors: ${emulator.local.behaviors.map((b) => `${b.pathPattern} → ${b.origin}`).join(', ')}`,
      '  access log (CloudFront standard log fields) on stdout; Ctrl-C to stop',
      '',
    ].join('\n'),
  );
  if (!quiet) console.log(LOG_HEADER);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`npm start: ${(error as Error).message}`);
  process.exit(1);
});
