/**
 * Chunk vectors on PostgreSQL: `real[]` rows beside `attachment_chunks` (deleted with their chunk by the foreign key),
 * searched by an exact scan, in process, of the files a turn retrieves from (`ChunkVectorCache`): the plpgsql
 * `chat_vector_dot` costs about 24 µs a vector, a JavaScript loop well under 1 µs.
 */
import { CompiledQuery, type Kysely } from 'kysely';
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
import type { EmbeddingModelInfo } from '../../contract/vectors.js';
import { VectorsUnavailableError } from '../../errors/index.js';
import type { PostgresChatDatabase } from '../postgres-database.js';
import type { PostgresContext } from './postgres-context.js';

type Db = Kysely<PostgresChatDatabase>;

async function rows<T>(db: Db, text: string, params: readonly unknown[] = []): Promise<T[]> {
  return (await db.executeQuery<T>(CompiledQuery.raw(text, [...params]))).rows;
}

async function recordedModel(db: Db): Promise<EmbeddingModelInfo | undefined> {
  const [row] = await rows<EmbeddingModelInfo>(db, 'SELECT model, dims FROM chunk_embedding_model WHERE id = 1');
  return row;
}

/** Chunk indexing over every chunked attachment: files per state, chunks and those with a vector. */
async function postgresChunkIndexTotals(db: Db): Promise<ChunkIndexTotals> {
  const [files] = await rows<{ ready: string; indexing: string; error: string }>(
    db,
    `SELECT count(*) FILTER (WHERE state = 'ready') AS ready, count(*) FILTER (WHERE state = 'indexing') AS indexing,
            count(*) FILTER (WHERE state = 'error') AS error
       FROM attachments WHERE chunked`,
  );
  const [chunks] = await rows<{ chunks: string; embedded: string }>(
    db,
    'SELECT count(*) AS chunks, count(*) FILTER (WHERE embedded) AS embedded FROM attachment_chunks',
  );
  return {
    files: {
      ready: Number(files?.ready ?? 0),
      indexing: Number(files?.indexing ?? 0),
      error: Number(files?.error ?? 0),
    },
    chunks: Number(chunks?.chunks ?? 0),
    embedded: Number(chunks?.embedded ?? 0),
  };
}

/** One attachment's progress; `undefined` when it is missing, another user's, or not chunked. */
export async function postgresChunkIndexProgress(
  db: Db,
  userId: string,
  attachmentId: string,
): Promise<ChunkIndexProgress | undefined> {
  const [row] = await rows<{ chunked: boolean; index_error: string | null; chunks: string; embedded: string }>(
    db,
    `SELECT a.chunked, a.index_error, count(c.id) AS chunks, count(c.id) FILTER (WHERE c.embedded) AS embedded
       FROM attachments a LEFT JOIN attachment_chunks c ON c.attachment_id = a.id
      WHERE a.id = $1 AND a.user_id = $2 GROUP BY a.id`,
    [attachmentId, userId],
  );
  if (!row?.chunked) return undefined;
  return { chunks: Number(row.chunks), embedded: Number(row.embedded), reason: row.index_error };
}

async function storeChunkVectors(trx: Db, items: readonly ChunkVectorInput[]): Promise<void> {
  const touched = new Set<string>();
  for (const item of items) {
    // A chunk deleted meanwhile (its file or message went) gets no vector: the join finds nothing.
    const [chunk] = await rows<{ attachment_id: string }>(
      trx,
      `INSERT INTO chunk_vectors (chunk_id, attachment_id, user_id, embedding)
       SELECT c.id, c.attachment_id, c.user_id, $2::real[] FROM attachment_chunks c WHERE c.id = $1
       ON CONFLICT (chunk_id) DO UPDATE SET embedding = excluded.embedding
       RETURNING attachment_id`,
      [item.chunkId, Array.from(item.vector)],
    );
    if (!chunk) continue;
    await rows(trx, 'UPDATE attachment_chunks SET embedded = true WHERE id = $1', [item.chunkId]);
    touched.add(chunk.attachment_id);
  }
  // Each file is `ready` once no chunk lacks a vector, else `indexing`.
  await rows(
    trx,
    `UPDATE attachments a SET index_error = NULL, index_version = a.index_version + 1,
            state = CASE WHEN EXISTS (SELECT 1 FROM attachment_chunks c WHERE c.attachment_id = a.id AND NOT c.embedded)
                         THEN 'indexing' ELSE 'ready' END
      WHERE a.id = ANY($1::text[]) AND a.chunked`,
    [[...touched]],
  );
}

/** The PostgreSQL `ChunkVectorsRepository` (exact scan). */
export function createPostgresChunkVectorsRepository(
  ctx: PostgresContext,
  cache = new ChunkVectorCache(),
): ChunkVectorsRepository {
  const { db } = ctx;
  return {
    async model() {
      return (await recordedModel(db)) ?? null;
    },
    async useModel(info) {
      return db.transaction().execute(async (trx) => {
        await rows(trx, 'LOCK TABLE chunk_embedding_model IN EXCLUSIVE MODE');
        const current = await recordedModel(trx);
        if (current?.model === info.model && current.dims === info.dims) return false;
        await rows(
          trx,
          `INSERT INTO chunk_embedding_model (id, model, dims, updated_at) VALUES (1, $1, $2, $3)
           ON CONFLICT (id) DO UPDATE SET model = excluded.model, dims = excluded.dims, updated_at = excluded.updated_at`,
          [info.model, info.dims, ctx.now()],
        );
        await rows(trx, 'DELETE FROM chunk_vectors');
        await rows(trx, 'UPDATE attachment_chunks SET embedded = false WHERE embedded');
        await rows(
          trx,
          `UPDATE attachments SET state = 'indexing', index_error = NULL, index_version = index_version + 1
            WHERE chunked`,
        );
        return true;
      });
    },
    async pending(limit) {
      const found = await rows<{
        id: string;
        attachment_id: string;
        user_id: string;
        heading: string | null;
        text: string;
      }>(
        db,
        `SELECT c.id, c.attachment_id, c.user_id, c.heading, c.text
           FROM attachments a JOIN attachment_chunks c ON c.attachment_id = a.id AND NOT c.embedded
          WHERE a.chunked AND a.state <> 'ready'
          ORDER BY a.created_at, a.id, c.ordinal LIMIT $1`,
        [Math.max(1, Math.floor(limit))],
      );
      return found.map(
        (r): PendingChunk => ({
          chunkId: Number(r.id),
          attachmentId: r.attachment_id,
          userId: r.user_id,
          text: chunkEmbeddingText(r.heading, r.text),
        }),
      );
    },
    async store(items) {
      if (items.length === 0) return;
      const info = await recordedModel(db);
      if (!info) throw new VectorsUnavailableError('No chunk embedding model recorded: call useModel first.');
      const wrong = items.find((i) => i.vector.length !== info.dims);
      if (wrong)
        throw new VectorsUnavailableError(
          `A chunk vector has ${wrong.vector.length} dimensions; the recorded model ${info.model} has ${info.dims}.`,
        );
      await db.transaction().execute((trx) => storeChunkVectors(trx, items));
    },
    async fail(reason) {
      const result = await db.executeQuery(
        CompiledQuery.raw(
          `UPDATE attachments SET state = 'error', index_error = $1 WHERE chunked AND state = 'indexing'`,
          [reason],
        ),
      );
      return Number(result.numAffectedRows ?? 0);
    },
    async search(userId, { attachmentIds, vector, model, limit }) {
      if (attachmentIds.length === 0 || limit <= 0) return [];
      const recorded = await recordedModel(db);
      if (recorded?.model !== model || recorded.dims !== vector.length) return [];
      // Only the caller's own files are searched: another user's id finds nothing here.
      const owned = await rows<{ id: string; index_version: number }>(
        db,
        'SELECT id, index_version FROM attachments WHERE user_id = $1 AND chunked AND id = ANY($2::text[])',
        [userId, [...attachmentIds]],
      );
      const matrices: ChunkMatrix[] = [];
      for (const { id, index_version } of owned)
        matrices.push(
          await cache.get(id, `${recorded.model}/${recorded.dims}/${index_version}`, async () =>
            chunkMatrix(
              (
                await rows<{ id: string; embedding: number[] }>(
                  db,
                  'SELECT chunk_id AS id, embedding FROM chunk_vectors WHERE attachment_id = $1',
                  [id],
                )
              ).map((r) => ({ id: Number(r.id), embedding: r.embedding })),
              recorded.dims,
            ),
          ),
        );
      const best = nearestChunks(matrices, vector, Math.floor(limit));
      if (best.length === 0) return [];
      const found = await rows<Omit<AttachmentChunkHit, 'rank'> & { id: string }>(
        db,
        `SELECT c.id, c.attachment_id, a.name, c.ordinal, c.start, c."end", c.heading, c.page, c.text
           FROM attachment_chunks c JOIN attachments a ON a.id = c.attachment_id
          WHERE c.user_id = $1 AND c.id = ANY($2::bigint[])`,
        [userId, best.map((b) => b.chunkId)],
      );
      const byId = new Map(found.map(({ id, ...chunk }) => [Number(id), chunk]));
      return best.flatMap((b) => {
        const chunk = byId.get(b.chunkId);
        return chunk ? [{ ...chunk, rank: b.distance }] : [];
      });
    },
    progress: (userId, attachmentId) => postgresChunkIndexProgress(db, userId, attachmentId),
    totals: () => postgresChunkIndexTotals(db),
  };
}
