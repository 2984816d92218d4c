/**
 * Chunk vectors on SQLite: a sqlite-vec `vec0` table with the attachment as its partition key, so a KNN query reads
 * only the chunks of the files a turn retrieves from. The table is created when the model is recorded (its dimension
 * is part of its definition) together with a trigger that deletes a chunk's vector with the chunk (and so with its
 * attachment, message or chat).
 */
import type { AttachmentChunkHit } from '../../contract/attachments.js';
import type {
  ChunkIndexProgress,
  ChunkVectorInput,
  ChunkVectorsRepository,
  PendingChunk,
} from '../../contract/chunk-vectors.js';
import { chunkEmbeddingText } from '../../contract/chunk-vectors.js';
import { type EmbeddingModelInfo, vectorBytes } from '../../contract/vectors.js';
import { VectorsUnavailableError } from '../../errors/index.js';
import type { RepositoryContext } from './repository-context.js';

/** The vec0 table of chunk vectors. */
export const CHUNK_VECTORS_TABLE = 'chunk_vectors';

function createChunkVectorTable(ctx: RepositoryContext, dims: number): void {
  const { raw } = ctx.sql;
  raw.exec('DROP TRIGGER IF EXISTS chunk_vectors_delete');
  raw.exec(`DROP TABLE IF EXISTS ${CHUNK_VECTORS_TABLE}`);
  raw.exec(`CREATE VIRTUAL TABLE ${CHUNK_VECTORS_TABLE} USING vec0(
    attachment_id text partition key,
    chunk_id integer primary key,
    embedding float[${Math.floor(dims)}] distance_metric=cosine
  )`);
  raw.exec(`CREATE TRIGGER chunk_vectors_delete AFTER DELETE ON attachment_chunks BEGIN
    DELETE FROM ${CHUNK_VECTORS_TABLE} WHERE chunk_id = old.id;
  END`);
  ctx.sql.clear();
}

function hasTable(ctx: RepositoryContext): boolean {
  return ctx.sql.get('SELECT 1 AS x FROM sqlite_master WHERE name = ?', [CHUNK_VECTORS_TABLE]) !== undefined;
}

function recordedModel(ctx: RepositoryContext): EmbeddingModelInfo | undefined {
  return ctx.sql.get<EmbeddingModelInfo>('SELECT model, dims FROM chunk_embedding_model WHERE id = 1');
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** One attachment's progress; `undefined` when it is missing, another user's, or not chunked. */
export function chunkIndexProgress(
  ctx: RepositoryContext,
  userId: string,
  attachmentId: string,
): ChunkIndexProgress | undefined {
  const row = ctx.sql.get<{ chunked: number; index_error: string | null; chunks: number; embedded: number | null }>(
    `SELECT a.chunked, a.index_error, count(c.id) AS chunks, coalesce(sum(c.embedded), 0) AS embedded
       FROM attachments a LEFT JOIN attachment_chunks c ON c.attachment_id = a.id
      WHERE a.id = ? AND a.user_id = ? GROUP BY a.id`,
    [attachmentId, userId],
  );
  if (!row || row.chunked !== 1) return undefined;
  return { chunks: row.chunks, embedded: row.embedded ?? 0, reason: row.index_error };
}

/** After vectors were stored: each attachment is `ready` when no chunk lacks one, else `indexing`. */
function settle(ctx: RepositoryContext, attachmentIds: Iterable<string>): void {
  for (const id of attachmentIds)
    ctx.sql.run(
      `UPDATE attachments SET index_error = NULL,
              state = CASE WHEN EXISTS (SELECT 1 FROM attachment_chunks WHERE attachment_id = ? AND embedded = 0)
                           THEN 'indexing' ELSE 'ready' END
        WHERE id = ? AND chunked = 1`,
      [id, id],
    );
}

function storeChunkVectors(ctx: RepositoryContext, items: readonly ChunkVectorInput[]): void {
  const { sql } = ctx;
  const model = recordedModel(ctx);
  if (!model || !hasTable(ctx))
    throw new VectorsUnavailableError('No chunk embedding model recorded: call useModel first.');
  const touched = new Set<string>();
  for (const item of items) {
    if (item.vector.length !== model.dims)
      throw new VectorsUnavailableError(
        `A chunk vector has ${item.vector.length} dimensions; the recorded model ${model.model} has ${model.dims}.`,
      );
    const chunk = sql.get<{ attachment_id: string }>('SELECT attachment_id FROM attachment_chunks WHERE id = ?', [
      item.chunkId,
    ]);
    // A chunk deleted meanwhile (its file or message went) gets no vector.
    if (!chunk) continue;
    // vec0 has no upsert, and wants its integer key as an integer (a JS number binds as a float).
    const key = BigInt(item.chunkId);
    sql.run(`DELETE FROM ${CHUNK_VECTORS_TABLE} WHERE chunk_id = ?`, [key]);
    sql.run(`INSERT INTO ${CHUNK_VECTORS_TABLE} (attachment_id, chunk_id, embedding) VALUES (?, ?, ?)`, [
      chunk.attachment_id,
      key,
      vectorBytes(item.vector),
    ]);
    sql.run('UPDATE attachment_chunks SET embedded = 1 WHERE id = ?', [item.chunkId]);
    touched.add(chunk.attachment_id);
  }
  settle(ctx, touched);
}

type ChunkRow = Omit<AttachmentChunkHit, 'rank'> & { id: number };

/** The user's chunk rows by id, with their file's name (ownership checked again). */
function chunkRows(ctx: RepositoryContext, userId: string, ids: readonly number[]): Map<number, ChunkRow> {
  if (ids.length === 0) return new Map();
  const rows = ctx.sql.all<ChunkRow>(
    `SELECT c.id, c.attachment_id, a.name, c.ordinal, c.start, c."end" AS "end", c.heading, c.page, c.text
       FROM attachment_chunks c JOIN attachments a ON a.id = c.attachment_id
      WHERE c.user_id = ? AND c.id IN (${placeholders(ids.length)})`,
    [userId, ...ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** The SQLite `ChunkVectorsRepository`; `available` is whether sqlite-vec loaded into this connection. */
export function createChunkVectorsRepository(ctx: RepositoryContext, available: boolean): ChunkVectorsRepository {
  const { sql } = ctx;
  const requireVec = () => {
    if (!available)
      throw new VectorsUnavailableError(
        'sqlite-vec could not be loaded on this platform; large files are retrieved by words only.',
      );
  };
  return {
    async model() {
      return recordedModel(ctx) ?? null;
    },
    async useModel(info) {
      requireVec();
      return sql.write(() => {
        const current = recordedModel(ctx);
        if (current?.model === info.model && current.dims === info.dims && hasTable(ctx)) return false;
        sql.run(
          `INSERT INTO chunk_embedding_model (id, model, dims, updated_at) VALUES (1, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET model = excluded.model, dims = excluded.dims, updated_at = excluded.updated_at`,
          [info.model, info.dims, ctx.now()],
        );
        createChunkVectorTable(ctx, info.dims);
        sql.run('UPDATE attachment_chunks SET embedded = 0 WHERE embedded = 1');
        sql.run(`UPDATE attachments SET state = 'indexing', index_error = NULL WHERE chunked = 1`);
        return true;
      });
    },
    async pending(limit) {
      const rows = sql.all<{
        id: number;
        attachment_id: string;
        user_id: string;
        heading: string | null;
        text: string;
      }>(
        `SELECT c.id, c.attachment_id, c.user_id, c.heading, c.text
           FROM attachments a JOIN attachment_chunks c ON c.attachment_id = a.id AND c.embedded = 0
          WHERE a.chunked = 1 AND a.state <> 'ready'
          ORDER BY a.created_at, a.id, c.ordinal LIMIT ?`,
        [Math.max(1, Math.floor(limit))],
      );
      return rows.map(
        (r): PendingChunk => ({
          chunkId: r.id,
          attachmentId: r.attachment_id,
          userId: r.user_id,
          text: chunkEmbeddingText(r.heading, r.text),
        }),
      );
    },
    async store(items) {
      requireVec();
      if (items.length === 0) return;
      sql.write(() => storeChunkVectors(ctx, items));
    },
    async fail(reason) {
      return sql.run(
        `UPDATE attachments SET state = 'error', index_error = ? WHERE chunked = 1 AND state = 'indexing'`,
        [reason],
      ).changes;
    },
    async search(userId, { attachmentIds, vector, model, limit }) {
      if (!available || attachmentIds.length === 0 || limit <= 0 || !hasTable(ctx)) return [];
      const recorded = recordedModel(ctx);
      if (recorded?.model !== model || recorded.dims !== vector.length) return [];
      // Only the caller's own files are searched: another user's id finds no partition here.
      const owned = sql.all<{ id: string }>(
        `SELECT id FROM attachments WHERE user_id = ? AND chunked = 1 AND id IN (${placeholders(attachmentIds.length)})`,
        [userId, ...attachmentIds],
      );
      const query = vectorBytes(vector);
      const found: { chunk_id: number; distance: number }[] = [];
      for (const { id } of owned)
        found.push(
          ...sql.all<{ chunk_id: number; distance: number }>(
            `SELECT chunk_id, distance FROM ${CHUNK_VECTORS_TABLE}
              WHERE embedding MATCH ? AND k = ? AND attachment_id = ? ORDER BY distance`,
            [query, Math.floor(limit), id],
          ),
        );
      found.sort((a, b) => a.distance - b.distance || a.chunk_id - b.chunk_id);
      const best = found.slice(0, limit);
      const rows = chunkRows(
        ctx,
        userId,
        best.map((f) => f.chunk_id),
      );
      return best.flatMap((f) => {
        const row = rows.get(f.chunk_id);
        if (!row) return [];
        const { id: _id, ...chunk } = row;
        return [{ ...chunk, rank: f.distance }];
      });
    },
    async progress(userId, attachmentId) {
      return chunkIndexProgress(ctx, userId, attachmentId);
    },
  };
}
