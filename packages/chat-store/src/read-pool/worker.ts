/**
 * A read-pool worker thread: one read-only connection to the store's SQLite file, answering jobs one at a time. WAL
 * lets it read beside the store's writer and the other workers; the event loop of the main thread never waits on it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, SqlRunner } from '../connection/index.js';
import { runReadJob, type ReadJob } from './jobs.js';
import type { WorkerReply, WorkerSetup } from './protocol.js';

const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error('read-pool worker started outside a worker thread');

let sql: SqlRunner | undefined;
let openError: unknown;
try {
  const raw = openDatabase({ path: setup.path, readonly: true, busyTimeoutMs: setup.busyTimeoutMs });
  // A larger page cache than the 2 MB default: search reads the same index and message pages again and again.
  raw.pragma(`cache_size = -${Math.max(2048, Math.floor(setup.cacheKiB))}`);
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
