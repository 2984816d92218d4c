/** Chat messages on PostgreSQL, scoped through their session's owner. */
import type { ChatMessage } from '@chat-studio/protocol';
import { sql } from 'kysely';
import { decodeCursor } from '../../cursor/index.js';
import { toChatMessage } from '../../repositories/mappers.js';
import { aroundPage, messagePage, messagePatch, newMessageRow, type MessagesRepository } from '../../repositories/messages.repository.js';
import { pageLimit } from '../../repositories/repository-context.js';
import { count, type PostgresContext } from './postgres-context.js';

const COLUMNS = [
  'm.id', 'm.session_id', 'm.role', 'm.content', 'm.created_at', 'm.status', 'm.model_id', 'm.prompt_tokens',
  'm.completion_tokens', 'm.time_to_first_token_ms', 'm.tokens_per_second', 'm.finish_reason',
] as const;


export function createPostgresMessagesRepository(ctx: PostgresContext): MessagesRepository {
  const { db } = ctx;
  const ownedSessions = (userId: string) => db.selectFrom('chat_sessions').select('id').where('user_id', '=', userId);

  async function get(userId: string, messageId: string): Promise<ChatMessage | undefined> {
    const row = await db
      .selectFrom('chat_messages as m')
      .innerJoin('chat_sessions as s', 's.id', 'm.session_id')
      .select(COLUMNS)
      .where('m.id', '=', messageId)
      .where('s.user_id', '=', userId)
      .executeTakeFirst();
    return row && toChatMessage(row);
  }

  return {
    async append(userId, sessionId, input) {
      const row = newMessageRow(ctx, sessionId, input);
      // One statement: the owner check, the session bump and the insert commit together or not at all.
      const { rows } = await sql<{ seq: number }>`
        WITH touched AS (
          UPDATE chat_sessions SET updated_at = GREATEST(updated_at, ${row.created_at}::bigint)
          WHERE id = ${sessionId} AND user_id = ${userId}
          RETURNING id
        )
        INSERT INTO chat_messages (id, session_id, role, content, created_at, status, model_id, prompt_tokens,
          completion_tokens, time_to_first_token_ms, tokens_per_second, finish_reason)
        SELECT ${row.id}::text, touched.id, ${row.role}::text, ${row.content}::text, ${row.created_at}::bigint,
          ${row.status}::text, ${row.model_id}::text, ${row.prompt_tokens}::integer, ${row.completion_tokens}::integer,
          ${row.time_to_first_token_ms}::double precision, ${row.tokens_per_second}::double precision, ${row.finish_reason}::text
        FROM touched
        RETURNING seq`.execute(db);
      return rows.length > 0 ? toChatMessage(row) : undefined;
    },

    get,

    async list(userId, sessionId, options = {}) {
      const limit = pageLimit(options.limit, 50);
      const order = options.order === 'desc' ? 'desc' : 'asc';
      // The cursor records its direction, so a cursor from one order can't silently page the other.
      const kind = order === 'asc' ? 'ma' : 'md';
      const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, kind, ['number'] as const)[0];
      const owned = await db.selectFrom('chat_sessions').select('id').where('id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
      if (!owned) return undefined;
      let query = db.selectFrom('chat_messages as m').select(['m.seq', ...COLUMNS]).where('m.session_id', '=', sessionId);
      if (after !== undefined) query = query.where('m.seq', order === 'asc' ? '>' : '<', after);
      const rows = await query.orderBy('m.seq', order).limit(limit + 1).execute();
      return messagePage(rows, limit, kind);
    },

    async listAround(userId, sessionId, messageId, options = {}) {
      const limit = pageLimit(options.limit, 50);
      const target = await db
        .selectFrom('chat_messages as m')
        .innerJoin('chat_sessions as s', 's.id', 'm.session_id')
        .select('m.seq')
        .where('m.id', '=', messageId)
        .where('m.session_id', '=', sessionId)
        .where('s.user_id', '=', userId)
        .executeTakeFirst();
      if (!target) return undefined;
      // `limit` rows each way is always enough to fill the page from one side when the other runs out.
      const side = (op: '<' | '>=', order: 'asc' | 'desc', n: number) =>
        db
          .selectFrom('chat_messages as m')
          .select(['m.seq', ...COLUMNS])
          .where('m.session_id', '=', sessionId)
          .where('m.seq', op, target.seq)
          .orderBy('m.seq', order)
          .limit(n)
          .execute();
      const [older, rest] = await Promise.all([side('<', 'desc', limit), side('>=', 'asc', limit + 1)]);
      return aroundPage(older, rest, limit);
    },

    async update(userId, messageId, input) {
      const patch = messagePatch(input);
      if (Object.keys(patch).length === 0) return get(userId, messageId);
      const row = await db
        .updateTable('chat_messages as m')
        .set(patch)
        .where('m.id', '=', messageId)
        .where('m.session_id', 'in', ownedSessions(userId))
        .returning(COLUMNS)
        .executeTakeFirst();
      return row && toChatMessage(row);
    },

    async delete(userId, messageId) {
      const result = await db
        .deleteFrom('chat_messages')
        .where('id', '=', messageId)
        .where('session_id', 'in', ownedSessions(userId))
        .executeTakeFirst();
      return count(result.numDeletedRows) > 0;
    },
  };
}
