/**
 * Chunk vectors on SQLite: float32 blobs on the chunk rows (deleted with them, so with their file, message and chat),
 * searched by an exact scan, in process, of the files a turn retrieves from (`ChunkVectorCache`).
 */
import type { AttachmentChunkHit } from '../../contract/attachments.js';
import { type ChunkMatrix, ChunkVectorCache, chunkMatrix, nearestChunks } from '../../contract/chunk-vector-cache.js';
import type {
  ChunkIndexProgress,
  ChunkIndexTotals,
  ChunkVectorInput,
  ChunkVectorsRepository,
  PendingChunk,
} from '../../contract/chunk-vectors.js';
import { chunkEmbeddingText } from '../../contract/chunk-vectors.js';
import { type EmbeddingModelInfo, vectorBytes } from '../../contract/vectors.js';
import { VectorsUnavailableError } from '../../errors/index.js';
import { CHUNKING_VERSION } from './attachment-chunk-writer.js';
import type { RepositoryContext } from './repository-context.js';

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
  if (row?.chunked !== 1) return undefined;
  return { chunks: row.chunks, embedded: row.embedded ?? 0, reason: row.index_error };
}

/**
 * Totals over every chunked attachment, read from indexes: a row's `state` sits after its whole text, so only the
 * files not yet `ready` (a partial index, few) are read for it.
 */
export function chunkIndexTotals(ctx: RepositoryContext): ChunkIndexTotals {
  const { sql } = ctx;
  const files =
    sql.get<{ n: number }>(
      'SELECT count(*) AS n FROM attachments INDEXED BY attachments_vector_version_idx WHERE chunked = 1',
    )?.n ?? 0;
  const waiting = sql.all<{ state: string; n: number }>(
    `SELECT state, count(*) AS n FROM attachments INDEXED BY attachments_indexing_idx
      WHERE chunked = 1 AND state <> 'ready' GROUP BY state`,
  );
  const count = (state: string) => waiting.find((w) => w.state === state)?.n ?? 0;
  // Less the chunks of deleted files still being deleted after them (see `attachment-chunk-purge.ts`).
  const purging = sql.get<{ n: number; unembedded: number }>(
    `SELECT count(*) AS n, coalesce(sum(embedded = 0), 0) AS unembedded FROM attachment_chunks
      WHERE attachment_id IN (SELECT attachment_id FROM attachment_chunk_purges)`,
  );
  const chunks = (sql.get<{ n: number }>('SELECT count(*) AS n FROM attachment_chunks')?.n ?? 0) - (purging?.n ?? 0);
  const unembedded =
    (sql.get<{ n: number }>(
      'SELECT count(*) AS n FROM attachment_chunks INDEXED BY attachment_chunks_unembedded_idx WHERE embedded = 0',
    )?.n ?? 0) - (purging?.unembedded ?? 0);
  const indexing = count('indexing');
  const error = count('error');
  return { files: { ready: files - indexing - error, indexing, error }, chunks, embedded: chunks - unembedded };
}

/**
 * After vectors were stored: each attachment is `ready` when no chunk lacks one, else `indexing`. A file whose chunks
 * are still being written is left as it is (its version marks it unfinished; it is `indexing` already).
 */
function settle(ctx: RepositoryContext, attachmentIds: Iterable<string>): void {
  for (const id of attachmentIds)
    ctx.sql.run(
      `UPDATE attachments SET index_error = NULL, index_version = index_version + 1,
              state = CASE WHEN EXISTS (SELECT 1 FROM attachment_chunks WHERE attachment_id = ? AND embedded = 0)
                           THEN 'indexing' ELSE 'ready' END
        WHERE id = ? AND chunked = 1 AND index_version <> ?`,
      [id, id, CHUNKING_VERSION],
    );
}

function storeChunkVectors(ctx: RepositoryContext, items: readonly ChunkVectorInput[]): void {
  const { sql } = ctx;
  const model = recordedModel(ctx);
  if (!model) throw new VectorsUnavailableError('No chunk embedding model recorded: call useModel first.');
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
    sql.run('UPDATE attachment_chunks SET embedded = 1, embedding = ? WHERE id = ?', [
      vectorBytes(item.vector),
      item.chunkId,
    ]);
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

/** The file's vectors, as stored now. */
function loadMatrix(ctx: RepositoryContext, attachmentId: string, dims: number): ChunkMatrix {
  const rows = ctx.sql.all<{ id: number; embedding: Buffer }>(
    'SELECT id, embedding FROM attachment_chunks WHERE attachment_id = ? AND embedded = 1 AND embedding IS NOT NULL',
    [attachmentId],
  );
  return chunkMatrix(rows, dims);
}

/** The SQLite `ChunkVectorsRepository`; `cache` keeps files' vectors in memory between turns. */
export function createChunkVectorsRepository(
  ctx: RepositoryContext,
  cache = new ChunkVectorCache(),
): ChunkVectorsRepository {
  const { sql } = ctx;
  return {
    async model() {
      return recordedModel(ctx) ?? null;
    },
    async useModel(info) {
      return sql.write(() => {
        const current = recordedModel(ctx);
        if (current?.model === info.model && current.dims === info.dims) return false;
        sql.run(
          `INSERT INTO chunk_embedding_model (id, model, dims, updated_at) VALUES (1, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET model = excluded.model, dims = excluded.dims, updated_at = excluded.updated_at`,
          [info.model, info.dims, ctx.now()],
        );
        sql.run('UPDATE attachment_chunks SET embedded = 0, embedding = NULL WHERE embedded = 1');
        sql.run(
          `UPDATE attachments SET state = 'indexing', index_error = NULL,
                  index_version = CASE WHEN index_version = ? THEN index_version ELSE index_version + 1 END
            WHERE chunked = 1`,
          [CHUNKING_VERSION],
        );
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
      if (attachmentIds.length === 0 || limit <= 0) return [];
      const recorded = recordedModel(ctx);
      if (recorded?.model !== model || recorded.dims !== vector.length) return [];
      // Only the caller's own files are searched: another user's id finds nothing here.
      const owned = sql.all<{ id: string; index_version: number }>(
        // The covering index: the row itself holds the file's whole text before these columns.
        `SELECT id, index_version FROM attachments INDEXED BY attachments_vector_version_idx
          WHERE user_id = ? AND chunked = 1 AND index_version <> ? AND id IN (${placeholders(attachmentIds.length)})`,
        [userId, CHUNKING_VERSION, ...attachmentIds],
      );
      const matrices: ChunkMatrix[] = [];
      for (const { id, index_version } of owned)
        matrices.push(
          await cache.get(id, `${recorded.model}/${recorded.dims}/${index_version}`, async () =>
            loadMatrix(ctx, id, recorded.dims),
          ),
        );
      const best = nearestChunks(matrices, vector, Math.floor(limit));
      const rows = chunkRows(
        ctx,
        userId,
        best.map((f) => f.chunkId),
      );
      return best.flatMap((f) => {
        const row = rows.get(f.chunkId);
        if (!row) return [];
        const { id: _id, ...chunk } = row;
        return [{ ...chunk, rank: f.distance }];
      });
    },
    async progress(userId, attachmentId) {
      return chunkIndexProgress(ctx, userId, attachmentId);
    },
    async totals() {
      return chunkIndexTotals(ctx);
    },
  };
}
