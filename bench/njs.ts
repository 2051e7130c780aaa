/**
 * The CloudFront Function under njs (docs/platform.md#njs-as-a-stand-in), against a floor function written for
 * njs (bench/njs-floor.js) in the same njs process: N awaited calls of the floor then N of the gate, several
 * rounds, the median of the per-round ratios. One njs process a round: njs frees nothing until it exits, and
 * 10 000 calls of each already take a few hundred megabytes. V8's JIT (the `vm` figure) hides what an interpreter pays for a loop over
 * characters; njs does not, and neither, as far as anyone outside AWS can tell, does CloudFront's engine.
 *
 * Each call gets the same event object back with what the handler changed (uri, the token cookie) restored,
 * in both loops alike: njs has no garbage collector, so fresh events for every call would only measure memory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudFrontFunctionEvent } from '../test/helpers/cloudfront-function';

export interface NjsFigure {
  /** Median µs per call of the floor and of the gate, and the median of the per-round ratios. */
  floor: number;
  gate: number;
  ratio: number;
}

export interface NjsBenchInput {
  /** The built CloudFront Function (a script with a top-level `handler`). */
  code: string;
  secret: string;
  cookieName: string;
  token: string;
  uri: string;
  /** What the gate must forward the request to; a refusal aborts the bench. */
  expectedUri: string;
  calls: number;
  rounds: number;
}

const FLOOR = readFileSync(join(import.meta.dirname, 'njs-floor.js'), 'utf8');

/** The driver appended after the gate's and the floor's scripts. */
function driver(input: NjsBenchInput): string {
  const event = cloudFrontFunctionEvent({
    name: '',
    uri: input.uri,
    cookies: [`theme=dark; ${input.cookieName}=${input.token}`],
    expect: { status: 0 },
  });
  return `
var BENCH_EVENT = JSON.parse(${JSON.stringify(JSON.stringify(event))});
var BENCH_URI = BENCH_EVENT.request.uri;
var BENCH_COOKIE = BENCH_EVENT.request.cookies[${JSON.stringify(input.cookieName)}];
async function benchRound(fn, n) {
  var event = BENCH_EVENT;
  var start = Date.now();
  for (var i = 0; i < n; i++) {
    await fn(event);
    event.request.uri = BENCH_URI;
    event.request.cookies[${JSON.stringify(input.cookieName)}] = BENCH_COOKIE;
  }
  return ((Date.now() - start) * 1000) / n;
}
async function benchMain() {
  var floor = floorHandler(JSON.parse(JSON.stringify(BENCH_EVENT)));
  var gate = await handler(BENCH_EVENT);
  if (gate.uri !== ${JSON.stringify(input.expectedUri)}) throw new Error('the gate refuses the bench request: ' + JSON.stringify(gate.statusCode));
  BENCH_EVENT.request.uri = BENCH_URI;
  BENCH_EVENT.request.cookies[${JSON.stringify(input.cookieName)}] = BENCH_COOKIE;
  if (floor.uri !== ${JSON.stringify(input.expectedUri)}) throw new Error('the floor refuses the bench request');
  var f = await benchRound(floorHandler, ${input.calls});
  var g = await benchRound(handler, ${input.calls});
  console.log('@@' + JSON.stringify([f, g]));
}
benchMain().catch(function (e) { console.log('@@ERROR ' + e); });
`;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The floor function's script (bench/njs-floor.js) for this input's secret and cookie. */
export function floorScript(input: Pick<NjsBenchInput, 'secret' | 'cookieName'>): string {
  return FLOOR.replaceAll('__FLOOR_SECRET__', JSON.stringify(input.secret)).replaceAll(
    '__FLOOR_COOKIE__',
    JSON.stringify(input.cookieName),
  );
}

/** Runs gate and floor in one njs process; throws when njs or either function fails. */
export function benchUnderNjs(input: NjsBenchInput): NjsFigure {
  const floor = floorScript(input);
  const dir = mkdtempSync(join(tmpdir(), 'tenant-gate-njs-bench-'));
  const script = join(dir, 'bench.js');
  writeFileSync(script, `${input.code}\n${floor}\n${driver(input)}`);
  const rounds: [number, number][] = [];
  for (let r = 0; r < input.rounds; r++) {
    const out = execFileSync('njs', [script], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const line = out.split('\n').find((l) => l.startsWith('@@'));
    if (!line || line.startsWith('@@ERROR')) throw new Error(`njs bench: ${line ?? out}`);
    rounds.push(JSON.parse(line.slice(2)) as [number, number]);
  }
  return {
    floor: median(rounds.map((r) => r[0])),
    gate: median(rounds.map((r) => r[1])),
    ratio: median(rounds.map((r) => r[1] / r[0])),
  };
}
