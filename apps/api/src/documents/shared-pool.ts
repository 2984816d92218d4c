/** The process-wide extraction pool (one worker), started on first use. */
import { ExtractionPool } from './extraction-pool.js';

let sharedPool: ExtractionPool | null = null;

/** The shared pool, started on first use. */
export function sharedExtractionPool(): ExtractionPool {
  sharedPool ??= new ExtractionPool();
  return sharedPool;
}

/** Ends the shared extraction worker (at shutdown, or after tests); the next job starts a new one. */
export async function closeExtractionWorkers(): Promise<void> {
  const pool = sharedPool;
  sharedPool = null;
  await pool?.close();
}

/**
 * Text up to this size (bytes to extract, characters to chunk) is handled on the calling thread: a few
 * milliseconds, less than a worker round trip. Larger text goes to the worker (a 5 MB log takes 100-300 ms to decode
 * or chunk on a loaded 2-core machine, which the event loop must not wait for).
 */
export const IN_THREAD_LIMIT = 1024 * 1024;
