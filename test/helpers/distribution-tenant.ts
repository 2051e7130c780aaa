/**
 * Runners for the CloudFront Function on a multi-tenant distribution: each call names the distribution tenant it
 * is served for (`cf.distributionTenant`), or none, a standard distribution, where the runtime throws
 * (docs/platform.md#multi-tenant-distributions).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCloudFrontFunction, NO_DISTRIBUTION_TENANT } from '../../local/cloudfront-function-runtime';
import type { CalledTenant } from '../cases/distribution-tenant-cases';
import { NOW } from './tokens';

export type SiteRunner = (event: unknown, site: CalledTenant | undefined) => Promise<unknown>;

/** The artifact in node:vm (the local distribution's runtime). */
export function vmSiteRunner(file: string): SiteRunner {
  const handler = loadCloudFrontFunction(readFileSync(file, 'utf8'), { now: () => NOW * 1000 });
  return (event, site) => handler(event, site);
}

/**
 * The artifact under njs, one process per call, with a `cloudfront` module on njs's module path whose
 * `distributionTenant` is the called one, or throws as CloudFront's does on a standard distribution.
 */
export function njsSiteRunner(file: string): SiteRunner {
  const code = readFileSync(file, 'utf8');
  return async (event, site) => {
    const dir = mkdtempSync(join(tmpdir(), 'tenant-gate-njs-dt-'));
    writeFileSync(
      join(dir, 'cloudfront'),
      `var site = ${JSON.stringify(site ?? null)};
export default {
  kvs: function () { throw new Error('no KeyValueStore'); },
  get distributionTenant() {
    if (site === null) throw new TypeError(${JSON.stringify(NO_DISTRIBUTION_TENANT)});
    return { id: site.id, parameters: { get: function (n) { return Object.prototype.hasOwnProperty.call(site.parameters, n) ? site.parameters[n] : undefined; } } };
  }
};
`,
    );
    const script = join(dir, 'run.js');
    writeFileSync(
      script,
      `${code}
Date.now = function () { return ${NOW * 1000}; };
Promise.resolve(handler(${JSON.stringify(event)})).then(function (r) { console.log('@@RESULT ' + JSON.stringify(r)); }, function (e) { console.log('@@ERROR ' + e); });
`,
    );
    const out = execFileSync('njs', ['-p', dir, script], { encoding: 'utf8' });
    const line = out.split('\n').find((l) => l.startsWith('@@'));
    if (!line || line.startsWith('@@ERROR')) throw new Error(`njs: ${line ?? out}`);
    return JSON.parse(line.slice('@@RESULT '.length)) as unknown;
  };
}
