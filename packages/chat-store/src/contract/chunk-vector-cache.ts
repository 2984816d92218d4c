/**
 * The in-process side of chunk vector search, shared by both back ends: each file's vectors as one Float32Array,
 * loaded once per version of the file's vectors and kept while they do not change, scanned exactly. A turn searches
 * at most the 20 files of its messages, so an exact scan stays cheap (100,000 vectors of 64 dimensions are 6.4 M
 * multiply-adds) where sqlite-vec's KNN and PostgreSQL's plpgsql scan cost per row (docs/benchmarks.md).
 */

/** One file's vectors: `ids[i]`'s vector is `vectors[i * dims … (i + 1) * dims]`. */
export interface ChunkMatrix {
  ids: number[];
  vectors: Float32Array;
  dims: number;
}

/** A chunk found by the scan: `distance` is the cosine distance (1 − dot product of unit vectors). */
export interface ChunkDistance {
  chunkId: number;
  distance: number;
}

/** Default bound of the vectors kept in memory (64 dims: 128 MiB), least recently used dropped first. */
export const DEFAULT_CACHED_CHUNK_VECTORS = 500_000;

/** Builds a matrix from rows of float32 bytes (SQLite blobs) or number arrays (PostgreSQL `real[]`). */
export function chunkMatrix(rows: readonly { id: number; embedding: Uint8Array | readonly number[] }[], dims: number) {
  const vectors = new Float32Array(rows.length * dims);
  rows.forEach((row, i) => {
    const e = row.embedding;
    const values =
      e instanceof Uint8Array ? new Float32Array(e.buffer.slice(e.byteOffset, e.byteOffset + e.byteLength)) : e;
    vectors.set(values.length === dims ? values : new Float32Array(dims), i * dims);
  });
  return { ids: rows.map((r) => r.id), vectors, dims };
}

/** Per-file matrices keyed by the file's vector version, least recently used dropped past `maxVectors`. */
export class ChunkVectorCache {
  readonly #entries = new Map<string, { version: string; matrix: ChunkMatrix }>();
  #size = 0;

  constructor(private readonly maxVectors = DEFAULT_CACHED_CHUNK_VECTORS) {}

  /** The file's matrix at `version`, from memory or from `load`. */
  async get(attachmentId: string, version: string, load: () => Promise<ChunkMatrix>): Promise<ChunkMatrix> {
    const hit = this.#entries.get(attachmentId);
    if (hit && hit.version === version) {
      this.#entries.delete(attachmentId);
      this.#entries.set(attachmentId, hit);
      return hit.matrix;
    }
    const matrix = await load();
    this.#drop(attachmentId);
    this.#entries.set(attachmentId, { version, matrix });
    this.#size += matrix.ids.length;
    for (const key of this.#entries.keys()) {
      if (this.#size <= this.maxVectors || key === attachmentId) break;
      this.#drop(key);
    }
    return matrix;
  }

  #drop(attachmentId: string): void {
    const old = this.#entries.get(attachmentId);
    if (!old) return;
    this.#size -= old.matrix.ids.length;
    this.#entries.delete(attachmentId);
  }
}

/**
 * `vectors[at … at + query.length)` · `query`, four products at a time: four independent sums let V8 overlap the
 * multiplications, about twice as fast as one running sum over 64 dimensions (the hot loop of a 100,000-chunk scan).
 */
function dotAt(vectors: Float32Array, at: number, query: Float32Array): number {
  const dims = query.length;
  let d0 = 0;
  let d1 = 0;
  let d2 = 0;
  let d3 = 0;
  let j = 0;
  for (; j + 3 < dims; j += 4) {
    d0 += (vectors[at + j] as number) * (query[j] as number);
    d1 += (vectors[at + j + 1] as number) * (query[j + 1] as number);
    d2 += (vectors[at + j + 2] as number) * (query[j + 2] as number);
    d3 += (vectors[at + j + 3] as number) * (query[j + 3] as number);
  }
  for (; j < dims; j++) d0 += (vectors[at + j] as number) * (query[j] as number);
  return d0 + d1 + (d2 + d3);
}

/** The `k` chunks of `matrices` nearest to `query` (unit vectors), nearest first; an exact scan. */
export function nearestChunks(matrices: readonly ChunkMatrix[], query: Float32Array, k: number): ChunkDistance[] {
  const best: ChunkDistance[] = [];
  if (k <= 0) return best;
  let worst = Number.POSITIVE_INFINITY;
  const dims = query.length;
  for (const m of matrices) {
    if (m.dims !== dims) continue;
    const { vectors, ids } = m;
    for (let i = 0; i < ids.length; i++) {
      const distance = 1 - dotAt(vectors, i * dims, query);
      if (distance >= worst) continue;
      // Insertion into the short sorted list of the best so far (the worst one falls off when it is full).
      let p = best.length < k ? best.length : k - 1;
      while (p > 0 && (best[p - 1] as ChunkDistance).distance > distance) {
        best[p] = best[p - 1] as ChunkDistance;
        p--;
      }
      best[p] = { chunkId: ids[i] as number, distance };
      if (best.length >= k) worst = (best[k - 1] as ChunkDistance).distance;
    }
  }
  return best;
}
