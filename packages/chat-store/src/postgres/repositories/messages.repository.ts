/** Chat messages on PostgreSQL, scoped through their session's owner; the same tree as the SQLite store. */
import type { ChatMessage } from '@chat-studio/protocol';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { decodeCursor } from '../../cursor/index.js';
import { toChatMessage, type MessageRowFields, type MessageRowWithSiblings } from '../../contract/mappers.js';
import { pathUp, SIBLING_COLUMNS, subtree } from '../../contract/message-tree.sql.js';
import {
  aroundPage,
  messagePage,
  messagePatch,
  newMessageRow,
  type MessagesRepository,
  type TreeTarget,
} from '../../contract/messages.js';
import { pageLimit } from '../../contract/paging.js';
import type { PostgresChatDatabase } from '../postgres-database.js';
import { createPartialAppender } from './partial-append.js';
import { count, type PostgresContext } from './postgres-context.js';

const COLUMNS = [
  'm.id',
  'm.session_id',
  'm.parent_id',
  'm.role',
  'm.content',
  'm.created_at',
  'm.status',
  'm.model_id',
  'm.prompt_tokens',
  'm.completion_tokens',
  'm.time_to_first_token_ms',
  'm.tokens_per_second',
  'm.finish_reason',
] as const;
const M_COLUMNS = COLUMNS.join(', ');

type Db = Kysely<PostgresChatDatabase> | Transaction<PostgresChatDatabase>;
type Row = MessageRowWithSiblings & { seq: number };

// $1 start id, $2 session id, $3 seq to stop at (exclusive), $4 most rows to walk, $5 page size.
const branchPage = (order: 'ASC' | 'DESC') => `
  WITH RECURSIVE ${pathUp({ start: '$1', session: '$2', after: '$3::bigint', max: '$4::bigint' })}
  SELECT m.seq, ${M_COLUMNS}, ${SIBLING_COLUMNS}
  FROM (SELECT seq FROM path ORDER BY seq ${order} LIMIT $5) p JOIN chat_messages m ON m.seq = p.seq
  ORDER BY m.seq ${order}`;
const BRANCH_ASC = branchPage('ASC');
const BRANCH_DESC = branchPage('DESC');
const TARGET = `
  SELECT m.seq, m.id, m.parent_id, m.session_id, s.current_leaf_id FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
  WHERE m.id = $1 AND s.user_id = $2`;
// $1 leaf, $2 session, $3 the target's seq.
const ON_BRANCH = `
  WITH RECURSIVE ${pathUp({ start: '$1', session: '$2', after: '($3::bigint - 1)', max: '9223372036854775807' })}
  SELECT 1 AS ok FROM path WHERE seq = $3::bigint`;
const NEWEST_BELOW = `WITH RECURSIVE ${subtree('$1::bigint')} SELECT id FROM sub ORDER BY seq DESC LIMIT 1`;
const SUBTREE_COUNT = `WITH RECURSIVE ${subtree('$1::bigint')} SELECT count(*) AS n, bool_or(id = $2::text) AS has_leaf FROM sub`;
const DELETE_SUBTREE = `WITH RECURSIVE ${subtree('$1::bigint')} DELETE FROM chat_messages WHERE seq IN (SELECT seq FROM sub)`;

/** The streaming flush (see `MessagesRepository.writePartial`), prepared once per connection by its name. */
const WRITE_PARTIAL = {
  name: 'chat-store.write-partial',
  text: `UPDATE chat_messages SET content = $1
    WHERE id = $2 AND status = 'partial' AND session_id IN (SELECT id FROM chat_sessions WHERE user_id = $3)`,
};

async function rows<T>(db: Db, text: string, params: readonly unknown[]): Promise<T[]> {
  return (await db.executeQuery<T>(CompiledQuery.raw(text, [...params]))).rows;
}

export function createPostgresMessagesRepository(ctx: PostgresContext): MessagesRepository {
  const { db } = ctx;
  const appender = createPartialAppender(ctx.pool);
  const ownedSessions = (userId: string) => db.selectFrom('chat_sessions').select('id').where('user_id', '=', userId);
  const sessionLeaf = (d: Db, userId: string, sessionId: string) =>
    d
      .selectFrom('chat_sessions')
      .select('current_leaf_id')
      .where('id', '=', sessionId)
      .where('user_id', '=', userId)
      .executeTakeFirst();

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

  const target = async (d: Db, userId: string, messageId: string) =>
    (await rows<TreeTarget>(d, TARGET, [messageId, userId]))[0];
  const walk = (
    d: Db,
    order: 'asc' | 'desc',
    start: string,
    sessionId: string,
    after: number,
    max: number,
    limit: number,
  ) => rows<Row>(d, order === 'asc' ? BRANCH_ASC : BRANCH_DESC, [start, sessionId, after, max, limit]);
  const newestBelow = async (d: Db, seq: number) => (await rows<{ id: string }>(d, NEWEST_BELOW, [seq]))[0]!.id;

  /** The leaf of the branch through `t`: the current leaf when `t` is on the current branch, else its newest descendant. */
  async function branchLeaf(d: Db, t: TreeTarget): Promise<string> {
    const leaf = t.current_leaf_id;
    if (leaf && (await rows(d, ON_BRANCH, [leaf, t.session_id, t.seq])).length > 0) return leaf;
    return newestBelow(d, t.seq);
  }

  async function deleteSubtree(userId: string, messageId: string): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const t = await target(trx, userId, messageId);
      if (!t) return 0;
      // The session row is locked first, so a concurrent append cannot hang a message under the deleted subtree's leaf.
      await trx.selectFrom('chat_sessions').select('id').where('id', '=', t.session_id).forUpdate().execute();
      const [{ n, has_leaf } = { n: 0, has_leaf: false }] = await rows<{ n: number; has_leaf: boolean | null }>(
        trx,
        SUBTREE_COUNT,
        [t.seq, t.current_leaf_id],
      );
      await rows(trx, DELETE_SUBTREE, [t.seq]);
      if (has_leaf) {
        let next: string | null;
        if (t.parent_id === null) {
          next =
            (
              await trx
                .selectFrom('chat_messages')
                .select('id')
                .where('session_id', '=', t.session_id)
                .orderBy('seq', 'desc')
                .limit(1)
                .executeTakeFirst()
            )?.id ?? null;
        } else {
          const parent = await trx
            .selectFrom('chat_messages')
            .select('seq')
            .where('id', '=', t.parent_id)
            .executeTakeFirstOrThrow();
          next = await newestBelow(trx, parent.seq);
        }
        await trx.updateTable('chat_sessions').set({ current_leaf_id: next }).where('id', '=', t.session_id).execute();
      }
      return Number(n);
    });
  }

  return {
    async append(userId, sessionId, input) {
      const row = newMessageRow(ctx, sessionId, input);
      return db.transaction().execute(async (trx) => {
        // FOR UPDATE: two appends to one chat take turns, so the second one's default parent is the first one.
        const session = await trx
          .selectFrom('chat_sessions')
          .select('current_leaf_id')
          .where('id', '=', sessionId)
          .where('user_id', '=', userId)
          .forUpdate()
          .executeTakeFirst();
        if (!session) return undefined;
        if (input.parent_id === undefined) row.parent_id = session.current_leaf_id;
        else if (row.parent_id !== null) {
          const parent = await trx
            .selectFrom('chat_messages')
            .select('id')
            .where('id', '=', row.parent_id)
            .where('session_id', '=', sessionId)
            .executeTakeFirst();
          if (!parent) return undefined;
        }
        await trx
          .insertInto('chat_messages')
          .values({ ...row, streaming: input.streaming ? 1 : 0 })
          .execute();
        await trx
          .updateTable('chat_sessions')
          .set((eb) => ({
            updated_at: eb.fn('greatest', [eb.ref('updated_at'), eb.val(row.created_at)]),
            current_leaf_id: row.id,
          }))
          .where('id', '=', sessionId)
          .execute();
        return toChatMessage(row);
      });
    },

    get,

    async list(userId, sessionId, options = {}) {
      const limit = pageLimit(options.limit, 50);
      const order = options.order === 'desc' ? 'desc' : 'asc';
      // The cursor records its direction, so a cursor from one order can't silently page the other.
      const kind = order === 'asc' ? 'ma' : 'md';
      const after =
        options.cursor === undefined ? undefined : decodeCursor(options.cursor, kind, ['number'] as const)[0];
      const session = await sessionLeaf(db, userId, sessionId);
      if (!session) return undefined;
      const leaf = options.leafId ?? session.current_leaf_id;
      if (order === 'asc') {
        const found = leaf
          ? await walk(db, 'asc', leaf, sessionId, after ?? 0, Number.MAX_SAFE_INTEGER, limit + 1)
          : [];
        return messagePage(found, limit, kind);
      }
      // A desc cursor is the oldest message shown; the next page starts at its parent.
      const start =
        after === undefined
          ? leaf
          : ((
              await db
                .selectFrom('chat_messages')
                .select('parent_id')
                .where('seq', '=', after)
                .where('session_id', '=', sessionId)
                .executeTakeFirst()
            )?.parent_id ?? null);
      return messagePage(start ? await walk(db, 'desc', start, sessionId, 0, limit + 1, limit + 1) : [], limit, kind);
    },

    async listAround(userId, sessionId, messageId, options = {}) {
      const limit = pageLimit(options.limit, 50);
      const t = await target(db, userId, messageId);
      if (!t || t.session_id !== sessionId) return undefined;
      const leaf = await branchLeaf(db, t);
      // `limit` rows each way is always enough to fill the page from one side when the other runs out.
      const [older, rest] = await Promise.all([
        t.parent_id ? walk(db, 'desc', t.parent_id, sessionId, 0, limit, limit) : Promise.resolve([]),
        walk(db, 'asc', leaf, sessionId, t.seq - 1, Number.MAX_SAFE_INTEGER, limit + 1),
      ]);
      return { ...aroundPage(older, rest, limit), leaf_id: leaf };
    },

    async update(userId, messageId, input) {
      appender.forget(messageId);
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

    async writePartial(userId, messageId, content) {
      appender.forget(messageId);
      const result = await ctx.pool.query({ ...WRITE_PARTIAL, values: [content, messageId, userId] });
      return (result.rowCount ?? 0) > 0;
    },

    async appendPartial(userId, messageId, text) {
      return appender.append(userId, messageId, text);
    },

    async delete(userId, messageId) {
      return (await deleteSubtree(userId, messageId)) > 0;
    },

    deleteSubtree,

    async countSubtree(userId, messageId) {
      const t = await target(db, userId, messageId);
      if (!t) return undefined;
      return Number((await rows<{ n: number }>(db, SUBTREE_COUNT, [t.seq, null]))[0]?.n ?? 0);
    },

    async siblings(userId, messageId) {
      const t = await target(db, userId, messageId);
      if (!t) return undefined;
      let query = db.selectFrom('chat_messages as m').select(COLUMNS).orderBy('m.seq');
      query =
        t.parent_id === null
          ? query.where('m.session_id', '=', t.session_id).where('m.parent_id', 'is', null)
          : query.where('m.parent_id', '=', t.parent_id);
      const found: MessageRowFields[] = await query.execute();
      return { items: found.map(toChatMessage), position: found.findIndex((r) => r.id === t.id) + 1 };
    },

    async switchBranch(userId, sessionId, messageId) {
      return db.transaction().execute(async (trx) => {
        const t = await target(trx, userId, messageId);
        if (!t || t.session_id !== sessionId) return undefined;
        const leaf = await branchLeaf(trx, t);
        if (leaf !== t.current_leaf_id) {
          const updated = await trx
            .updateTable('chat_sessions')
            .set({ current_leaf_id: leaf })
            .where('id', '=', sessionId)
            .executeTakeFirst();
          if (count(updated.numUpdatedRows) === 0) return undefined;
        }
        return leaf;
      });
    },

    async listTree(userId, sessionId, options = {}) {
      const limit = pageLimit(options.limit, 50);
      const after = options.cursor === undefined ? 0 : decodeCursor(options.cursor, 'mt', ['number'] as const)[0];
      if (!(await sessionLeaf(db, userId, sessionId))) return undefined;
      const found = await db
        .selectFrom('chat_messages as m')
        .select(['m.seq', ...COLUMNS])
        .where('m.session_id', '=', sessionId)
        .where('m.seq', '>', after)
        .orderBy('m.seq')
        .limit(limit + 1)
        .execute();
      return messagePage(found, limit, 'mt');
    },
  };
}
