/**
 * Search by meaning through the in-process vector index (src/vector-index) on SQLite: a user's vectors are loaded
 * once from the vec0 table's own storage, kept in step by `store` / `setEnabled` / `useModel` / `rebuild`, scanned as
 * int8 in the index's worker, and the best candidates re-ranked with the exact float vectors of the vec0 table (so
 * scores equal the exact path's). A candidate whose vector is gone (its message was deleted, by any process) is
 * dropped from the index and the scan repeated; another process's writes are noticed by the user's cursor and
 * model row, and the user's copy is loaded again. Until a user's copy is ready, or when it would exceed the index's
 * memory bound, the search is vec0's exact KNN.
 */
import type Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { MessageVectorInput, VectorHit } from '../../contract/vectors.js';
import { openDatabase } from '../connection/index.js';
import type { VectorBatch, VectorIndex } from '../../vector-index/index.js';
import type { RepositoryContext } from './repository-context.js';

/** Runs one read-only statement, in the read pool when the store has one. */
export type VectorRead = (sql: string, params: readonly unknown[]) => Promise<unknown[]>;

/** A read-only connection of the index's own, for its re-rank lookups and its loads. */
export interface VectorReader {
  read: VectorRead;
  close(): void;
}

/**
 * Opens (on first use) a read-only, memory-mapped connection to `path` with sqlite-vec. A vec0 point lookup walks the
 * overflow pages of a 256 KB chunk blob: through the page cache that cost ~0.3 ms of CPU a lookup at 1,000,000
 * vectors (a system call a page), memory-mapped ~0.1 ms. Not the read pool: its niced workers answer late on a busy
 * machine, and these reads are short.
 */
export function openVectorReader(path: string, busyTimeoutMs: number): VectorReader {
  let raw: Database.Database | undefined;
  const statements = new Map<string, Database.Statement>();
  const connection = () => {
    if (raw) return raw;
    const opened = openDatabase({ path, readonly: true, busyTimeoutMs });
    try {
      sqliteVec.load(opened);
      opened.pragma('mmap_size = 1073741824');
      opened.pragma('cache_size = -32768');
    } catch (error) {
      opened.close();
      throw error;
    }
    raw = opened;
    return opened;
  };
  return {
    async read(statement, params) {
      let prepared = statements.get(statement);
      if (!prepared) {
        prepared = connection().prepare(statement);
        // The re-rank's text depends on the candidate count only: a handful of shapes.
        if (statements.size < 64) statements.set(statement, prepared);
      }
      return prepared.all(...params);
    },
    close() {
      statements.clear();
      raw?.close();
      raw = undefined;
    },
  };
}

/** Candidates re-ranked per scan: at least this many, or 4× the limit (SQLite allows 500 terms in one UNION ALL). */
const MIN_CANDIDATES = 100;
const MAX_CANDIDATES = 400;
/**
 * Vector bytes read per batch while loading (whole vec0 chunks of 1,024 vectors, at least one): one chunk at 64
 * dimensions, a read of ~2 ms on this connection between turns of the event loop.
 */
const BATCH_BYTES = 256 * 1024;

/** vec0's storage for `table` (sqlite-vec 0.1): chunks with a validity bitmap and rowids, vectors per chunk. */
function shadow(table: string) {
  return {
    chunks: `${table}_chunks`,
    vectors: `${table}_vector_chunks00`,
    rowids: `${table}_rowids`,
  };
}

/**
 * Whether the vec0 table's storage has the layout this loader reads (sqlite-vec 0.1.x with one partition key and one
 * vector column); otherwise the index stays off and vec0 answers every search.
 */
export function canReadShadow(ctx: RepositoryContext, table: string): boolean {
  const s = shadow(table);
  const sqlOf = (name: string) =>
    ctx.sql.get<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, [name])?.sql ?? '';
  const chunks = sqlOf(s.chunks);
  return (
    ['chunk_id', 'size', 'partition00', 'validity', 'rowids'].every((c) => chunks.includes(c)) &&
    ['rowid', 'vectors'].every((c) => sqlOf(s.vectors).includes(c)) &&
    ['rowid', 'id', 'chunk_id', 'chunk_offset'].every((c) => sqlOf(s.rowids).includes(c))
  );
}

function bytes(value: unknown): Uint8Array {
  return value instanceof Uint8Array ? value : new Uint8Array(0);
}

function popcount(bitmap: Uint8Array): number {
  let n = 0;
  for (const byte of bitmap) for (let b = byte; b !== 0; b &= b - 1) n++;
  return n;
}

interface ChunkRow {
  chunk_id: number;
  size: number;
  validity: Uint8Array;
  rowids?: Uint8Array;
  vectors?: Uint8Array;
}

/** The user's vec0 chunks and how many valid vectors they hold. */
export async function userChunks(read: VectorRead, table: string, userId: string) {
  const rows = (await read(
    `SELECT chunk_id, size, validity FROM ${shadow(table).chunks} WHERE partition00 = ? ORDER BY chunk_id`,
    [userId],
  )) as ChunkRow[];
  let count = 0;
  for (const row of rows) count += popcount(bytes(row.validity));
  return { chunkIds: rows.map((r) => r.chunk_id), count };
}

/** Decodes chunks into a batch: valid slots only, ids looked up by rowid. */
async function decode(read: VectorRead, table: string, rows: ChunkRow[], dims: number): Promise<VectorBatch> {
  const rowids: number[] = [];
  const sources: { vectors: Uint8Array; slot: number }[] = [];
  for (const row of rows) {
    const validity = bytes(row.validity);
    const ids = bytes(row.rowids);
    const view = new DataView(ids.buffer, ids.byteOffset, ids.byteLength);
    for (let slot = 0; slot < row.size; slot++) {
      if (((validity[slot >> 3] ?? 0) & (1 << (slot & 7))) === 0) continue;
      rowids.push(Number(view.getBigInt64(slot * 8, true)));
      sources.push({ vectors: bytes(row.vectors), slot });
    }
  }
  const idRows = (await read(
    `SELECT rowid AS r, id FROM ${shadow(table).rowids} WHERE rowid IN (SELECT value FROM json_each(?))`,
    [JSON.stringify(rowids)],
  )) as { r: number; id: string }[];
  const idOf = new Map(idRows.map((r) => [r.r, r.id]));
  const out: VectorBatch = { ids: [], vectors: new Float32Array(rowids.length * dims) };
  const outBytes = new Uint8Array(out.vectors.buffer);
  const bytesPerVector = dims * 4;
  let n = 0;
  for (let i = 0; i < rowids.length; i++) {
    const id = idOf.get(rowids[i] as number);
    const source = sources[i];
    if (id === undefined || !source) continue;
    // Byte copies: a blob's bytes need not be 4-byte aligned for a Float32Array view.
    outBytes.set(
      source.vectors.subarray(source.slot * bytesPerVector, (source.slot + 1) * bytesPerVector),
      n * bytesPerVector,
    );
    out.ids.push(id);
    n++;
  }
  return { ids: out.ids, vectors: out.vectors.subarray(0, n * dims) };
}

/** Every vector of the user's chunks, a few chunks per read (each read is short: the event loop goes on between). */
export async function* userVectors(
  read: VectorRead,
  table: string,
  chunkIds: readonly number[],
  dims: number,
): AsyncIterable<VectorBatch> {
  const s = shadow(table);
  const perBatch = Math.max(1, Math.floor(BATCH_BYTES / (1024 * dims * 4)));
  for (let at = 0; at < chunkIds.length; at += perBatch) {
    const ids = chunkIds.slice(at, at + perBatch);
    const rows = (await read(
      `SELECT c.chunk_id, c.size, c.validity, c.rowids, v.vectors FROM ${s.chunks} c
         JOIN ${s.vectors} v ON v.rowid = c.chunk_id
        WHERE c.chunk_id IN (SELECT value FROM json_each(?)) ORDER BY c.chunk_id`,
      [JSON.stringify(ids)],
    )) as ChunkRow[];
    yield await decode(read, table, rows, dims);
  }
}

/** The user's row that changes when another process writes their vectors (cursor) or the model changes. */
function fingerprint(ctx: RepositoryContext, userId: string) {
  const row = ctx.sql.get<{ enabled_at: number; cursor_seq: number; updated_at: number | null }>(
    `SELECT e.enabled_at, e.cursor_seq, (SELECT updated_at FROM embedding_model WHERE id = 1) AS updated_at
       FROM embedding_users e WHERE e.user_id = ?`,
    [userId],
  );
  return row && { stamp: `${row.enabled_at}:${row.updated_at ?? ''}`, cursor: row.cursor_seq };
}

interface Tracked {
  stamp: string;
  /** The cursor as this process knows it: the load's, moved by this process's own `store`. */
  cursor: number;
}

/** The index's side of the SQLite vectors repository. */
export interface IndexedVectors {
  /** Hits through the index, or `null` when vec0 must answer (not loaded yet, too large, or too stale). */
  search(userId: string, vector: Float32Array, limit: number): Promise<VectorHit[] | null>;
  /** After `store`: every item moved its user's cursor; `written` got a vector (the others' messages were gone). */
  stored(items: readonly MessageVectorInput[], written: readonly MessageVectorInput[]): void;
  /** After `setEnabled(false)`, `useModel` (a change) or `rebuild`: the user's copy, or every copy, goes. */
  drop(userId?: string): void;
}

/** Wires `index` to the vec0 table `table` of `ctx`'s database. */
export function indexedVectors(
  ctx: RepositoryContext,
  index: VectorIndex,
  table: string,
  dims: () => number | undefined,
  reader?: VectorRead,
): IndexedVectors {
  const tracked = new Map<string, Tracked>();
  // The re-rank's point lookups run on this thread, on `reader` (or the store's connection for `:memory:`): a round
  // trip to the read pool, whose workers run niced, cost more than the lookups themselves on a busy machine.
  const rerankRead: VectorRead = reader ?? (async (statement, params) => ctx.sql.all(statement, params));
  // The load reads short slices the same way, each after a turn of the event loop: through the niced read pool a
  // million vectors took two minutes on a loaded machine, this way seconds.
  const read: VectorRead = async (statement, params) => {
    await new Promise((resolve) => setImmediate(resolve));
    return rerankRead(statement, params);
  };

  const startLoad = (userId: string, dims: number) => {
    const now = fingerprint(ctx, userId);
    if (!now) return;
    tracked.set(userId, { stamp: now.stamp, cursor: now.cursor });
    let chunkIds: readonly number[] = [];
    // The partition is `loading` from here on: a `store` meanwhile is replayed after the load, even into a chunk
    // created after the chunk list was read. Meanwhile vec0 answers; a failed load is retried after a delay.
    index
      .load(userId, {
        dims,
        count: async () => {
          const chunks = await userChunks(read, table, userId);
          chunkIds = chunks.chunkIds;
          return chunks.count;
        },
        batches: () => userVectors(read, table, chunkIds, dims),
      })
      .catch(() => {});
  };

  const fresh = (userId: string): boolean => {
    const known = tracked.get(userId);
    const now = fingerprint(ctx, userId);
    if (known && now && known.stamp === now.stamp && known.cursor === now.cursor) return true;
    index.drop(userId);
    tracked.delete(userId);
    return false;
  };

  return {
    async search(userId, vector, limit) {
      const d = dims();
      if (d === undefined || vector.length !== d) return null;
      const state = index.state(userId);
      if ((state === 'ready' || state === 'loading') && !fresh(userId)) return null;
      if (index.state(userId) === 'absent' && index.canLoad(userId)) startLoad(userId, d);
      if (index.state(userId) !== 'ready') return null;
      return rankedSearch(index, table, rerankRead, userId, vector, limit);
    },
    stored(items, written) {
      const byUser = new Map<string, { ids: string[]; vectors: Float32Array[]; seq: number }>();
      const entry = (userId: string) => {
        const found = byUser.get(userId) ?? { ids: [], vectors: [], seq: 0 };
        byUser.set(userId, found);
        return found;
      };
      for (const item of items) entry(item.userId).seq = Math.max(entry(item.userId).seq, item.seq);
      for (const item of written) {
        entry(item.userId).ids.push(item.messageId);
        entry(item.userId).vectors.push(item.vector);
      }
      for (const [userId, entry] of byUser) {
        const known = tracked.get(userId);
        if (!known) continue;
        known.cursor = Math.max(known.cursor, entry.seq);
        const d = entry.vectors[0]?.length ?? 0;
        const vectors = new Float32Array(entry.ids.length * d);
        for (let i = 0; i < entry.vectors.length; i++) vectors.set(entry.vectors[i] as Float32Array, i * d);
        index.upsert(userId, { ids: entry.ids, vectors });
      }
    },
    drop(userId) {
      if (userId === undefined) tracked.clear();
      else tracked.delete(userId);
      index.drop(userId);
    },
  };
}

/**
 * Scans, re-ranks the candidates with the exact vectors (only the user's own rows count), and forgets candidates
 * whose vector is gone; scans again while such stale candidates crowded out the page.
 */
async function rankedSearch(
  index: VectorIndex,
  table: string,
  read: VectorRead,
  userId: string,
  vector: Float32Array,
  limit: number,
): Promise<VectorHit[] | null> {
  const k = Math.min(MAX_CANDIDATES, Math.max(MIN_CANDIDATES, limit * 4));
  const query = JSON.stringify(Array.from(vector));
  for (let attempt = 0; attempt < 3; attempt++) {
    const candidates = await index.search(userId, vector, k);
    if (candidates.ids.length === 0) return index.state(userId) === 'ready' ? [] : null;
    // One vec0 point lookup per candidate (a `message_id IN (…)` would scan the whole table).
    const lookup = `SELECT message_id, user_id, vec_distance_cosine(embedding, (SELECT v FROM q)) AS distance
      FROM ${table} WHERE message_id = ?`;
    const rows = (await read(
      `WITH q(v) AS (SELECT vec_f32(?)) ${candidates.ids.map(() => lookup).join(' UNION ALL ')}`,
      [query, ...candidates.ids],
    )) as { message_id: string; user_id: string; distance: number }[];
    const own = rows.filter((r) => r.user_id === userId);
    const found = new Set(own.map((r) => r.message_id));
    const gone = candidates.ids.filter((id) => !found.has(id));
    if (gone.length > 0) index.remove(userId, gone);
    if (gone.length === 0 || own.length >= limit || candidates.ids.length < k)
      return own
        .sort((a, b) => a.distance - b.distance)
        .slice(0, limit)
        .map((r): VectorHit => ({ message_id: r.message_id, score: 1 - r.distance }));
  }
  // Mostly stale: load the user's copy again, and let vec0 answer.
  index.drop(userId);
  return null;
}
