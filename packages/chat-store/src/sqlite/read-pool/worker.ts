/**
 * A read-pool worker thread: one read-only connection to the store's SQLite file, answering jobs one at a time. WAL
 * lets it read beside the store's writer and the other workers; the event loop of the main thread never waits on it.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import * as sqliteVec from 'sqlite-vec';
import { openDatabase, SqlRunner } from '../connection/index.js';
import { runReadJob, type ReadJob } from './jobs.js';
import type { WorkerReply, WorkerSetup } from './protocol.js';

const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error('read-pool worker started outside a worker thread');

/**
 * Lowers this thread's CPU priority by `nice` steps (Linux: a thread id is a valid target of setpriority, found in /proc/thread-self),
 * so that when searches keep every core busy the main thread still gets the CPU at once: `/health`, streaming and
 * writes answer in milliseconds, and the reads queue instead. Elsewhere the thread keeps the process's priority.
 */
function lowerPriority(nice: number): void {
  if (nice <= 0 || process.platform !== 'linux') return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    // Relative to the process's own niceness (a server started with `nice` keeps its workers below it).
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, Math.min(19, getPriority() + nice));
  } catch {
    // No /proc, or not allowed: the reads still run, just at the same priority as everything else.
  }
}
lowerPriority(setup.nice ?? 0);

let sql: SqlRunner | undefined;
let openError: unknown;
try {
  const raw = openDatabase({ path: setup.path, readonly: true, busyTimeoutMs: setup.busyTimeoutMs });
  // A larger page cache than the 2 MB default: search reads the same index and message pages again and again.
  raw.pragma(`cache_size = -${Math.max(2048, Math.floor(setup.cacheKiB))}`);
  // Off by default (see `ReadPoolOptions.mmapBytes`: the whole map is dropped after every write by anyone).
  raw.pragma(`mmap_size = ${Math.max(0, Math.floor(setup.mmapBytes))}`);
  // Searches by meaning read the sqlite-vec table here too; without the extension they fail with its reason.
  try {
    sqliteVec.load(raw);
  } catch {
    // The store then reports vectors unavailable before any such job is sent.
  }
  sql = new SqlRunner(raw);
} catch (error) {
  openError = error;
}

function describe(error: unknown): WorkerReply['error'] {
  const e = error as { name?: unknown; message?: unknown; code?: unknown } | null;
  return {
    name: typeof e?.name === 'string' ? e.name : 'Error',
    message: typeof e?.message === 'string' ? e.message : String(error),
    code: typeof e?.code === 'string' ? e.code : undefined,
  };
}

port.on('message', ({ id, job }: { id: number; job: ReadJob }) => {
  const fail = (error: unknown) => port.postMessage({ id, error: describe(error) } satisfies WorkerReply);
  try {
    if (!sql) throw openError;
    const value = runReadJob(sql, job);
    // Page jobs answer through a promise (it settles before the next message is taken).
    if (value instanceof Promise)
      value.then((v: unknown) => port.postMessage({ id, value: v } satisfies WorkerReply), fail);
    else port.postMessage({ id, value } satisfies WorkerReply);
  } catch (error) {
    fail(error);
  }
});
