/**
 * Message vectors on SQLite: a sqlite-vec `vec0` table with the user as its partition key, so a KNN query reads only
 * that user's vectors. The table is created when the model is recorded (its dimension is part of its definition)
 * together with a trigger that deletes a message's vector with the message.
 */
import { VectorsUnavailableError } from '../../errors/index.js';
import {
  type EmbeddingModelInfo,
  type EmbeddingProgress,
  type MessageVectorInput,
  type PendingMessage,
  type VectorCheck,
  type VectorHit,
  type VectorsRepository,
  vectorBytes,
  summarizeVectorCheck,
  vectorLimit,
} from '../../contract/vectors.js';
import type { VectorIndex } from '../../vector-index/index.js';
import type { RepositoryContext } from './repository-context.js';
import { canReadShadow, type IndexedVectors, indexedVectors, type VectorRead } from './vectors.indexed.js';

export type { VectorRead } from './vectors.indexed.js';

/** The vec0 table of message vectors. */
export const MESSAGE_VECTORS_TABLE = 'message_vectors';

function createVectorTable(ctx: RepositoryContext, dims: number): void {
  const { raw } = ctx.sql;
  raw.exec(`DROP TRIGGER IF EXISTS message_vectors_delete`);
  raw.exec(`DROP TABLE IF EXISTS ${MESSAGE_VECTORS_TABLE}`);
  // Cosine distance on unit vectors; `user_id` as partition key keeps each user's vectors apart in the index.
  raw.exec(`CREATE VIRTUAL TABLE ${MESSAGE_VECTORS_TABLE} USING vec0(
    user_id text partition key,
    message_id text primary key,
    embedding float[${Math.floor(dims)}] distance_metric=cosine
  )`);
  raw.exec(`CREATE TRIGGER message_vectors_delete AFTER DELETE ON chat_messages BEGIN
    DELETE FROM ${MESSAGE_VECTORS_TABLE} WHERE message_id = old.id;
  END`);
  ctx.sql.clear();
}

function hasVectorTable(ctx: RepositoryContext): boolean {
  return ctx.sql.get(`SELECT 1 AS x FROM sqlite_master WHERE name = ?`, [MESSAGE_VECTORS_TABLE]) !== undefined;
}

/** Highest seq the user's cursor may pass: just before the first reply still being generated. */
function blockSeq(ctx: RepositoryContext, userId: string): number {
  const row = ctx.sql.get<{ seq: number | null }>(
    `SELECT MIN(m.seq) AS seq FROM streaming_replies r
       JOIN chat_messages m ON m.id = r.message_id
       JOIN chat_sessions s ON s.id = m.session_id
      WHERE s.user_id = ?`,
    [userId],
  );
  return row?.seq ?? Number.MAX_SAFE_INTEGER;
}

function pendingFor(ctx: RepositoryContext, user: { user_id: string; cursor_seq: number }, limit: number) {
  return ctx.sql
    .all<{ seq: number; id: string; content: string }>(
      `SELECT m.seq, m.id, m.content FROM chat_messages m
         JOIN chat_sessions s ON s.id = m.session_id
        WHERE s.user_id = ? AND m.seq > ? AND m.seq < ?
        ORDER BY m.seq LIMIT ?`,
      [user.user_id, user.cursor_seq, blockSeq(ctx, user.user_id), limit],
    )
    .map((r): PendingMessage => ({ userId: user.user_id, messageId: r.id, seq: r.seq, content: r.content }));
}

function progress(ctx: RepositoryContext, userId?: string): EmbeddingProgress {
  const info = ctx.sql.get<EmbeddingModelInfo>('SELECT model, dims FROM embedding_model WHERE id = 1');
  const filter = userId === undefined ? '' : 'WHERE e.user_id = ?';
  const params = userId === undefined ? [] : [userId];
  const users = ctx.sql.get<{ n: number }>(`SELECT count(*) AS n FROM embedding_users e ${filter}`, params)?.n ?? 0;
  const total =
    ctx.sql.get<{ n: number }>(
      `SELECT count(*) AS n FROM embedding_users e JOIN chat_sessions s ON s.user_id = e.user_id
         JOIN chat_messages m ON m.session_id = s.id ${filter}`,
      params,
    )?.n ?? 0;
  const embedded = hasVectorTable(ctx)
    ? (ctx.sql.get<{ n: number }>(
        userId === undefined
          ? `SELECT count(*) AS n FROM ${MESSAGE_VECTORS_TABLE}`
          : `SELECT count(*) AS n FROM ${MESSAGE_VECTORS_TABLE} WHERE user_id = ?`,
        params,
      )?.n ?? 0)
    : 0;
  return { model: info?.model ?? null, dims: info?.dims ?? null, users, embedded, total };
}

function check(ctx: RepositoryContext): VectorCheck {
  if (!hasVectorTable(ctx)) return { ok: true, orphans: 0, missing: 0, wrongDims: 0, problems: [] };
  const orphans =
    ctx.sql.get<{ n: number }>(
      `SELECT count(*) AS n FROM ${MESSAGE_VECTORS_TABLE} v
        WHERE NOT EXISTS (SELECT 1 FROM chat_messages m WHERE m.id = v.message_id)`,
    )?.n ?? 0;
  const missing =
    ctx.sql.get<{ n: number }>(
      `SELECT count(*) AS n FROM embedding_users e JOIN chat_sessions s ON s.user_id = e.user_id
         JOIN chat_messages m ON m.session_id = s.id AND m.seq <= e.cursor_seq
        WHERE NOT EXISTS (SELECT 1 FROM ${MESSAGE_VECTORS_TABLE} v WHERE v.message_id = m.id)`,
    )?.n ?? 0;
  // vec0 refuses a vector of another length, so a wrong dimension can only be the table's own definition.
  const dims = ctx.sql.get<{ dims: number }>('SELECT dims FROM embedding_model WHERE id = 1')?.dims;
  const definition = ctx.sql.get<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE name = ?`, [
    MESSAGE_VECTORS_TABLE,
  ])?.sql;
  const wrongDims = dims !== undefined && !definition?.includes(`float[${dims}]`) ? 1 : 0;
  return summarizeVectorCheck({ orphans, missing, wrongDims });
}

/** The KNN statement: the vector as JSON text, which crosses to a pool worker as a plain string. */
const KNN_SQL = `SELECT message_id, distance FROM ${MESSAGE_VECTORS_TABLE}
  WHERE embedding MATCH ? AND k = ? AND user_id = ? ORDER BY distance`;

/**
 * The SQLite `VectorsRepository`; `available` is whether sqlite-vec loaded into this connection. `read` runs the
 * KNN scan (hundreds of milliseconds at a million vectors) off the event loop, in the read pool. With `index`, a
 * user's searches go through the in-process vector index once their vectors are loaded into it (vectors.indexed.ts),
 * reading through `indexRead` (a memory-mapped connection of its own) when given.
 */
export function createVectorsRepository(
  ctx: RepositoryContext,
  available: boolean,
  read?: VectorRead,
  index?: VectorIndex,
  indexRead?: VectorRead,
): VectorsRepository {
  const { sql } = ctx;
  const modelDims = () => sql.get<{ dims: number }>('SELECT dims FROM embedding_model WHERE id = 1')?.dims;
  let indexed: IndexedVectors | undefined;
  /** The index's side, once the vec0 table exists with the storage layout the loader reads. */
  const viaIndex = (): IndexedVectors | undefined => {
    if (!index || !available || indexed) return indexed;
    if (!hasVectorTable(ctx) || !canReadShadow(ctx, MESSAGE_VECTORS_TABLE)) return undefined;
    indexed = indexedVectors(ctx, index, MESSAGE_VECTORS_TABLE, modelDims, indexRead);
    return indexed;
  };
  const requireVec = () => {
    if (!available)
      throw new VectorsUnavailableError('sqlite-vec could not be loaded on this platform; search by meaning is off.');
  };
  return {
    async model() {
      return sql.get<EmbeddingModelInfo>('SELECT model, dims FROM embedding_model WHERE id = 1') ?? null;
    },
    async useModel(info) {
      requireVec();
      return sql.write(() => {
        const current = sql.get<EmbeddingModelInfo>('SELECT model, dims FROM embedding_model WHERE id = 1');
        if (current?.model === info.model && current.dims === info.dims && hasVectorTable(ctx)) return false;
        sql.run(
          `INSERT INTO embedding_model (id, model, dims, updated_at) VALUES (1, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET model = excluded.model, dims = excluded.dims, updated_at = excluded.updated_at`,
          [info.model, info.dims, ctx.now()],
        );
        createVectorTable(ctx, info.dims);
        sql.run('UPDATE embedding_users SET cursor_seq = 0');
        indexed?.drop();
        return true;
      });
    },
    async setEnabled(userId, enabled) {
      sql.write(() => {
        if (enabled) {
          sql.run('INSERT INTO embedding_users (user_id, enabled_at) VALUES (?, ?) ON CONFLICT DO NOTHING', [
            userId,
            ctx.now(),
          ]);
          return;
        }
        sql.run('DELETE FROM embedding_users WHERE user_id = ?', [userId]);
        if (hasVectorTable(ctx)) sql.run(`DELETE FROM ${MESSAGE_VECTORS_TABLE} WHERE user_id = ?`, [userId]);
        indexed?.drop(userId);
      });
    },
    async isEnabled(userId) {
      return sql.get('SELECT 1 AS x FROM embedding_users WHERE user_id = ?', [userId]) !== undefined;
    },
    async pending(limit) {
      const users = sql.all<{ user_id: string; cursor_seq: number }>(
        'SELECT user_id, cursor_seq FROM embedding_users ORDER BY enabled_at, user_id',
      );
      const out: PendingMessage[] = [];
      for (const user of users) {
        if (out.length >= limit) break;
        out.push(...pendingFor(ctx, user, limit - out.length));
      }
      return out;
    },
    async store(items) {
      requireVec();
      if (items.length === 0) return;
      const stored = sql.write(() => storeVectors(ctx, items));
      indexed?.stored(items, stored);
    },
    async search(userId, vector, options) {
      requireVec();
      if (!hasVectorTable(ctx)) return [];
      const limit = vectorLimit(options?.limit);
      const hits = await viaIndex()?.search(userId, vector, limit);
      if (hits) return hits;
      const params = [JSON.stringify(Array.from(vector)), limit, userId];
      const rows = (read ? await read(KNN_SQL, params) : sql.all(KNN_SQL, params)) as {
        message_id: string;
        distance: number;
      }[];
      return rows.map((r): VectorHit => ({ message_id: r.message_id, score: 1 - r.distance }));
    },
    async progress(userId) {
      return progress(ctx, userId);
    },
    async check() {
      return check(ctx);
    },
    async rebuild() {
      requireVec();
      sql.write(() => {
        const info = sql.get<EmbeddingModelInfo>('SELECT model, dims FROM embedding_model WHERE id = 1');
        if (info) createVectorTable(ctx, info.dims);
        sql.run('UPDATE embedding_users SET cursor_seq = 0');
        indexed?.drop();
      });
    },
  };
}

/** Writes the vectors; returns those stored (a message deleted meanwhile gets none). */
function storeVectors(ctx: RepositoryContext, items: readonly MessageVectorInput[]): MessageVectorInput[] {
  const { sql } = ctx;
  if (!hasVectorTable(ctx)) throw new VectorsUnavailableError('No embedding model recorded: call useModel first.');
  const cursors = new Map<string, number>();
  const stored: MessageVectorInput[] = [];
  for (const item of items) {
    // vec0 has no upsert: delete, then insert. A message deleted meanwhile gets no vector.
    sql.run(`DELETE FROM ${MESSAGE_VECTORS_TABLE} WHERE message_id = ?`, [item.messageId]);
    if (sql.get('SELECT 1 AS x FROM chat_messages WHERE id = ?', [item.messageId]) !== undefined) {
      sql.run(`INSERT INTO ${MESSAGE_VECTORS_TABLE} (user_id, message_id, embedding) VALUES (?, ?, ?)`, [
        item.userId,
        item.messageId,
        vectorBytes(item.vector),
      ]);
      stored.push(item);
    }
    cursors.set(item.userId, Math.max(cursors.get(item.userId) ?? 0, item.seq));
  }
  for (const [userId, seq] of cursors)
    sql.run('UPDATE embedding_users SET cursor_seq = max(cursor_seq, ?) WHERE user_id = ?', [seq, userId]);
  return stored;
}
