/** A pino destination that hands the lines of one event-loop turn to its target in one write. */

/** What {@link BatchedStream} writes to: pino's own `pino.destination()` (sonic-boom) or any stream like it. */
export interface BatchTarget {
  write(chunk: string): boolean;
  flushSync?(): void;
}

/**
 * Collects log lines and writes them to `target` once per event-loop turn, joined: under load one asynchronous
 * stdout write carries many requests' access lines instead of one `fs.write` each (issue #18: sonic-boom's per-line
 * write was ~7% of a `/health` request's CPU at 16 connections). Nothing waits longer than the current turn, and
 * `flushSync()` (pino's `logger.flush()`, the process's exit) writes what is pending at once.
 *
 * @example
 * const stdout = new BatchedStream(pino.destination({ dest: 1, sync: false }));
 * pino({}, stdout);
 */
export class BatchedStream {
  readonly #target: BatchTarget;
  readonly #delayMs: number;
  #pending: string[] = [];
  #scheduled = false;
  readonly #drain = () => this.#writePending();
  readonly #onExit = () => {
    try {
      this.flushSync();
    } catch {
      // stdout already closed (a pipe whose reader left): nothing more can be written at exit.
    }
  };

  /**
   * @param delayMs - 0 (the default): write at the end of the turn. More: write at most this many ms after the first
   *   pending line (an unref'd timer: it never keeps the process alive, and the exit still writes what is pending).
   */
  constructor(target: BatchTarget, delayMs = 0) {
    this.#target = target;
    this.#delayMs = delayMs;
    process.on('exit', this.#onExit);
  }

  /** Queues `chunk` (one log line) for the end of this turn. */
  write(chunk: string): boolean {
    this.#pending.push(chunk);
    if (!this.#scheduled) {
      this.#scheduled = true;
      if (this.#delayMs > 0) setTimeout(this.#drain, this.#delayMs).unref();
      else setImmediate(this.#drain);
    }
    return true;
  }

  /** Writes the pending lines to the target and asks it to write them through now. */
  flushSync(): void {
    this.#writePending();
    this.#target.flushSync?.();
  }

  /** pino calls this on `logger.flush()`. */
  flush(cb?: (err?: Error) => void): void {
    try {
      this.flushSync();
      cb?.();
    } catch (err) {
      cb?.(err as Error);
    }
  }

  /** Stops listening for the process's exit (after a final flush); for tests and short-lived loggers. */
  end(): void {
    this.flushSync();
    process.off('exit', this.#onExit);
  }

  #writePending(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const chunk = this.#pending.length === 1 ? this.#pending[0]! : this.#pending.join('');
    this.#pending = [];
    this.#target.write(chunk);
  }
}
