/** Chat sessions, always scoped by user: another user's session behaves as if it did not exist. */
import type { ChatSession, Page, SessionSettings } from '@chat-studio/protocol';
import { decodeCursor, encodeCursor } from '../cursor/index.js';
import type { ChatSessionRowUpdate } from '../tables/index.js';
import { toChatSession, type SessionRowWithCount } from './mappers.js';
import { pageLimit, type RepositoryContext } from './repository-context.js';

export interface CreateSessionInput {
  /** Defaults to `'New chat'`. */
  title?: string;
  /** Defaults to `false`. */
  pinned?: boolean;
  /** Defaults to `{}`. */
  settings?: SessionSettings;
}

export interface UpdateSessionInput {
  title?: string;
  pinned?: boolean;
  archived?: boolean;
  /** Replaces the whole settings object. */
  settings?: SessionSettings;
}

export interface ListSessionsOptions {
  /** Defaults to 50 (at most 500). */
  limit?: number;
  cursor?: string;
  /** Only pinned (`true`) or only unpinned (`false`) sessions; both when omitted. */
  pinned?: boolean;
  /** Defaults to `false`: archived sessions are listed only when asked for. */
  archived?: boolean;
}

export interface SessionsRepository {
  create(userId: string, input?: CreateSessionInput): Promise<ChatSession>;
  get(userId: string, id: string): Promise<ChatSession | undefined>;
  list(userId: string, options?: ListSessionsOptions): Promise<Page<ChatSession>>;
  update(userId: string, id: string, input: UpdateSessionInput): Promise<ChatSession | undefined>;
  delete(userId: string, id: string): Promise<boolean>;
}

/** Default title of a new session. */
export const DEFAULT_SESSION_TITLE = 'New chat';

const SELECT_SESSION = `
  SELECT s.*, (SELECT count(*) FROM chat_messages m WHERE m.session_id = s.id) AS message_count
  FROM chat_sessions s WHERE s.id = ? AND s.user_id = ?`;

const INSERT_SESSION = `
  INSERT INTO chat_sessions (id, user_id, title, created_at, updated_at, pinned, archived, settings)
  VALUES (?, ?, ?, ?, ?, ?, 0, ?)`;

/** The column changes for a session update; both back ends write the same ones. */
export function sessionPatch(input: UpdateSessionInput): ChatSessionRowUpdate {
  const patch: ChatSessionRowUpdate = {};
  if (input.title !== undefined) patch.title = input.title.trim() || DEFAULT_SESSION_TITLE;
  if (input.pinned !== undefined) patch.pinned = input.pinned ? 1 : 0;
  if (input.archived !== undefined) patch.archived = input.archived ? 1 : 0;
  if (input.settings !== undefined) patch.settings = JSON.stringify(input.settings);
  return patch;
}

/** A page from `limit + 1` rows ordered newest first; the extra row only says whether there is more. */
export function sessionPage(rows: SessionRowWithCount[], limit: number): Page<ChatSession> {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(toChatSession),
    next_cursor: more && last ? encodeCursor('s', [last.updated_at, last.id]) : null,
  };
}

export function createSessionsRepository(ctx: RepositoryContext): SessionsRepository {
  const { db, sql } = ctx;

  function getSync(userId: string, id: string): ChatSession | undefined {
    const row = sql.get<SessionRowWithCount>(SELECT_SESSION, [id, userId]);
    return row && toChatSession(row);
  }

  return {
    async create(userId, input = {}) {
      const now = ctx.now();
      const id = ctx.newId();
      const title = input.title?.trim() || DEFAULT_SESSION_TITLE;
      const settings = JSON.stringify(input.settings ?? {});
      sql.run(INSERT_SESSION, [id, userId, title, now, now, input.pinned ? 1 : 0, settings]);
      return toChatSession({
        id,
        user_id: userId,
        title,
        created_at: now,
        updated_at: now,
        pinned: input.pinned ? 1 : 0,
        archived: 0,
        settings,
        current_leaf_id: null,
        message_count: 0,
      });
    },

    async get(userId, id) {
      return getSync(userId, id);
    },

    async list(userId, options = {}) {
      const limit = pageLimit(options.limit, 50);
      let query = db
        .selectFrom('chat_sessions as s')
        .selectAll('s')
        .select((eb) =>
          eb
            .selectFrom('chat_messages as m')
            .whereRef('m.session_id', '=', 's.id')
            .select(eb.fn.countAll<number>().as('c'))
            .as('message_count'),
        )
        .where('s.user_id', '=', userId)
        .where('s.archived', '=', options.archived ? 1 : 0);
      if (options.pinned !== undefined) query = query.where('s.pinned', '=', options.pinned ? 1 : 0);
      if (options.cursor !== undefined) {
        const [updatedAt, id] = decodeCursor(options.cursor, 's', ['number', 'string'] as const);
        query = query.where((eb) =>
          eb.or([
            eb('s.updated_at', '<', updatedAt),
            eb.and([eb('s.updated_at', '=', updatedAt), eb('s.id', '<', id)]),
          ]),
        );
      }
      const rows = sql.all(
        query
          .orderBy('s.updated_at', 'desc')
          .orderBy('s.id', 'desc')
          .limit(limit + 1),
      ) as SessionRowWithCount[];
      return sessionPage(rows, limit);
    },

    async update(userId, id, input) {
      const patch = sessionPatch(input);
      return sql.write(() => {
        const current = sql.get<{ updated_at: number }>(
          'SELECT updated_at FROM chat_sessions WHERE id = ? AND user_id = ?',
          [id, userId],
        );
        if (!current) return undefined;
        // Strictly increasing, so an edit always moves the session to the top even within one millisecond.
        patch.updated_at = Math.max(ctx.now(), current.updated_at + 1);
        sql.run(db.updateTable('chat_sessions').set(patch).where('id', '=', id).where('user_id', '=', userId));
        return getSync(userId, id);
      });
    },

    async delete(userId, id) {
      // Messages and their search rows go with it (ON DELETE CASCADE fires the FTS delete trigger).
      return sql.run('DELETE FROM chat_sessions WHERE id = ? AND user_id = ?', [id, userId]).changes > 0;
    },
  };
}
