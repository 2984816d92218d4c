/**
 * Message vectors for search by meaning: what both back ends store (SQLite: a sqlite-vec `vec0` table partitioned by
 * user; PostgreSQL: an exact scan over `real[]`), the per-user opt-in and the resumable embedding cursor.
 */

/** The embedding model whose vectors are stored: vectors of another model or dimension are never mixed in. */
export interface EmbeddingModelInfo {
  /** The model's id (e.g. its GGUF file name). */
  model: string;
  /** Length of every vector. */
  dims: number;
}

/** A message waiting to be embedded (`VectorsRepository.pending`). */
export interface PendingMessage {
  userId: string;
  messageId: string;
  /** The message's `seq`: the user's cursor moves past it once its vector is stored. */
  seq: number;
  content: string;
}

/** One vector to store: unit length, `dims` long. */
export interface MessageVectorInput {
  userId: string;
  messageId: string;
  seq: number;
  vector: Float32Array;
}

/** A message found by meaning: `score` is the cosine similarity (1 is the same direction). */
export interface VectorHit {
  message_id: string;
  score: number;
}

/** How far the background embedding has come, for one user or for everyone. */
export interface EmbeddingProgress {
  /** The model the stored vectors belong to; `null` before the first vector. */
  model: string | null;
  dims: number | null;
  /** Users who turned meaning search on. */
  users: number;
  /** Messages of those users with a vector. */
  embedded: number;
  /** Messages of those users. */
  total: number;
}

/** What `VectorsRepository.check` found: each count is a disagreement between vectors and messages. */
export interface VectorCheck {
  ok: boolean;
  /** Vectors whose message is gone. */
  orphans: number;
  /** Messages of opted-in users behind the cursor without a vector. */
  missing: number;
  /** Vectors whose length is not the recorded model's dimension. */
  wrongDims: number;
  /** One sentence per problem with what to do; empty when `ok`. */
  problems: string[];
}

/** Options of `VectorsRepository.search`. */
export interface VectorSearchOptions {
  /** Defaults to 20 (at most 100). */
  limit?: number;
}

/**
 * Vectors of the messages of users who opted in to search by meaning. Every read is scoped by user: one user's
 * vectors are never searched for another.
 */
export interface VectorsRepository {
  /** The model and dimension the stored vectors belong to, or `null` when none was recorded. */
  model(): Promise<EmbeddingModelInfo | null>;
  /**
   * Records the model the next vectors come from. When the model or the dimension differs from the recorded one,
   * every stored vector is dropped and every user's cursor goes back to the start, so history is embedded again.
   * Returns `true` when it did so.
   */
  useModel(info: EmbeddingModelInfo): Promise<boolean>;
  /** Turns search by meaning on or off for a user; off drops the user's vectors and cursor. */
  setEnabled(userId: string, enabled: boolean): Promise<void>;
  isEnabled(userId: string): Promise<boolean>;
  /**
   * The next messages to embed, oldest first, after each opted-in user's cursor. Stops before a reply that is still
   * being generated, so the cursor never passes text that will change.
   */
  pending(limit: number): Promise<PendingMessage[]>;
  /** Stores vectors (replacing any of the same message) and moves each user's cursor past them. */
  store(items: readonly MessageVectorInput[]): Promise<void>;
  /** The user's messages nearest to `vector`, best first. */
  search(userId: string, vector: Float32Array, options?: VectorSearchOptions): Promise<VectorHit[]>;
  /** Progress of one user, or of every opted-in user when none is given. */
  progress(userId?: string): Promise<EmbeddingProgress>;
  /** Whether vectors and messages agree (orphans, missing, wrong dimension). */
  check(): Promise<VectorCheck>;
  /**
   * Drops every vector and resets every cursor (the model stays recorded): history is embedded again. What
   * `pnpm embed --rebuild` runs, and the fix `check` names.
   */
  rebuild(): Promise<void>;
}

/** Most hits one meaning search returns. */
export const MAX_VECTOR_HITS = 100;

/** Clamps `VectorSearchOptions.limit`. */
export function vectorLimit(limit: number | undefined): number {
  return Math.min(MAX_VECTOR_HITS, Math.max(1, Math.floor(limit ?? 20)));
}

/** The bytes of a float32 vector, as sqlite-vec and `bytea` store it. */
export function vectorBytes(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** The check's verdict with one sentence per problem, shared by both back ends. */
export function summarizeVectorCheck(counts: { orphans: number; missing: number; wrongDims: number }): VectorCheck {
  const problems: string[] = [];
  if (counts.orphans > 0)
    problems.push(`${counts.orphans} vector(s) belong to deleted messages; run \`pnpm embed --rebuild\`.`);
  if (counts.missing > 0)
    problems.push(
      `${counts.missing} message(s) behind the embedding cursor have no vector; run \`pnpm embed --rebuild\`.`,
    );
  if (counts.wrongDims > 0)
    problems.push(
      `${counts.wrongDims} vector(s) do not have the recorded model's dimension; run \`pnpm embed --rebuild\`.`,
    );
  return { ok: problems.length === 0, ...counts, problems };
}
