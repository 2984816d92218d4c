/** Export and import on SQLite: each imported chat in one `BEGIN IMMEDIATE` transaction. */
import {
  IMPORTED_MESSAGE_COLUMNS,
  importedMessageValues,
  importedSessionRow,
  toExportChatRow,
  toExportMessageRow,
  type MessageRow,
  type SessionRowWithLeaf,
} from '../../contract/transfer-rows.js';
import type { RepositoryContext } from '../repositories/repository-context.js';
import { insertAttachment } from '../repositories/attachments.repository.js';
import type { TransferChat } from '../../transfer/transfer-types.js';
import {
  assignIds,
  chatCursor,
  importSource,
  parseChatCursor,
  transferLimit,
  type ImportChatResult,
  type TransferRepository,
} from '../../contract/transfer-repository.js';

const FIND_IMPORT = 'SELECT session_id FROM chat_imports WHERE user_id = ? AND source = ?';
const SESSION_OWNED = 'SELECT id FROM chat_sessions WHERE id = ? AND user_id = ?';
const INSERT_SESSION = `
  INSERT INTO chat_sessions (id, user_id, title, created_at, updated_at, pinned, archived, settings)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_MESSAGE_SQL = `INSERT INTO chat_messages (${IMPORTED_MESSAGE_COLUMNS}) VALUES (${Array(13).fill('?').join(', ')})`;
const SET_LEAF = 'UPDATE chat_sessions SET current_leaf_id = ? WHERE id = ?';
const INSERT_IMPORT = 'INSERT INTO chat_imports (user_id, source, session_id, imported_at) VALUES (?, ?, ?, ?)';
const MESSAGE_FIELDS = `m.id, m.role, m.content, m.created_at, m.status, m.model_id, m.prompt_tokens, m.completion_tokens,
  m.time_to_first_token_ms, m.tokens_per_second, m.finish_reason`;

export function createSqliteTransferRepository(ctx: RepositoryContext): TransferRepository {
  const { sql } = ctx;
  const insertMessage = (chat: TransferChat, sessionId: string, userId: string) => {
    const ids = assignIds(chat, ctx.newId);
    chat.messages.forEach((m, i) => {
      const { id, parent_id } = ids[i]!;
      sql.run(INSERT_MESSAGE_SQL, importedMessageValues(m, id, sessionId, parent_id));
    });
    const leafIndex = chat.messages.findIndex((m) => m.ref === chat.current_ref);
    sql.run(SET_LEAF, [leafIndex < 0 ? null : ids[leafIndex]!.id, sessionId]);
    // The chat's files, bound to their messages in the same transaction: the chat comes in whole or not at all.
    chat.messages.forEach((m, i) => {
      for (const [position, file] of (m.attachments ?? []).entries())
        insertAttachment(ctx, userId, file, { messageId: ids[i]!.id, position });
    });
    return ids.length;
  };

  const importTx = sql.raw.transaction((userId: string, chat: TransferChat): ImportChatResult => {
    const source = importSource(chat);
    const before = sql.get<{ session_id: string }>(FIND_IMPORT, [userId, source]);
    if (before) return { status: 'duplicate', session_id: before.session_id };
    // Our own export of a chat this user still has: importing it would only duplicate it.
    if (chat.format === 'chat-studio' && sql.get(SESSION_OWNED, [chat.source_id, userId]))
      return { status: 'duplicate', session_id: chat.source_id };
    const row = importedSessionRow(chat, ctx.newId(), userId);
    sql.run(INSERT_SESSION, [
      row.id,
      row.user_id,
      row.title,
      row.created_at,
      row.updated_at,
      row.pinned,
      row.archived,
      row.settings,
    ]);
    const messages = insertMessage(chat, row.id, userId);
    sql.run(INSERT_IMPORT, [userId, source, row.id, ctx.now()]);
    return { status: 'imported', session_id: row.id, messages };
  });

  return {
    async importChat(userId, chat) {
      sql.assertOpen();
      return importTx.immediate(userId, chat);
    },

    async exportChats(userId, options = {}) {
      const limit = transferLimit(options.limit, 100, 500);
      const after = parseChatCursor(options.after);
      const where = ['s.user_id = ?'];
      const params: unknown[] = [userId];
      if (options.sessionId !== undefined) {
        where.push('s.id = ?');
        params.push(options.sessionId);
      }
      if (after) {
        where.push('(s.created_at > ? OR (s.created_at = ? AND s.id > ?))');
        params.push(after.created_at, after.created_at, after.id);
      }
      const rows = sql.all<SessionRowWithLeaf>(
        `SELECT s.*, s.current_leaf_id AS current_message_id FROM chat_sessions s
         WHERE ${where.join(' AND ')} ORDER BY s.created_at, s.id LIMIT ?`,
        [...params, limit + 1],
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { chats: page.map(toExportChatRow), next: rows.length > limit && last ? chatCursor(last) : null };
    },

    async exportMessages(userId, sessionId, options = {}) {
      const limit = transferLimit(options.limit, 500, 2000);
      if (!sql.get(SESSION_OWNED, [sessionId, userId])) return undefined;
      const rows = sql.all<MessageRow>(
        `SELECT m.seq, ${MESSAGE_FIELDS}, m.parent_id FROM chat_messages m
         WHERE m.session_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?`,
        [sessionId, options.after ?? 0, limit + 1],
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { messages: page.map(toExportMessageRow), next: rows.length > limit && last ? Number(last.seq) : null };
    },
  };
}
