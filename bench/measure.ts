/** A small, honest timer: warm up, then the median of several rounds, in microseconds per operation. */
export function measure(fn: (i: number) => unknown, opsPerRound = 20_000, rounds = 9): number {
  for (let i = 0; i < opsPerRound; i++) fn(i);
  const perOp: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < opsPerRound; i++) fn(i);
    perOp.push(Number(process.hrtime.bigint() - start) / 1000 / opsPerRound);
  }
  perOp.sort((a, b) => a - b);
  return perOp[Math.floor(rounds / 2)]!;
}

/** As `measure`, for an async operation; `beforeRound` (untimed) prepares each round's inputs. */
export async function measureAsync(
  fn: (i: number) => Promise<unknown>,
  opsPerRound = 20_000,
  rounds = 9,
  beforeRound: () => void = () => {},
): Promise<number> {
  beforeRound();
  for (let i = 0; i < opsPerRound; i++) await fn(i);
  const perOp: number[] = [];
  for (let r = 0; r < rounds; r++) {
    beforeRound();
    const start = process.hrtime.bigint();
    for (let i = 0; i < opsPerRound; i++) await fn(i);
    perOp.push(Number(process.hrtime.bigint() - start) / 1000 / opsPerRound);
  }
  perOp.sort((a, b) => a - b);
  return perOp[Math.floor(rounds / 2)]!;
}

/**
 * The gate against its floor, round by round (a floor round, then a gate round), and the median of the
 * per-round ratios: a ratio of two medians taken minutes apart would swing with the machine's load.
 */
export async function measureRatio(
  floor: (i: number) => unknown,
  gate: (i: number) => Promise<unknown>,
  opsPerRound: number,
  rounds: number,
  beforeGateRound: () => void,
  beforeFloorRound: () => void = () => {},
): Promise<{ floor: number; gate: number; ratio: number }> {
  const floors: number[] = [];
  const gates: number[] = [];
  const ratios: number[] = [];
  for (let r = -3; r < rounds; r++) {
    beforeFloorRound();
    let start = process.hrtime.bigint();
    for (let i = 0; i < opsPerRound; i++) floor(i);
    const f = Number(process.hrtime.bigint() - start) / 1000 / opsPerRound;
    beforeGateRound();
    start = process.hrtime.bigint();
    for (let i = 0; i < opsPerRound; i++) await gate(i);
    const g = Number(process.hrtime.bigint() - start) / 1000 / opsPerRound;
    if (r < 0) continue; // warm-up rounds
    floors.push(f);
    gates.push(g);
    ratios.push(g / f);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { floor: median(floors), gate: median(gates), ratio: median(ratios) };
}
