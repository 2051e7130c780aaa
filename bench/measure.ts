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
