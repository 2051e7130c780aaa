/**
 * Progress on a long wait (CloudFront deploying a distribution change takes minutes): what we wait for, its last
 * observed state and how long it has been. On a terminal, one spinner line rewritten in place; elsewhere (CI logs,
 * a pipe, the osls plugin without a terminal), one line per state change, so a log stays short and says when each
 * state began. It ends with one line saying how it ended. The clock is injected, so tests never wait.
 */

/** What a wait reads and how it sleeps; `systemClock` outside tests. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Where progress goes. `status` rewrites one line in place (only on a terminal: it draws its own spinner before the
 * text); without it, `line` gets one line per state change. `clear` removes the status line before the final line.
 */
export interface ProgressSink {
  line(text: string): void;
  status?: ((text: string) => void) | undefined;
  clear?: (() => void) | undefined;
}

export interface Progress {
  /** The state just observed (e.g. `InProgress`): a new line when it changed (no terminal), a redraw (terminal). */
  state(state: string): void;
  /** Sleeps `ms`, redrawing the spinner every `SPINNER_TICK_MS` on a terminal. */
  sleep(ms: number): Promise<void>;
  /** The final line: `<subject>: <text> after m:ss`. Returns it. */
  done(text: string): string;
}

export const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;
export const SPINNER_TICK_MS = 250;

/** 42 s → `0:42`, 190 s → `3:10`, 3 725 s → `1:02:05`. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = String(total % 60).padStart(2, '0');
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** `subject` names what we wait for, e.g. `distribution E123`. */
export function startProgress(subject: string, sink: ProgressSink, clock: Clock): Progress {
  const started = clock.now();
  let current: string | undefined;
  const elapsed = (): string => formatElapsed(clock.now() - started);
  const redraw = (): void => sink.status?.(`${subject}: ${current ?? 'waiting'} (${elapsed()})`);
  return {
    state(state) {
      if (sink.status !== undefined) {
        current = state;
        redraw();
        return;
      }
      if (state === current) return;
      current = state;
      sink.line(`${subject}: ${state} (${elapsed()})`);
    },
    async sleep(ms) {
      if (sink.status === undefined) return clock.sleep(ms);
      const until = clock.now() + ms;
      for (let left = ms; left > 0; left = until - clock.now()) {
        await clock.sleep(Math.min(SPINNER_TICK_MS, left));
        redraw();
      }
    },
    done(text) {
      sink.clear?.();
      const line = `${subject}: ${text} after ${elapsed()}`;
      sink.line(line);
      return line;
    },
  };
}

/** The sink of the `tenant-gate` command: a rewritten status line when stderr is a terminal, else lines. */
export function streamSink(
  stream: { isTTY?: boolean | undefined; write(text: string): unknown },
  line: (text: string) => void,
): ProgressSink {
  if (stream.isTTY !== true) return { line };
  let frame = 0;
  // \r back to the start of the line, ESC[2K erase it: the spinner line is rewritten in place.
  return {
    line,
    status: (text) => stream.write(`\r\x1b[2K${SPINNER_FRAMES[frame++ % SPINNER_FRAMES.length] ?? ''} ${text}`),
    clear: () => stream.write('\r\x1b[2K'),
  };
}
