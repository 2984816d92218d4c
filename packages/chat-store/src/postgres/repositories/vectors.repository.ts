/**
 * Message vectors on PostgreSQL: `real[]` rows searched by an exact scan of the user's own vectors (the index on
 * `user_id` picks them, `chat_vector_dot` scores them). pgvector would index them; it is not packaged here, so it is
 * future work (docs/search.md).
 */
import { sql, type Kysely } from 'kysely';
import { VectorsUnavailableError } from '../../errors/index.js';
import {
  type EmbeddingModelInfo,
  type EmbeddingProgress,
  type MessageVectorInput,
  type PendingMessage,
  type VectorsRepository,
  summarizeVectorCheck,
  vectorLimit,
} from '../../contract/vectors.js';
import type { PostgresChatDatabase } from '../postgres-database.js';
import type { PostgresContext } from './postgres-context.js';

type Db = Kysely<PostgresChatDatabase>;

async function currentModel(db: Db): Promise<EmbeddingModelInfo | null> {
  const { rows } = await sql<EmbeddingModelInfo>`SELECT model, dims FROM embedding_model WHERE id = 1`.execute(db);
  return rows[0] ?? null;
}

async function one(db: Db, query: ReturnType<typeof sql<{ n: string | number }>>): Promise<number> {
  const { rows } = await query.execute(db);
  return Number(rows[0]?.n ?? 0);
}

async function pendingFor(db: Db, user: { user_id: string; cursor_seq: string }, limit: number) {
  // The cursor stops before a reply still being generated, so it never passes text that will change.
  const { rows } = await sql<{ seq: string; id: string; content: string }>`
    SELECT m.seq, m.id, m.content FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
     WHERE s.user_id = ${user.user_id} AND m.seq > ${user.cursor_seq}
       AND m.seq < coalesce((SELECT min(m2.seq) FROM streaming_replies r JOIN chat_messages m2 ON m2.id = r.message_id
                               JOIN chat_sessions s2 ON s2.id = m2.session_id WHERE s2.user_id = ${user.user_id}),
                            9223372036854775807)
     ORDER BY m.seq LIMIT ${limit}`.execute(db);
  return rows.map(
    (r): PendingMessage => ({ userId: user.user_id, messageId: r.id, seq: Number(r.seq), content: r.content }),
  );
}

async function progress(db: Db, userId?: string): Promise<EmbeddingProgress> {
  const info = await currentModel(db);
  const filter = userId === undefined ? sql`` : sql`WHERE e.user_id = ${userId}`;
  const users = await one(db, sql`SELECT count(*) AS n FROM embedding_users e ${filter}`);
  const total = await one(
    db,
    sql`SELECT count(*) AS n FROM embedding_users e JOIN chat_sessions s ON s.user_id = e.user_id
          JOIN chat_messages m ON m.session_id = s.id ${filter}`,
  );
  const embedded = await one(
    db,
    userId === undefined
      ? sql`SELECT count(*) AS n FROM message_vectors`
      : sql`SELECT count(*) AS n FROM message_vectors WHERE user_id = ${userId}`,
  );
  return { model: info?.model ?? null, dims: info?.dims ?? null, users, embedded, total };
}

async function storeVectors(trx: Db, items: readonly MessageVectorInput[]): Promise<void> {
  const cursors = new Map<string, number>();
  for (const item of items) {
    // A message deleted meanwhile gets no vector (the join finds nothing).
    await sql`
      INSERT INTO message_vectors (message_id, user_id, embedding)
      SELECT m.id, ${item.userId}, ${Array.from(item.vector)}::real[] FROM chat_messages m WHERE m.id = ${item.messageId}
      ON CONFLICT (message_id) DO UPDATE SET embedding = excluded.embedding, user_id = excluded.user_id`.execute(trx);
    cursors.set(item.userId, Math.max(cursors.get(item.userId) ?? 0, item.seq));
  }
  for (const [userId, seq] of cursors)
    await sql`UPDATE embedding_users SET cursor_seq = greatest(cursor_seq, ${seq}) WHERE user_id = ${userId}`.execute(
      trx,
    );
}

/** The PostgreSQL `VectorsRepository` (exact scan). */
export function createPostgresVectorsRepository(ctx: PostgresContext): VectorsRepository {
  const { db } = ctx;
  return {
    model: () => currentModel(db),
    async useModel(info) {
      return db.transaction().execute(async (trx) => {
        await sql`LOCK TABLE embedding_model IN EXCLUSIVE MODE`.execute(trx);
        const current = await currentModel(trx);
        if (current?.model === info.model && current.dims === info.dims) return false;
        await sql`
          INSERT INTO embedding_model (id, model, dims, updated_at) VALUES (1, ${info.model}, ${info.dims}, ${ctx.now()})
          ON CONFLICT (id) DO UPDATE SET model = excluded.model, dims = excluded.dims, updated_at = excluded.updated_at`.execute(
          trx,
        );
        await sql`DELETE FROM message_vectors`.execute(trx);
        await sql`UPDATE embedding_users SET cursor_seq = 0`.execute(trx);
        return true;
      });
    },
    async setEnabled(userId, enabled) {
      await db.transaction().execute(async (trx) => {
        if (enabled) {
          await sql`INSERT INTO embedding_users (user_id, enabled_at) VALUES (${userId}, ${ctx.now()})
                    ON CONFLICT DO NOTHING`.execute(trx);
          return;
        }
        await sql`DELETE FROM embedding_users WHERE user_id = ${userId}`.execute(trx);
        await sql`DELETE FROM message_vectors WHERE user_id = ${userId}`.execute(trx);
      });
    },
    async isEnabled(userId) {
      const { rows } = await sql`SELECT 1 FROM embedding_users WHERE user_id = ${userId}`.execute(db);
      return rows.length > 0;
    },
    async pending(limit) {
      const { rows: users } = await sql<{ user_id: string; cursor_seq: string }>`
        SELECT user_id, cursor_seq FROM embedding_users ORDER BY enabled_at, user_id`.execute(db);
      const out: PendingMessage[] = [];
      for (const user of users) {
        if (out.length >= limit) break;
        out.push(...(await pendingFor(db, user, limit - out.length)));
      }
      return out;
    },
    async store(items) {
      if (items.length === 0) return;
      const info = await currentModel(db);
      if (!info) throw new VectorsUnavailableError('No embedding model recorded: call useModel first.');
      const wrong = items.find((i) => i.vector.length !== info.dims);
      if (wrong)
        throw new VectorsUnavailableError(
          `A vector has ${wrong.vector.length} dimensions; the recorded model ${info.model} has ${info.dims}.`,
        );
      await db.transaction().execute((trx) => storeVectors(trx, items));
    },
    async search(userId, vector, options) {
      const { rows } = await sql<{ message_id: string; score: number }>`
        SELECT message_id, chat_vector_dot(embedding, ${Array.from(vector)}::real[]) AS score
          FROM message_vectors WHERE user_id = ${userId}
         ORDER BY score DESC, message_id LIMIT ${vectorLimit(options?.limit)}`.execute(db);
      return rows.map((r) => ({ message_id: r.message_id, score: Number(r.score) }));
    },
    progress: (userId) => progress(db, userId),
    async check() {
      const info = await currentModel(db);
      const missing = await one(
        db,
        sql`SELECT count(*) AS n FROM embedding_users e JOIN chat_sessions s ON s.user_id = e.user_id
              JOIN chat_messages m ON m.session_id = s.id AND m.seq <= e.cursor_seq
             WHERE NOT EXISTS (SELECT 1 FROM message_vectors v WHERE v.message_id = m.id)`,
      );
      const wrongDims = info
        ? await one(db, sql`SELECT count(*) AS n FROM message_vectors WHERE cardinality(embedding) <> ${info.dims}`)
        : 0;
      // The foreign key deletes a vector with its message: orphans cannot exist on PostgreSQL.
      return summarizeVectorCheck({ orphans: 0, missing, wrongDims });
    },
    async rebuild() {
      await db.transaction().execute(async (trx) => {
        await sql`DELETE FROM message_vectors`.execute(trx);
        await sql`UPDATE embedding_users SET cursor_seq = 0`.execute(trx);
      });
    },
  };
}
