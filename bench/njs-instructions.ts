/**
 * The CloudFront Function's cost under njs in executed instructions (valgrind's callgrind), against the floor
 * function in the same njs: unlike the clock, independent of what else the machine does. Two figures a path:
 *
 * - warm: a call in a context that already served this request (what bench/njs.ts times);
 * - fresh: the first call after the script's top-level code ran, with nothing left by an earlier request. AWS does
 *   not say whether a function's global state outlives a request (docs/platform.md#cloudfront-functions-runtime), so
 *   this is the figure to hold when it does not.
 *
 * Each figure is the difference of two runs of one script that differ only in the calls made, so njs's start-up,
 * parsing and the script's initialization cancel out.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloudFrontFunctionEvent } from '../test/helpers/cloudfront-function';
import { floorScript, type NjsBenchInput } from './njs';

/** The bench request, as for bench/njs.ts; calls and rounds are this file's own. */
export type CountInput = Omit<NjsBenchInput, 'calls' | 'rounds'>;

export interface InstructionFigure {
  gate: number;
  floor: number;
  ratio: number;
}

/** Whether valgrind can be run (it is not an npm package: `apt-get install valgrind`). */
export function hasValgrind(): boolean {
  const probe = spawnSync('valgrind', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

function instructions(script: string): number {
  const file = join(mkdtempSync(join(tmpdir(), 'tenant-gate-njs-icount-')), 'bench.js');
  writeFileSync(file, script);
  const run = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', 'njs', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 22,
  });
  const collected = /Collected : (\d+)/.exec(run.stderr);
  if (!run.stdout.includes('@@ok') || collected === null)
    throw new Error(`njs under valgrind: ${run.stdout}${run.stderr}`);
  return Number(collected[1]);
}

/**
 * A script that makes `contexts` contexts of `factory` (each runs the function's script anew: a fresh context) and
 * calls each one `calls` times, checking every answer; with `warmUp`, each is called once first, outside the count.
 * Names end in `_` to stay clear of the minified function's top-level names.
 */
function driver(input: CountInput, factory: string, contexts: number, calls: number, warmUp: boolean): string {
  const event = cloudFrontFunctionEvent({
    name: '',
    uri: input.uri,
    cookies: [`theme=dark; ${input.cookieName}=${input.token}`],
    expect: { status: 0 },
  });
  const cookie = JSON.stringify(input.cookieName);
  return `
var event_ = JSON.parse(${JSON.stringify(JSON.stringify(event))});
var uri_ = event_.request.uri, cookie_ = event_.request.cookies[${cookie}];
function call_(fn_) {
  var result_ = fn_(event_);
  if (result_.uri !== ${JSON.stringify(input.expectedUri)}) throw new Error('refused: ' + JSON.stringify(result_));
  event_.request.uri = uri_;
  event_.request.cookies[${cookie}] = cookie_;
}
var fns_ = [];
for (var c_ = 0; c_ < ${contexts}; c_++) fns_.push(${factory}());
${warmUp ? 'for (var w_ = 0; w_ < fns_.length; w_++) call_(fns_[w_]);' : ''}
for (var f_ = 0; f_ < fns_.length; f_++) for (var i_ = 0; i_ < ${calls}; i_++) call_(fns_[f_]);
console.log('@@ok');
`;
}

/** Instructions a call costs: the script with its calls less the same script without, divided. */
function perCall(input: CountInput, script: string, factory: string, contexts: number, calls: number, warmUp: boolean) {
  const made = instructions(script + driver(input, factory, contexts, calls, warmUp));
  const bare = instructions(script + driver(input, factory, contexts, 0, warmUp));
  return (made - bare) / (contexts * calls);
}

type Context = 'warm' | 'fresh';

/**
 * The warm figure (200 calls in one context, after one) and the fresh one (the first call in each of 200 contexts),
 * for the gate and the floor alike; `only` limits it to one. Each function's script is wrapped in a function that
 * returns its handler: calling it runs the script's top-level code again, as a new context would.
 */
export function instructionsUnderNjs(input: CountInput, only?: Context): Partial<Record<Context, InstructionFigure>> {
  const script = [
    `function gateContext_() {\n${input.code}\nreturn handler;\n}`,
    `function floorContext_() {\n${floorScript(input)}\nreturn floorHandler;\n}`,
    '',
  ].join('\n');
  const figure = (contexts: number, calls: number, warmUp: boolean): InstructionFigure => {
    const gate = perCall(input, script, 'gateContext_', contexts, calls, warmUp);
    const floor = perCall(input, script, 'floorContext_', contexts, calls, warmUp);
    return { gate, floor, ratio: gate / floor };
  };
  return {
    ...(only === 'fresh' ? {} : { warm: figure(1, 200, true) }),
    ...(only === 'warm' ? {} : { fresh: figure(200, 1, false) }),
  };
}
