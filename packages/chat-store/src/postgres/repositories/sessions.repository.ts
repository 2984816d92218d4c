/** Chat sessions on PostgreSQL, always scoped by user: another user's session behaves as if it did not exist. */
import { sql } from 'kysely';
import { decodeCursor } from '../../cursor/index.js';
import { toChatSession, type SessionRowWithCount } from '../../contract/mappers.js';
import { pageLimit } from '../../contract/paging.js';
import {
  DEFAULT_SESSION_TITLE,
  type ListSessionsOptions,
  sessionPage,
  sessionPageJson,
  sessionPatch,
  type SessionsRepository,
} from '../../contract/sessions.js';
import { count, type PostgresContext } from './postgres-context.js';

export function createPostgresSessionsRepository(ctx: PostgresContext): SessionsRepository {
  const { db } = ctx;

  const withCount = () =>
    db
      .selectFrom('chat_sessions as s')
      .selectAll('s')
      .select((eb) =>
        eb
          .selectFrom('chat_messages as m')
          .whereRef('m.session_id', '=', 's.id')
          .select(eb.fn.countAll<number>().as('c'))
          .as('message_count'),
      );

  async function get(userId: string, id: string) {
    const row = await withCount().where('s.id', '=', id).where('s.user_id', '=', userId).executeTakeFirst();
    return row && toChatSession(row as SessionRowWithCount);
  }

  /** The page's rows (`limit + 1` at most: the extra one says there is more) and the page size. */
  async function listRows(userId: string, options: ListSessionsOptions) {
    const limit = pageLimit(options.limit, 50);
    let query = withCount()
      .where('s.user_id', '=', userId)
      .where('s.archived', '=', options.archived ? 1 : 0);
    if (options.pinned !== undefined) query = query.where('s.pinned', '=', options.pinned ? 1 : 0);
    if (options.cursor !== undefined) {
      const [updatedAt, id] = decodeCursor(options.cursor, 's', ['number', 'string'] as const);
      query = query.where((eb) =>
        eb.or([eb('s.updated_at', '<', updatedAt), eb.and([eb('s.updated_at', '=', updatedAt), eb('s.id', '<', id)])]),
      );
    }
    const rows = (await query
      .orderBy('s.updated_at', 'desc')
      .orderBy('s.id', 'desc')
      .limit(limit + 1)
      .execute()) as SessionRowWithCount[];
    return { rows, limit };
  }

  return {
    async create(userId, input = {}) {
      const now = ctx.now();
      const row = {
        id: ctx.newId(),
        user_id: userId,
        title: input.title?.trim() || DEFAULT_SESSION_TITLE,
        created_at: now,
        updated_at: now,
        pinned: input.pinned ? 1 : 0,
        archived: 0,
        settings: JSON.stringify(input.settings ?? {}),
      };
      await db.insertInto('chat_sessions').values(row).execute();
      return toChatSession({ ...row, current_leaf_id: null, message_count: 0 });
    },

    get,

    async list(userId, options = {}) {
      const { rows, limit } = await listRows(userId, options);
      return sessionPage(rows, limit);
    },

    async listJson(userId, options = {}) {
      const { rows, limit } = await listRows(userId, options);
      return sessionPageJson(rows, limit);
    },

    async update(userId, id, input) {
      const patch = sessionPatch(input);
      // Strictly increasing, so an edit always moves the session to the top even within one millisecond;
      // one statement, so concurrent edits from several API processes cannot interleave.
      const updated = await db
        .updateTable('chat_sessions')
        .set({ ...patch, updated_at: sql<number>`GREATEST(${ctx.now()}::bigint, updated_at + 1)` })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return count(updated.numUpdatedRows) > 0 ? get(userId, id) : undefined;
    },

    async delete(userId, id) {
      // Messages go with it (ON DELETE CASCADE); their search vectors live in the same rows.
      const result = await db
        .deleteFrom('chat_sessions')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return count(result.numDeletedRows) > 0;
    },
  };
}
