/**
 * Runners for the built CloudFront Function: in Node's vm with CloudFront's built-ins (the emulator's
 * runtime), and under Debian's njs — a conservative stand-in for CloudFront's own engine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromCloudFrontFunctionResult, type CloudFrontFunctionEvent } from '../../local/cloudfront-function-event';
import { loadCloudFrontFunction } from '../../local/cloudfront-function-runtime';
import type { LocalKeyValueStore } from '../../local/key-value-store';
import { cloudFrontFunctionViewerRequest } from '../../testing/events';
import type { RequestCase } from '../cases/request-cases';
import type { Outcome } from './outcome';
import { NOW } from './tokens';

export function cloudFrontFunctionEvent(c: RequestCase): CloudFrontFunctionEvent {
  return cloudFrontFunctionViewerRequest({
    method: c.method ?? 'GET',
    uri: c.uri ?? '/files/report.pdf',
    querystring: c.querystring ?? '',
    headers: c.headers ?? {},
    cookies: c.cookies ?? [],
    ip: c.ip ?? '203.0.113.178',
  });
}

export function cloudFrontFunctionOutcome(result: unknown): Outcome {
  const read = fromCloudFrontFunctionResult(result);
  if (read.kind === 'forward') {
    return {
      status: 'forward',
      uri: read.uri,
      querystring: read.querystring,
      cookies: read.cookieHeader === '' ? [] : read.cookieHeader.split('; '),
    };
  }
  let code: string | undefined;
  if (read.body !== '') code = (JSON.parse(read.body) as { error?: string }).error;
  return { status: read.status, headers: read.headers, body: read.body, code };
}

/** The artifact in node:vm, with the suite's frozen clock. */
export function vmRunner(file: string, store?: LocalKeyValueStore, now: () => number = () => NOW * 1000) {
  const handler = loadCloudFrontFunction(readFileSync(file, 'utf8'), { store, now });
  return async (event: unknown): Promise<unknown> => handler(event);
}

/**
 * The artifact under njs: one process per call, the store served by a `cloudfront` module on njs's
 * module path (every read rejected when `storeFailing`, as in an outage). Returns what the handler resolved to.
 */
export function njsRunner(
  file: string,
  storeEntries?: Record<string, string>,
  nowMs: number = NOW * 1000,
  storeFailing = false,
) {
  const dir = mkdtempSync(join(tmpdir(), 'tenant-gate-njs-'));
  const code = readFileSync(file, 'utf8');
  writeFileSync(
    join(dir, 'cloudfront'),
    `var data = ${JSON.stringify(storeEntries ?? {})};
var failing = ${String(storeFailing)};
export default { kvs: function () { return {
  get: function (k, o) { if (failing || !(k in data)) return Promise.reject(new Error(failing ? 'unavailable' : 'Key not found')); return Promise.resolve(o && o.format === 'json' ? JSON.parse(data[k]) : data[k]); },
  exists: function (k) { return failing ? Promise.reject(new Error('unavailable')) : Promise.resolve(k in data); }
}; } };
`,
  );
  return async (event: unknown): Promise<unknown> => {
    const script = join(dir, `run-${Math.random().toString(36).slice(2)}.js`);
    writeFileSync(
      script,
      `${code}
Date.now = function () { return ${nowMs}; };
Promise.resolve(handler(${JSON.stringify(event)})).then(function (r) { console.log('@@RESULT ' + JSON.stringify(r)); }, function (e) { console.log('@@ERROR ' + e); });
`,
    );
    const out = execFileSync('njs', ['-p', dir, script], { encoding: 'utf8' });
    const line = out.split('\n').find((l) => l.startsWith('@@'));
    if (!line || line.startsWith('@@ERROR')) throw new Error(`njs: ${line ?? out}`);
    return JSON.parse(line.slice('@@RESULT '.length));
  };
}
