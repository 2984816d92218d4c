/** A small pool of worker threads with read-only SQLite connections, for reads that may take long. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ChatStoreClosedError, ChatStoreError, InvalidCursorError, toStorageError } from '../../errors/index.js';
import type { ReadJob, ReadJobResult } from './jobs.js';
import type { WorkerReply, WorkerSetup } from './protocol.js';

/** Default of `ChatStoreOptions.readPool`: worker threads per store. */
export const DEFAULT_READ_POOL_SIZE = 2;

export interface ReadPoolOptions {
  /** The SQLite file (not `:memory:`, which another connection cannot see). */
  path: string;
  /** Worker threads, at least 1. */
  size: number;
  busyTimeoutMs: number;
  /** Page cache of each worker's connection in KiB. Defaults to 32 MiB. */
  cacheKiB?: number;
  /**
   * How much of the file each worker's connection reads through a memory map (`PRAGMA mmap_size`), in bytes;
   * defaults to 0 (off). Why off: a WAL reader that finds the database changed since its last read (any write, by
   * any connection) drops its whole page cache and unmaps the whole file, so the first search after a write faults
   * every page it touches back in, and on this project's machines a fault cost 10–45 µs against ~7 µs for reading the
   * page into the private cache: at a million messages the first search of a rare word after a write took 41 ms
   * (p50, 1,140 faults) with a 1 GiB map and 13 ms without, while repeated searches cost the same either way. A chat
   * server writes all the time, so that first search is the common case.
   */
  mmapBytes?: number;
  /**
   * How much nicer than the process the worker threads run on Linux (defaults to 5, capped at niceness 19): the
   * event loop wins the CPU over long reads, so `/health` and streaming stay fast while every core runs searches.
   * Not more: the workers also compete with other processes on the machine, and a very nice one would starve there.
   */
  nice?: number;
  /**
   * A worker that has had no job for this long exits (its thread, heap and page cache, ~10 MB or more, go back);
   * the next job starts one again. Defaults to 30 s.
   */
  idleMs?: number;
  /**
   * Workers that stay started while idle (defaults to 1): a search after a quiet spell then finds a worker with its
   * connection open and its code compiled, instead of paying a thread start, the file's open and a cold page cache
   * (several times a search's own cost). Workers beyond these exit after `idleMs`.
   */
  warm?: number;
}

const DEFAULT_WORKER_CACHE_KIB = 32 * 1024;
const DEFAULT_WORKER_MMAP_BYTES = 0;
const DEFAULT_WORKER_NICE = 5;
const DEFAULT_IDLE_MS = 30_000;
const DEFAULT_WARM_WORKERS = 1;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Set while the worker has no job: it exits when this fires. */
  idle?: NodeJS.Timeout;
}

/**
 * The compiled worker beside this module; from the TypeScript sources (under vitest) the package's build of it,
 * since a worker thread cannot load TypeScript on Node 20.
 */
function workerUrl(): URL {
  const beside = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  const built = new URL('../../../dist/sqlite/read-pool/worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new ChatStoreError(`The read-pool worker is missing (${fileURLToPath(beside)}): build @chat-studio/chat-store`);
}

/** Rebuilds a worker's error on this thread, with the store's own classes so callers can still map them. */
function revive(error: NonNullable<WorkerReply['error']>): Error {
  if (error.name === 'InvalidCursorError') return new InvalidCursorError(error.message);
  if (error.name === 'ChatStoreClosedError') return new ChatStoreClosedError();
  if (error.name === 'ChatStoreError') return new ChatStoreError(error.message);
  const revived = new Error(error.message) as Error & { code?: string };
  revived.name = error.name;
  if (error.code !== undefined) revived.code = error.code;
  // A damaged, full or read-only file answers the same from a worker as from the store's own connection.
  return toStorageError(revived) ?? revived;
}

/**
 * Runs read jobs on `size` worker threads, each with its own read-only connection (SQLite in WAL mode lets them read
 * beside the writer), so a slow search or a large page never blocks the event loop: `/health`, streaming and writes
 * go on meanwhile. Workers start on the first job; an idle pool does not keep the process alive.
 *
 * @example
 * const pool = new ReadPool({ path: '/data/chat_history.db', size: 2, busyTimeoutMs: 5000 });
 * const rows = await pool.run({ kind: 'all', sql: 'SELECT count(*) AS n FROM chat_messages', params: [] });
 * await pool.close();
 */
export class ReadPool {
  readonly #options: ReadPoolOptions;
  readonly #slots: (Slot | undefined)[];
  #nextId = 1;
  #closed = false;

  constructor(options: ReadPoolOptions) {
    this.#options = options;
    this.#slots = Array.from({ length: Math.max(1, Math.floor(options.size)) }, () => undefined);
  }

  /** Worker threads started so far. */
  get started(): number {
    return this.#slots.filter(Boolean).length;
  }

  /** Runs `job` on the least busy worker. */
  run<K extends ReadJob['kind']>(job: Extract<ReadJob, { kind: K }>): Promise<ReadJobResult[K]> {
    if (this.#closed) return Promise.reject(new ChatStoreClosedError());
    const slot = this.#pick();
    const id = this.#nextId++;
    return new Promise<ReadJobResult[K]>((resolve, reject) => {
      clearTimeout(slot.idle);
      slot.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      // Busy workers keep the process alive until they answer; idle ones do not.
      slot.worker.ref();
      slot.worker.postMessage({ id, job });
    });
  }

  /** Stops every worker; jobs still running fail with `ChatStoreClosedError`. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(
      this.#slots.map(async (slot, i) => {
        if (!slot) return;
        this.#slots[i] = undefined;
        clearTimeout(slot.idle);
        this.#fail(slot, new ChatStoreClosedError());
        await slot.worker.terminate();
      }),
    );
  }

  #pick(): Slot {
    let best: Slot | undefined;
    for (let i = 0; i < this.#slots.length; i++) {
      const slot = this.#slots[i] ?? (best && best.pending.size === 0 ? undefined : this.#start(i));
      if (slot && (!best || slot.pending.size < best.pending.size)) best = slot;
    }
    return best!;
  }

  #start(index: number): Slot {
    const setup: WorkerSetup = {
      path: this.#options.path,
      busyTimeoutMs: this.#options.busyTimeoutMs,
      cacheKiB: this.#options.cacheKiB ?? DEFAULT_WORKER_CACHE_KIB,
      mmapBytes: this.#options.mmapBytes ?? DEFAULT_WORKER_MMAP_BYTES,
      nice: this.#options.nice ?? DEFAULT_WORKER_NICE,
    };
    const worker = new Worker(workerUrl(), { workerData: setup });
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: WorkerReply) => {
      const pending = slot.pending.get(reply.id);
      if (!pending) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) {
        worker.unref();
        // The first `warm` workers stay (unreferenced: they do not keep the process alive).
        if (index >= (this.#options.warm ?? DEFAULT_WARM_WORKERS)) {
          slot.idle = setTimeout(() => this.#retire(index, slot), this.#options.idleMs ?? DEFAULT_IDLE_MS);
          slot.idle.unref();
        }
      }
      if (reply.error) pending.reject(revive(reply.error));
      else pending.resolve(reply.value);
    });
    const lost = (error: Error) => {
      // A crashed worker is replaced on the next job; its jobs fail rather than hang.
      if (this.#slots[index] === slot) this.#slots[index] = undefined;
      this.#fail(slot, error);
    };
    worker.on('error', (error) =>
      lost(new ChatStoreError(`A read-pool worker failed: ${error.message}`, { cause: error })),
    );
    worker.on('exit', (code) => lost(new ChatStoreError(`A read-pool worker exited (code ${code})`)));
    this.#slots[index] = slot;
    return slot;
  }

  /** Ends an idle worker; a job that came meanwhile keeps it. */
  #retire(index: number, slot: Slot): void {
    if (slot.pending.size > 0 || this.#slots[index] !== slot) return;
    this.#slots[index] = undefined;
    void slot.worker.terminate();
  }

  #fail(slot: Slot, error: Error): void {
    for (const pending of slot.pending.values()) pending.reject(error);
    slot.pending.clear();
  }
}
