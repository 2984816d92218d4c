/** A log file that is always `<name>.log`; when it grows past a size it becomes `<name>.1.log` and older ones shift. */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface RollingFileOptions {
  /** Folder of the files. */
  dir: string;
  /** `backend` → `backend.log`, rolled to `backend.1.log`, `backend.2.log` … (1 is the newest). */
  name: string;
  /** Size at which the current file rolls over, in bytes. */
  maxBytes: number;
  /** Rolled files kept besides the current one. */
  keep: number;
  /** Lines that must be on disk at once (errors, before a crash), with everything pending before them. */
  urgent?: (line: string) => boolean;
}

/** `10m`, `500k`, `1g` or a plain number of bytes (pino-roll's syntax, kept for LOG_MAX_SIZE). */
export function parseSize(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)b?\s*$/i.exec(value);
  if (!match) throw new Error(`LOG_MAX_SIZE must look like 10m, 500k or 1g, got "${value}"`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.max(1024, Math.floor(Number(match[1]) * unit));
}

/**
 * A pino destination whose current file keeps one name, so `tail -f logs/backend.log` and the troubleshooting
 * guide's `type logs\backend.log` always read the live log. Lines written in one turn of the event loop go to the
 * file in one write at its end (under load, one write for many requests instead of one each, issue #18), and
 * whatever is pending is written synchronously on `flushSync()` and when the process exits.
 *
 * @example
 * const file = new RollingFile({ dir: 'logs', name: 'backend', maxBytes: 10 * 1024 ** 2, keep: 5 });
 * pino({}, file);
 */
export class RollingFile {
  readonly path: string;
  readonly #options: RollingFileOptions;
  #fd: number;
  #size: number;
  #pending: string[] = [];
  #scheduled = false;
  readonly #onExit = () => this.flushSync();

  constructor(options: RollingFileOptions) {
    this.#options = options;
    mkdirSync(options.dir, { recursive: true });
    this.path = path.join(options.dir, `${options.name}.log`);
    this.#fd = openSync(this.path, 'a');
    this.#size = fstatSync(this.#fd).size;
    process.on('exit', this.#onExit);
  }

  write(chunk: string): boolean {
    this.#pending.push(chunk);
    if (this.#options.urgent?.(chunk)) this.flushSync();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flushSync());
    }
    return true;
  }

  /** pino calls this on `logger.flush()`. */
  flush(cb?: (err?: Error) => void): void {
    this.flushSync();
    cb?.();
  }

  /** Writes every pending line now. */
  flushSync(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const chunk = this.#pending.join('');
    this.#pending = [];
    const bytes = Buffer.byteLength(chunk);
    if (this.#size > 0 && this.#size + bytes > this.#options.maxBytes) this.#roll();
    writeSync(this.#fd, chunk);
    this.#size += bytes;
  }

  end(): void {
    this.flushSync();
    process.off('exit', this.#onExit);
    closeSync(this.#fd);
  }

  #rolled(n: number): string {
    return path.join(this.#options.dir, `${this.#options.name}.${n}.log`);
  }

  #roll(): void {
    closeSync(this.#fd);
    const keep = Math.max(1, this.#options.keep);
    rmSync(this.#rolled(keep), { force: true });
    for (let n = keep - 1; n >= 1; n--)
      if (existsSync(this.#rolled(n))) renameSync(this.#rolled(n), this.#rolled(n + 1));
    renameSync(this.path, this.#rolled(1));
    this.#fd = openSync(this.path, 'a');
    this.#size = 0;
  }
}
