/** Chat sessions, always scoped by user: another user's session behaves as if it did not exist. */
import {
  DEFAULT_SESSION_TITLE,
  type ListSessionsOptions,
  type SessionsRepository,
  sessionPage,
  sessionPageJson,
  sessionPatch,
} from '../../contract/sessions.js';
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

/** The values a session list query takes, by name. */
interface ListValues {
  user: string;
  archived: number;
  pinned: number;
  updatedAt: number;
  id: string;
  limit: number;
}
type ListKey = keyof ListValues;

/** Values no real call passes, to learn where kysely put each parameter in the compiled SQL. */
const LIST_SENTINELS: ListValues = {
  user: '\u0000user',
  archived: -1001,
  pinned: -1002,
  updatedAt: -1003,
  id: '\u0000id',
  limit: -1004,
};

/** The list's columns in select order; {@link listRow} reads a row array by these positions. */
const LIST_COLUMNS = [
  'id',
  'title',
  'created_at',
  'updated_at',
  'pinned',
  'archived',
  'settings',
  'current_leaf_id',
  'message_count',
] as const;

/** One session list row from its column array (select order: {@link LIST_COLUMNS}). */
function listRow(userId: string, r: unknown[]): SessionRowWithCount {
  return {
    id: r[0] as string,
    user_id: userId,
    title: r[1] as string,
    created_at: r[2] as number,
    updated_at: r[3] as number,
    pinned: r[4] as number,
    archived: r[5] as number,
    settings: r[6] as string,
    current_leaf_id: r[7] as string | null,
    message_count: r[8] as number,
  };
}

/** The session list query of one shape (with or without the pinned filter and the cursor), as kysely builds it. */
function listQuery(db: RepositoryContext['db'], values: ListValues, pinned: boolean, cursor: boolean) {
  let query = db
    .selectFrom('chat_sessions as s')
    // In LIST_COLUMNS' order: the list reads its rows as arrays (SqlRunner.allArrays).
    .select(['s.id', 's.title', 's.created_at', 's.updated_at', 's.pinned', 's.archived', 's.settings'])
    .select('s.current_leaf_id')
    .select((eb) =>
      eb
        .selectFrom('chat_messages as m')
        .whereRef('m.session_id', '=', 's.id')
        .select(eb.fn.countAll<number>().as('c'))
        .as('message_count'),
    )
    .where('s.user_id', '=', values.user)
    .where('s.archived', '=', values.archived);
  if (pinned) query = query.where('s.pinned', '=', values.pinned);
  if (cursor)
    query = query.where((eb) =>
      eb.or([
        eb('s.updated_at', '<', values.updatedAt),
        eb.and([eb('s.updated_at', '=', values.updatedAt), eb('s.id', '<', values.id)]),
      ]),
    );
  return query.orderBy('s.updated_at', 'desc').orderBy('s.id', 'desc').limit(values.limit);
}

/**
 * Compiles {@link listQuery} of each shape once per repository: building and compiling it with kysely on every call
 * was about 5% of a list request (issue #18). The parameters' order is read from a compile with sentinel values.
 */
function listCompiler(db: RepositoryContext['db'], runner: RepositoryContext['sql']) {
  const shapes = new Map<string, { sql: string; keys: ListKey[] }>();
  const keyOf = new Map<unknown, ListKey>(
    (Object.keys(LIST_SENTINELS) as ListKey[]).map((key) => [LIST_SENTINELS[key], key]),
  );
  return (pinned: boolean, cursor: boolean) => {
    const name = `${pinned}:${cursor}`;
    let shape = shapes.get(name);
    if (!shape) {
      const compiled = listQuery(db, LIST_SENTINELS, pinned, cursor).compile();
      const keys = compiled.parameters.map((value) => {
        const key = keyOf.get(value);
        if (!key) throw new Error(`session list: unexpected parameter ${String(value)} in ${compiled.sql}`);
        return key;
      });
      // The row arrays are read by position: a changed query must fail here, not mislabel fields.
      const columns = runner
        .statement(compiled.sql)
        .columns()
        .map((column) => column.name);
      if (columns.join() !== LIST_COLUMNS.join())
        throw new Error(`session list: columns ${columns.join()} are not LIST_COLUMNS (${LIST_COLUMNS.join()})`);
      shape = { sql: compiled.sql, keys };
      shapes.set(name, shape);
    }
    return shape;
  };
}

export function createSessionsRepository(ctx: RepositoryContext): SessionsRepository {
  const { db, sql } = ctx;
  const compiledList = listCompiler(db, sql);

  /** The page's rows (`limit + 1` at most: the extra one says there is more) and the page size. */
  function listRows(userId: string, options: ListSessionsOptions): { rows: SessionRowWithCount[]; limit: number } {
    const limit = pageLimit(options.limit, 50);
    const cursor =
      options.cursor === undefined ? undefined : decodeCursor(options.cursor, 's', ['number', 'string'] as const);
    const values: ListValues = {
      user: userId,
      archived: options.archived ? 1 : 0,
      pinned: options.pinned ? 1 : 0,
      updatedAt: cursor?.[0] ?? 0,
      id: cursor?.[1] ?? '',
      limit: limit + 1,
    };
    const shape = compiledList(options.pinned !== undefined, cursor !== undefined);
    const rows = sql.allArrays(
      shape.sql,
      shape.keys.map((key) => values[key]),
    );
    return { rows: rows.map((r) => listRow(userId, r)), limit };
  }

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
      const { rows, limit } = listRows(userId, options);
      return sessionPage(rows, limit);
    },

    async listJson(userId, options = {}) {
      const { rows, limit } = listRows(userId, options);
      return sessionPageJson(rows, limit);
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
