/** Messages between the read pool and its workers. */

/** `workerData` of a worker: which file to open and how. */
export interface WorkerSetup {
  path: string;
  busyTimeoutMs: number;
  /** Page cache of the worker's connection, in KiB. */
  cacheKiB: number;
  /** `PRAGMA mmap_size` of the worker's connection, in bytes (0: no memory map). */
  mmapBytes: number;
  /** How much nicer than the process the worker thread runs (Linux), 0 to keep the process's own priority. */
  nice?: number;
}

/** A worker's answer to job `id`: its value, or the error it threw (name, message and SQLite code survive the crossing). */
export interface WorkerReply {
  id: number;
  value?: unknown;
  error?: { name: string; message: string; code: string | undefined };
}
