/** Chat sessions, always scoped by user: another user's session behaves as if it did not exist. */
import { DEFAULT_SESSION_TITLE, type SessionsRepository, sessionPage, sessionPatch } from '../../contract/sessions.js';
import type { ChatSession } from '@chat-studio/protocol';
import { decodeCursor } from '../../cursor/index.js';
import { toChatSession, type SessionRowWithCount } from '../../contract/mappers.js';
import type { RepositoryContext } from './repository-context.js';
import { pageLimit } from '../../contract/paging.js';

const SELECT_SESSION = `
  SELECT s.*, (SELECT count(*) FROM chat_messages m WHERE m.session_id = s.id) AS message_count
  FROM chat_sessions s WHERE s.id = ? AND s.user_id = ?`;

const INSERT_SESSION = `
  INSERT INTO chat_sessions (id, user_id, title, created_at, updated_at, pinned, archived, settings)
  VALUES (?, ?, ?, ?, ?, ?, 0, ?)`;

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
