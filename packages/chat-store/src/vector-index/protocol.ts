/** Messages between the vector index (this thread) and its worker thread. */

/** One request to the worker; each partition is one key (a user id). */
export type IndexRequest =
  | { op: 'upsert'; key: string; dims: number; ids: string[]; vectors: Float32Array }
  | { op: 'remove'; key: string; ids: string[] }
  | { op: 'drop'; key: string | null }
  | { op: 'search'; key: string; query: Float32Array; k: number };

/** The worker's answer to request `id`. */
export interface IndexReply {
  id: number;
  value?: unknown;
  error?: { name: string; message: string };
}
