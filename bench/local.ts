/**
 * The local distribution (`npm start -- --quiet-log`) against a bare Node static server on the same file:
 * an authorized GET of `/files/welcome.txt` (trusted key group with CloudFront signed cookies, the
 * Lambda@Edge gate, the cache), against `stat` + `readFile` + `end` on a plain `http.createServer`. Both
 * listen in this process and are driven by the same keep-alive client, a few requests in flight; rounds
 * alternate and the median of the per-round ratios is reported. Goal (issue #12): ≥ 0.5× the bare server.
 */
import { readFile, stat } from 'node:fs/promises';
import { Agent, createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { startEmulator } from '../local/emulator';
import { close, listen } from '../local/server';
import { tenantCookies } from '../test/local/helpers';

const ROOT = join(import.meta.dirname, '..');
const FILE = join(ROOT, 'demo', 'bucket', 'tenants', 'acme', 'files', 'welcome.txt');
const GOAL = 0.5;
const IN_FLIGHT = 8;

function bareStaticServer(file: string): Server {
  return createServer((req, res) => {
    void (async () => {
      const info = await stat(file);
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': body.length,
        'last-modified': info.mtime.toUTCString(),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
}

/**
 * `total` GETs, `IN_FLIGHT` at a time on keep-alive connections: wall-clock and CPU (this process: server
 * and client) microseconds per request. On a shared machine the CPU figure is the steadier one.
 */
async function drive(
  port: number,
  path: string,
  cookie: string,
  total: number,
): Promise<{ wall: number; cpu: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent, headers: { cookie } }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode}`));
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  let sent = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (sent < total) {
        sent++;
        await one();
      }
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1000;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  return { wall: elapsed / total, cpu: (used.user + used.system) / total };
}

export async function benchLocal(
  row: (...cells: (string | number)[]) => void,
  us: (n: number) => string,
  options: { requests?: number; rounds?: number } = {},
): Promise<number> {
  const total = options.requests ?? 2000;
  const rounds = options.rounds ?? 7;
  const emulator = await startEmulator({ port: 0, log: false, note: () => {} });
  const bare = bareStaticServer(FILE);
  const barePort = await listen(bare, 0, '127.0.0.1');
  const cookie = tenantCookies('acme', Math.floor(Date.now() / 1000));
  try {
    // Warm-up: JIT, the cache filled, the signed cookies remembered.
    await drive(barePort, '/', '', total);
    await drive(emulator.port, '/files/welcome.txt', cookie, total);
    const wallRatios: number[] = [];
    const cpuRatios: number[] = [];
    const locals: number[] = [];
    const bares: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const floor = await drive(barePort, '/', '', total);
      const local = await drive(emulator.port, '/files/welcome.txt', cookie, total);
      bares.push(floor.cpu);
      locals.push(local.cpu);
      wallRatios.push(floor.wall / local.wall);
      cpuRatios.push(floor.cpu / local.cpu);
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const ratio = median(cpuRatios);
    row(
      'local distribution GET (signed cookies + gate + cache)',
      `${us(median(locals))} CPU`,
      `bare node static ${us(median(bares))} CPU`,
      `${ratio.toFixed(2)}× its speed (wall clock ${median(wallRatios).toFixed(2)}×)`,
      `goal ≥ ${GOAL}×`,
      ratio >= GOAL ? 'ok' : 'SLOW',
    );
    return ratio;
  } finally {
    await close(bare);
    await emulator.close();
  }
}

// `npx tsx bench/local.ts`: this measurement alone.
if (process.argv[1] === import.meta.filename) {
  const rows: string[][] = [];
  benchLocal(
    (...cells) => rows.push(cells.map(String)),
    (n) => `${n.toFixed(1)} µs`,
  )
    .then(() => {
      for (const r of rows) console.log(r.join('  '));
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
