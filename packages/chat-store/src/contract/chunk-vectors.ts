/**
 * Vectors of the chunks of large attachments, for hybrid retrieval (full-text rank fused with vector rank). Both back
 * ends store them beside `attachment_chunks` (SQLite: a sqlite-vec `vec0` table partitioned by attachment;
 * PostgreSQL: `real[]` rows scanned exactly). A chunked attachment is `indexing` until every chunk has a vector of
 * the recorded model, then `ready`; `error` (with a reason) when they cannot be made, while retrieval goes on by words.
 * Unlike message vectors this needs no per-user opt-in: attaching a large file is the request to search it.
 */
import type { AttachmentChunkHit } from './attachments.js';
import type { EmbeddingModelInfo } from './vectors.js';

/** A chunk waiting for its vector (`ChunkVectorsRepository.pending`). */
export interface PendingChunk {
  /** The chunk's row id, what its vector is stored under. */
  chunkId: number;
  attachmentId: string;
  userId: string;
  /** The chunk's heading (when it has one) and text, as it is embedded. */
  text: string;
}

/** One chunk vector to store: unit length, the recorded model's dimension. */
export interface ChunkVectorInput {
  chunkId: number;
  vector: Float32Array;
}

/** How far one attachment's chunks are embedded (`AttachmentSummary.index`). */
export interface ChunkIndexProgress {
  /** Chunks of the attachment. */
  chunks: number;
  /** Of those, chunks with a vector of the recorded model. */
  embedded: number;
  /** Why the vectors cannot be made now, when the attachment's state is `error`; else `null`. */
  reason: string | null;
}

/** Chunk indexing over every user's chunked attachments (`/health`, `pnpm embed --status`). */
export interface ChunkIndexTotals {
  /** Chunked attachments per state: `ready` (every chunk has a vector), `indexing`, `error` (no model can embed). */
  files: { ready: number; indexing: number; error: number };
  /** Chunks of every chunked attachment. */
  chunks: number;
  /** Of those, chunks with a vector of the recorded model. */
  embedded: number;
}

/** Options of `ChunkVectorsRepository.search`. */
export interface ChunkVectorSearch {
  /** Only chunks of these attachments (the user's own; others are ignored) are searched. */
  attachmentIds: readonly string[];
  /** The query's unit vector. */
  vector: Float32Array;
  /** The model `vector` comes from: nothing is found unless it is the recorded one. */
  model: string;
  limit: number;
}

/** Chunk vectors of every user's chunked attachments; each read is scoped by user. */
export interface ChunkVectorsRepository {
  /** The model and dimension of the stored chunk vectors, or `null` before the first. */
  model(): Promise<EmbeddingModelInfo | null>;
  /**
   * Records the model the next vectors come from. When the model or the dimension differs from the recorded one,
   * every chunk vector is dropped and every chunked attachment goes back to `indexing`, to be embedded again.
   * Returns `true` when it did so.
   */
  useModel(info: EmbeddingModelInfo): Promise<boolean>;
  /** Chunks without a vector of chunked attachments that are `indexing` or `error`, oldest attachment first. */
  pending(limit: number): Promise<PendingChunk[]>;
  /**
   * Stores vectors (a chunk deleted meanwhile gets none); each attachment touched becomes `ready` once all its chunks
   * have one, else stays (or goes back to) `indexing`.
   */
  store(items: readonly ChunkVectorInput[]): Promise<void>;
  /** Marks every chunked attachment still waiting for vectors `error`, with the reason (a sentence). Returns how many. */
  fail(reason: string): Promise<number>;
  /** The user's chunks of `attachmentIds` nearest to the vector, best first; `rank` is the cosine distance. */
  search(userId: string, options: ChunkVectorSearch): Promise<AttachmentChunkHit[]>;
  /** Progress of one of the user's attachments; `undefined` when it is missing or not chunked. */
  progress(userId: string, attachmentId: string): Promise<ChunkIndexProgress | undefined>;
  /** Chunk indexing across all users, from indexes only (a file's row holds its whole text). */
  totals(): Promise<ChunkIndexTotals>;
}

/** The text a chunk is embedded as: its heading gives a short passage its context. */
export function chunkEmbeddingText(heading: string | null, text: string): string {
  const body = heading ? `${heading}\n${text}` : text;
  // The runtime refuses empty input; a blank chunk still gets a vector so the file can become ready.
  return body.trim() === '' ? ' ' : body;
}
