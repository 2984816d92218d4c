/** Chat messages, scoped through their session's owner. Hot paths use static SQL on cached statements. */
import type { ChatMessage, FinishReason, MessageAroundPage, MessageRole, MessageStatus, Page } from '@chat-studio/protocol';
import { decodeCursor, encodeCursor } from '../cursor/index.js';
import type { ChatMessageRowUpdate } from '../tables/index.js';
import { MESSAGE_COLUMNS, toChatMessage, type MessageRowFields } from './mappers.js';
import { pageLimit, type RepositoryContext } from './repository-context.js';

/** Generation figures a reply can carry. */
export interface MessageStatsInput {
  model_id?: string | null;
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  time_to_first_token_ms?: number | null;
  tokens_per_second?: number | null;
  finish_reason?: FinishReason | null;
}

export interface AppendMessageInput extends MessageStatsInput {
  role: MessageRole;
  content: string;
  /** Defaults to `'complete'`. */
  status?: MessageStatus;
}

export interface UpdateMessageInput extends MessageStatsInput {
  content?: string;
  status?: MessageStatus;
}

export interface ListMessagesOptions {
  /** Defaults to 50 (at most 500). */
  limit?: number;
  cursor?: string;
  /** `asc` walks from the oldest message forward, `desc` from the newest back. Defaults to `'asc'`. */
  order?: 'asc' | 'desc';
}

export interface ListAroundOptions {
  /** Page size, the named message included. Defaults to 50 (at most 500). */
  limit?: number;
}

export interface MessagesRepository {
  /** Appends to a session the user owns and bumps its `updated_at`; `undefined` if there is no such session. */
  append(userId: string, sessionId: string, input: AppendMessageInput): Promise<ChatMessage | undefined>;
  get(userId: string, messageId: string): Promise<ChatMessage | undefined>;
  /** One page of a session's messages; `undefined` if the user has no such session. */
  list(userId: string, sessionId: string, options?: ListMessagesOptions): Promise<Page<ChatMessage> | undefined>;
  /**
   * The page of up to `limit` messages centred on `messageId`, ascending: about half older, the message, the
   * rest newer (an end of the chat that is near gives its share to the other side). `older_cursor` continues
   * with `list(..., { order: 'desc' })`, `newer_cursor` (= `next_cursor`) with `order: 'asc'`.
   * `undefined` if the user has no such session or the message is not in it.
   *
   * @example
   * const page = await store.messages.listAround(userId, sessionId, hitId, { limit: 100 });
   * const older = await store.messages.list(userId, sessionId, { order: 'desc', cursor: page!.older_cursor! });
   */
  listAround(userId: string, sessionId: string, messageId: string, options?: ListAroundOptions): Promise<MessageAroundPage | undefined>;
  update(userId: string, messageId: string, input: UpdateMessageInput): Promise<ChatMessage | undefined>;
  delete(userId: string, messageId: string): Promise<boolean>;
}

const TOUCH_SESSION = 'UPDATE chat_sessions SET updated_at = max(updated_at, ?) WHERE id = ? AND user_id = ?';
const INSERT_MESSAGE = `
  INSERT INTO chat_messages (id, session_id, role, content, created_at, status, model_id, prompt_tokens,
    completion_tokens, time_to_first_token_ms, tokens_per_second, finish_reason)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const SELECT_MESSAGE = `
  SELECT ${MESSAGE_COLUMNS.split(', ').map((c) => `m.${c}`).join(', ')}
  FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
  WHERE m.id = ? AND s.user_id = ?`;
const SESSION_OWNED = 'SELECT 1 FROM chat_sessions WHERE id = ? AND user_id = ?';
const LIST_ASC = `SELECT seq, ${MESSAGE_COLUMNS} FROM chat_messages WHERE session_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?`;
const LIST_DESC = `SELECT seq, ${MESSAGE_COLUMNS} FROM chat_messages WHERE session_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`;
const SEQ_IN_OWNED_SESSION = `
  SELECT m.seq FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
  WHERE m.id = ? AND m.session_id = ? AND s.user_id = ?`;
const OWNED_BY = 'session_id IN (SELECT id FROM chat_sessions WHERE user_id = ?)';

const STAT_FIELDS = ['model_id', 'prompt_tokens', 'completion_tokens', 'time_to_first_token_ms', 'tokens_per_second', 'finish_reason'] as const;

/** The column changes for a message update; both back ends write the same ones. */
export function messagePatch(input: UpdateMessageInput): ChatMessageRowUpdate {
  const patch: ChatMessageRowUpdate = {};
  if (input.content !== undefined) patch.content = input.content;
  if (input.status !== undefined) patch.status = input.status;
  for (const field of STAT_FIELDS) {
    if (input[field] !== undefined) (patch as Record<string, unknown>)[field] = input[field];
  }
  return patch;
}

/** A page from `limit + 1` rows in listing order; the extra row only says whether there is more. */
/** The row an append inserts, on either back end: a new id, now, and null for every stat not given. */
export function newMessageRow(ids: { newId(): string; now(): number }, sessionId: string, input: AppendMessageInput): MessageRowFields {
  return {
    id: ids.newId(),
    session_id: sessionId,
    role: input.role,
    content: input.content,
    created_at: ids.now(),
    status: input.status ?? 'complete',
    model_id: input.model_id ?? null,
    prompt_tokens: input.prompt_tokens ?? null,
    completion_tokens: input.completion_tokens ?? null,
    time_to_first_token_ms: input.time_to_first_token_ms ?? null,
    tokens_per_second: input.tokens_per_second ?? null,
    finish_reason: input.finish_reason ?? null,
  };
}

export function messagePage(rows: (MessageRowFields & { seq: number })[], limit: number, kind: string): Page<ChatMessage> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(toChatMessage),
    next_cursor: more && last ? encodeCursor(kind, [last.seq]) : null,
  };
}

export function createMessagesRepository(ctx: RepositoryContext): MessagesRepository {
  const { db, sql } = ctx;

  function getSync(userId: string, messageId: string): ChatMessage | undefined {
    const row = sql.get<MessageRowFields>(SELECT_MESSAGE, [messageId, userId]);
    return row && toChatMessage(row);
  }

  // Built once: better-sqlite3 transaction wrappers are not free to create on every call.
  const appendTx = sql.raw.transaction((row: MessageRowFields, userId: string): boolean => {
    if (sql.run(TOUCH_SESSION, [row.created_at, row.session_id, userId]).changes === 0) return false;
    sql.run(INSERT_MESSAGE, [
      row.id, row.session_id, row.role, row.content, row.created_at, row.status, row.model_id, row.prompt_tokens,
      row.completion_tokens, row.time_to_first_token_ms, row.tokens_per_second, row.finish_reason,
    ]);
    return true;
  });

  return {
    async append(userId, sessionId, input) {
      const row = newMessageRow(ctx, sessionId, input);
      sql.assertOpen();
      return sql.guard(() => appendTx.immediate(row, userId), true) ? toChatMessage(row) : undefined;
    },

    async get(userId, messageId) {
      return getSync(userId, messageId);
    },

    async list(userId, sessionId, options = {}) {
      const limit = pageLimit(options.limit, 50);
      const order = options.order === 'desc' ? 'desc' : 'asc';
      // The cursor records its direction, so a cursor from one order can't silently page the other.
      const kind = order === 'asc' ? 'ma' : 'md';
      const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, kind, ['number'] as const)[0];
      if (!sql.get(SESSION_OWNED, [sessionId, userId])) return undefined;
      const rows = sql.all<MessageRowFields & { seq: number }>(order === 'asc' ? LIST_ASC : LIST_DESC, [
        sessionId,
        after ?? (order === 'asc' ? 0 : Number.MAX_SAFE_INTEGER),
        limit + 1,
      ]);
      return messagePage(rows, limit, kind);
    },

    async listAround(userId, sessionId, messageId, options = {}) {
      const limit = pageLimit(options.limit, 50);
      const target = sql.get<{ seq: number }>(SEQ_IN_OWNED_SESSION, [messageId, sessionId, userId]);
      if (!target) return undefined;
      // `limit` rows each way is always enough to fill the page from one side when the other runs out.
      type Row = MessageRowFields & { seq: number };
      const older = sql.all<Row>(LIST_DESC, [sessionId, target.seq, limit]);
      const rest = sql.all<Row>(LIST_ASC, [sessionId, target.seq - 1, limit + 1]);
      return aroundPage(older, rest, limit);
    },

    async update(userId, messageId, input) {
      const patch = messagePatch(input);
      if (Object.keys(patch).length === 0) return getSync(userId, messageId);
      const query = db
        .updateTable('chat_messages')
        .set(patch)
        .where('id', '=', messageId)
        .where('session_id', 'in', (eb) => eb.selectFrom('chat_sessions').select('id').where('user_id', '=', userId));
      return sql.write(() => (sql.run(query).changes > 0 ? getSync(userId, messageId) : undefined));
    },

    async delete(userId, messageId) {
      return sql.run(`DELETE FROM chat_messages WHERE id = ? AND ${OWNED_BY}`, [messageId, userId]).changes > 0;
    },
  };
}

/**
 * Picks the around page from `older` (newest first, before the message) and `rest` (ascending, the message
 * first). Shared by both back ends so they split a page the same way.
 */
export function aroundPage(
  older: readonly (MessageRowFields & { seq: number })[],
  rest: readonly (MessageRowFields & { seq: number })[],
  limit: number,
): MessageAroundPage {
  const newer = rest.slice(1);
  const room = limit - 1;
  const olderCount = Math.min(older.length, Math.max(Math.floor(room / 2), room - newer.length));
  const newerCount = Math.min(newer.length, room - olderCount);
  const rows = [...older.slice(0, olderCount).reverse(), ...rest.slice(0, newerCount + 1)];
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const newerCursor = newer.length > newerCount ? encodeCursor('ma', [last.seq]) : null;
  return {
    items: rows.map(toChatMessage),
    next_cursor: newerCursor,
    older_cursor: older.length > olderCount ? encodeCursor('md', [first.seq]) : null,
    newer_cursor: newerCursor,
  };
}
