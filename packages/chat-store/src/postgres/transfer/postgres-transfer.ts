/** Export and import on PostgreSQL: each imported chat in one transaction, messages inserted in batches. */
import { sql, type Kysely } from 'kysely';
import type { PostgresContext } from '../repositories/postgres-context.js';
import { insertPostgresAttachment } from '../repositories/attachments.repository.js';
import type { PostgresChatDatabase } from '../postgres-database.js';
import type { TransferChat } from '../../transfer/transfer-types.js';
import {
  IMPORTED_MESSAGE_COLUMNS,
  importedMessageValues,
  importedSessionRow,
  toExportChatRow,
  toExportMessageRow,
} from '../../contract/transfer-rows.js';
import {
  assignIds,
  chatCursor,
  importSource,
  parseChatCursor,
  transferLimit,
  type ImportChatResult,
  type TransferRepository,
} from '../../contract/transfer-repository.js';

// 13 parameters a row: 500 rows stay far below PostgreSQL's 65,535 parameters per statement.
const BATCH = 500;

/** An import of at least this many messages refreshes the statistics and the full-text index afterwards. */
export const ANALYZE_AFTER_MESSAGES = 1000;

/**
 * After a large import: the GIN index's pending list (where fast updates wait) merged into the index, so that a
 * search does not scan it row by row, and ANALYZE of the tables the import wrote, so that no plan waits for
 * autovacuum to learn about them (the first search after a 50,000-message import took 1 s without).
 */
async function afterImport(db: Kysely<PostgresChatDatabase>, messages: number): Promise<void> {
  if (messages < ANALYZE_AFTER_MESSAGES) return;
  // Both need the tables' owner (the role that migrated); another role skips them (ANALYZE only warns), and the
  // import, already stored, does not fail for it.
  await sql`
    SELECT gin_clean_pending_list(c.oid) FROM pg_class c
    WHERE c.oid = 'chat_messages_content_tsv_idx'::regclass AND pg_has_role(c.relowner, 'USAGE')`.execute(db);
  await sql`ANALYZE chat_sessions, chat_messages, chat_imports`.execute(db);
}

async function insertMessages(
  trx: Kysely<PostgresChatDatabase>,
  chat: TransferChat,
  sessionId: string,
  newId: () => string,
): Promise<{ id: string }[]> {
  const ids = assignIds(chat, newId);
  for (let start = 0; start < chat.messages.length; start += BATCH) {
    const rows = chat.messages.slice(start, start + BATCH).map((m, i) => {
      const { id, parent_id } = ids[start + i]!;
      const values = importedMessageValues(m, id, sessionId, parent_id);
      return sql`(${sql.join(values)})`;
    });
    await sql`
      INSERT INTO chat_messages (${sql.raw(IMPORTED_MESSAGE_COLUMNS)})
      VALUES ${sql.join(rows)}`.execute(trx);
  }
  const leafIndex = chat.messages.findIndex((m) => m.ref === chat.current_ref);
  await trx
    .updateTable('chat_sessions')
    .set({ current_leaf_id: leafIndex < 0 ? null : ids[leafIndex]!.id })
    .where('id', '=', sessionId)
    .execute();
  return ids;
}

export function createPostgresTransferRepository(ctx: PostgresContext): TransferRepository {
  const { db } = ctx;

  async function importChat(userId: string, chat: TransferChat): Promise<ImportChatResult> {
    const source = importSource(chat);
    return db.transaction().execute(async (trx) => {
      // Two imports of the same file at once: the second waits here, then finds the first one's chat.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${userId}), hashtext(${source}))`.execute(trx);
      const { rows: before } = await sql<{ session_id: string }>`
        SELECT session_id FROM chat_imports WHERE user_id = ${userId} AND source = ${source}`.execute(trx);
      if (before[0]) return { status: 'duplicate', session_id: before[0].session_id } as const;
      if (chat.format === 'chat-studio') {
        const own = await trx
          .selectFrom('chat_sessions')
          .select('id')
          .where('id', '=', chat.source_id)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (own) return { status: 'duplicate', session_id: own.id } as const;
      }
      const row = importedSessionRow(chat, ctx.newId(), userId);
      await trx.insertInto('chat_sessions').values(row).execute();
      const ids = await insertMessages(trx, chat, row.id, ctx.newId);
      const messages = ids.length;
      // The chat's files, bound to their messages in the same transaction: the chat comes in whole or not at all.
      for (const [i, m] of chat.messages.entries())
        for (const [position, file] of (m.attachments ?? []).entries())
          await insertPostgresAttachment(trx, ctx, userId, file, { messageId: ids[i]!.id, position });
      await sql`INSERT INTO chat_imports (user_id, source, session_id, imported_at) VALUES (${userId}, ${source}, ${row.id}, ${ctx.now()})`.execute(
        trx,
      );
      return { status: 'imported', session_id: row.id, messages } as const;
    });
  }

  return {
    importChat,
    afterImport: (messages) => afterImport(db, messages),

    async exportChats(userId, options = {}) {
      const limit = transferLimit(options.limit, 100, 500);
      const after = parseChatCursor(options.after);
      const conditions = [sql`s.user_id = ${userId}`];
      if (options.sessionId !== undefined) conditions.push(sql`s.id = ${options.sessionId}`);
      if (after)
        conditions.push(
          sql`(s.created_at > ${after.created_at} OR (s.created_at = ${after.created_at} AND s.id > ${after.id}))`,
        );
      const { rows } = await sql<Parameters<typeof toExportChatRow>[0]>`
        SELECT s.*, s.current_leaf_id AS current_message_id FROM chat_sessions s
        WHERE ${sql.join(conditions, sql` AND `)} ORDER BY s.created_at, s.id LIMIT ${limit + 1}`.execute(db);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { chats: page.map(toExportChatRow), next: rows.length > limit && last ? chatCursor(last) : null };
    },

    async exportMessages(userId, sessionId, options = {}) {
      const limit = transferLimit(options.limit, 500, 2000);
      const owned = await db
        .selectFrom('chat_sessions')
        .select('id')
        .where('id', '=', sessionId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!owned) return undefined;
      const { rows } = await sql<Parameters<typeof toExportMessageRow>[0]>`
        SELECT m.seq, m.id, m.role, m.content, m.created_at, m.status, m.model_id, m.prompt_tokens, m.completion_tokens,
          m.time_to_first_token_ms, m.tokens_per_second, m.finish_reason, m.parent_id
        FROM chat_messages m WHERE m.session_id = ${sessionId} AND m.seq > ${options.after ?? 0}
        ORDER BY m.seq LIMIT ${limit + 1}`.execute(db);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { messages: page.map(toExportMessageRow), next: rows.length > limit && last ? Number(last.seq) : null };
    },
  };
}
