/** Chat messages, scoped through their session's owner. Hot paths use static SQL on cached statements. */
import {
  type MessagesRepository,
  type TreeTarget,
  aroundPage,
  messagePage,
  messagePatch,
  newMessageRow,
} from '../../contract/messages.js';
import type { ChatMessage } from '@chat-studio/protocol';
import { decodeCursor } from '../../cursor/index.js';
import {
  MESSAGE_COLUMNS,
  toChatMessage,
  type MessageRowFields,
  type MessageRowWithSiblings,
} from '../../contract/mappers.js';
import { pathUp, SIBLING_COLUMNS, subtree } from '../../contract/message-tree.sql.js';
import type { RepositoryContext } from './repository-context.js';
import { pageLimit } from '../../contract/paging.js';

const SESSION_LEAF = 'SELECT current_leaf_id FROM chat_sessions WHERE id = ? AND user_id = ?';
const MESSAGE_IN_SESSION = 'SELECT 1 FROM chat_messages WHERE id = ? AND session_id = ?';
const TOUCH_SESSION = 'UPDATE chat_sessions SET updated_at = max(updated_at, ?), current_leaf_id = ? WHERE id = ?';
const INSERT_MESSAGE = `
  INSERT INTO chat_messages (id, session_id, parent_id, role, content, created_at, status, model_id, prompt_tokens,
    completion_tokens, time_to_first_token_ms, tokens_per_second, finish_reason, streaming)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const SELECT_MESSAGE = `
  SELECT ${MESSAGE_COLUMNS.split(', ')
    .map((c) => `m.${c}`)
    .join(', ')}
  FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
  WHERE m.id = ? AND s.user_id = ?`;
const SESSION_OWNED = 'SELECT 1 FROM chat_sessions WHERE id = ? AND user_id = ?';
const M_COLUMNS = MESSAGE_COLUMNS.split(', ')
  .map((c) => `m.${c}`)
  .join(', ');
/**
 * A page of a branch: the walk from `start` up, the `limit` rows nearest `start` (DESC) or the root (ASC). CROSS JOIN
 * keeps the page's rows as the outer loop: with a plain JOIN, SQLite 3.53 read every message in `seq` order to skip
 * the final sort and probed the page with a bloom filter, 400 ms a page at 1,000,000 messages instead of 3 ms.
 */
const branchPage = (order: 'ASC' | 'DESC') => `
  WITH RECURSIVE ${pathUp({ start: '@start', session: '@session', after: '@after', max: '@max' })}
  SELECT m.seq, ${M_COLUMNS}, ${SIBLING_COLUMNS}
  FROM (SELECT seq FROM path ORDER BY seq ${order} LIMIT @limit) p CROSS JOIN chat_messages m ON m.seq = p.seq
  ORDER BY m.seq ${order}`;
const BRANCH_ASC = branchPage('ASC');
const BRANCH_DESC = branchPage('DESC');
/** The branch page statements, for the plan test. */
export const BRANCH_STATEMENTS = { BRANCH_ASC, BRANCH_DESC } as const;
const TREE_PAGE = `SELECT seq, ${MESSAGE_COLUMNS} FROM chat_messages WHERE session_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?`;
const PARENT_OF_SEQ = 'SELECT parent_id FROM chat_messages WHERE seq = ? AND session_id = ?';
const TARGET = `
  SELECT m.seq, m.id, m.parent_id, m.session_id, s.current_leaf_id FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
  WHERE m.id = ? AND s.user_id = ?`;
const ON_BRANCH = `
  WITH RECURSIVE ${pathUp({ start: '@leaf', session: '@session', after: '@above', max: '1e18' })}
  SELECT 1 FROM path WHERE seq = @target`;
const NEWEST_BELOW = `WITH RECURSIVE ${subtree('?')} SELECT id FROM sub ORDER BY seq DESC LIMIT 1`;
const NEWEST_IN_SESSION = 'SELECT id FROM chat_messages WHERE session_id = ? ORDER BY seq DESC LIMIT 1';
const SUBTREE_COUNT = `WITH RECURSIVE ${subtree('?')} SELECT count(*) AS n, sum(id = ?) AS has_leaf FROM sub`;
const DELETE_SUBTREE = `WITH RECURSIVE ${subtree('?')} DELETE FROM chat_messages WHERE seq IN (SELECT seq FROM sub)`;
const SEQ_OF = 'SELECT seq FROM chat_messages WHERE id = ?';
const SET_LEAF = 'UPDATE chat_sessions SET current_leaf_id = ? WHERE id = ?';
const CHILDREN = `SELECT ${MESSAGE_COLUMNS} FROM chat_messages WHERE parent_id = ? ORDER BY seq`;
const ROOTS = `SELECT ${MESSAGE_COLUMNS} FROM chat_messages WHERE session_id = ? AND parent_id IS NULL ORDER BY seq`;
/** The streaming flush: the id finds the row, the status and owner checks cost two index probes. */
const WRITE_PARTIAL = `
  UPDATE chat_messages SET content = ?
  WHERE id = ? AND status = 'partial' AND session_id IN (SELECT id FROM chat_sessions WHERE user_id = ?)`;
/** The append-only flush (see `MessagesRepository.appendPartial`): the new text only, concatenated in SQL. */
const APPEND_PARTIAL = `
  UPDATE chat_messages SET content = content || ?
  WHERE id = ? AND status = 'partial' AND session_id IN (SELECT id FROM chat_sessions WHERE user_id = ?)`;

export function createMessagesRepository(ctx: RepositoryContext): MessagesRepository {
  const { db, sql } = ctx;
  type Row = MessageRowWithSiblings & { seq: number };

  function getSync(userId: string, messageId: string): ChatMessage | undefined {
    const row = sql.get<MessageRowFields>(SELECT_MESSAGE, [messageId, userId]);
    return row && toChatMessage(row);
  }

  // Built once: better-sqlite3 transaction wrappers are not free to create on every call.
  const appendTx = sql.raw.transaction(
    (row: MessageRowFields, userId: string, explicitParent: boolean, streaming: 0 | 1): boolean => {
      const session = sql.get<{ current_leaf_id: string | null }>(SESSION_LEAF, [row.session_id, userId]);
      if (!session) return false;
      if (!explicitParent) row.parent_id = session.current_leaf_id;
      else if (row.parent_id !== null && !sql.get(MESSAGE_IN_SESSION, [row.parent_id, row.session_id])) return false;
      sql.run(INSERT_MESSAGE, [
        row.id,
        row.session_id,
        row.parent_id,
        row.role,
        row.content,
        row.created_at,
        row.status,
        row.model_id,
        row.prompt_tokens,
        row.completion_tokens,
        row.time_to_first_token_ms,
        row.tokens_per_second,
        row.finish_reason,
        streaming,
      ]);
      sql.run(TOUCH_SESSION, [row.created_at, row.id, row.session_id]);
      return true;
    },
  );

  function target(userId: string, messageId: string): TreeTarget | undefined {
    return sql.get<TreeTarget>(TARGET, [messageId, userId]);
  }

  /** The leaf of the branch through `t`: the current leaf when `t` is on the current branch, else its newest descendant. */
  function branchLeaf(t: TreeTarget): string {
    const leaf = t.current_leaf_id;
    if (leaf && sql.get(ON_BRANCH, { leaf, session: t.session_id, above: t.seq - 1, target: t.seq })) return leaf;
    return sql.statement(NEWEST_BELOW).pluck().get(t.seq) as string;
  }

  function walk(
    order: 'asc' | 'desc',
    start: string,
    sessionId: string,
    after: number,
    max: number,
    limit: number,
  ): Row[] {
    return sql.all<Row>(order === 'asc' ? BRANCH_ASC : BRANCH_DESC, { start, session: sessionId, after, max, limit });
  }

  // Runs inside `sql.write`'s transaction (a nested better-sqlite3 transaction is a savepoint).
  const deleteTx = (t: TreeTarget): number => {
    const { n, has_leaf } = sql.get<{ n: number; has_leaf: number | null }>(SUBTREE_COUNT, [t.seq, t.current_leaf_id])!;
    sql.run(DELETE_SUBTREE, [t.seq]);
    if (has_leaf) {
      const next =
        t.parent_id === null
          ? (sql.statement(NEWEST_IN_SESSION).pluck().get(t.session_id) as string | undefined)
          : (sql.statement(NEWEST_BELOW).pluck().get(sql.statement(SEQ_OF).pluck().get(t.parent_id)) as string);
      sql.run(SET_LEAF, [next ?? null, t.session_id]);
    }
    return n;
  };

  function deleteSubtree(userId: string, messageId: string): number {
    return sql.write(() => {
      const t = target(userId, messageId);
      return t ? deleteTx(t) : 0;
    });
  }

  return {
    async append(userId, sessionId, input) {
      const row = newMessageRow(ctx, sessionId, input);
      sql.assertOpen();
      return sql.guard(
        () => appendTx.immediate(row, userId, input.parent_id !== undefined, input.streaming ? 1 : 0),
        true,
      )
        ? toChatMessage(row)
        : undefined;
    },

    async get(userId, messageId) {
      return getSync(userId, messageId);
    },

    async list(userId, sessionId, options = {}) {
      const limit = pageLimit(options.limit, 50);
      const order = options.order === 'desc' ? 'desc' : 'asc';
      // The cursor records its direction, so a cursor from one order can't silently page the other.
      const kind = order === 'asc' ? 'ma' : 'md';
      const after =
        options.cursor === undefined ? undefined : decodeCursor(options.cursor, kind, ['number'] as const)[0];
      const session = sql.get<{ current_leaf_id: string | null }>(SESSION_LEAF, [sessionId, userId]);
      if (!session) return undefined;
      const leaf = options.leafId ?? session.current_leaf_id;
      if (order === 'asc') {
        const rows = leaf ? walk('asc', leaf, sessionId, after ?? 0, Number.MAX_SAFE_INTEGER, limit + 1) : [];
        return messagePage(rows, limit, kind);
      }
      // A desc cursor is the oldest message shown; the next page starts at its parent.
      const start =
        after === undefined
          ? leaf
          : (sql.get<{ parent_id: string | null }>(PARENT_OF_SEQ, [after, sessionId])?.parent_id ?? null);
      return messagePage(start ? walk('desc', start, sessionId, 0, limit + 1, limit + 1) : [], limit, kind);
    },

    async listAround(userId, sessionId, messageId, options = {}) {
      const limit = pageLimit(options.limit, 50);
      const t = target(userId, messageId);
      if (!t || t.session_id !== sessionId) return undefined;
      const leaf = branchLeaf(t);
      // `limit` rows each way is always enough to fill the page from one side when the other runs out.
      const older = t.parent_id ? walk('desc', t.parent_id, sessionId, 0, limit, limit) : [];
      const rest = walk('asc', leaf, sessionId, t.seq - 1, Number.MAX_SAFE_INTEGER, limit + 1);
      return { ...aroundPage(older, rest, limit), leaf_id: leaf };
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

    async writePartial(userId, messageId, content) {
      // Autocommit: a single statement needs no BEGIN IMMEDIATE, and its busy timeout applies as for any write.
      return sql.run(WRITE_PARTIAL, [content, messageId, userId]).changes > 0;
    },

    async appendPartial(userId, messageId, text) {
      return sql.run(APPEND_PARTIAL, [text, messageId, userId]).changes > 0;
    },

    async delete(userId, messageId) {
      return deleteSubtree(userId, messageId) > 0;
    },

    async deleteSubtree(userId, messageId) {
      return deleteSubtree(userId, messageId);
    },

    async countSubtree(userId, messageId) {
      const t = target(userId, messageId);
      return t ? sql.get<{ n: number }>(SUBTREE_COUNT, [t.seq, null])!.n : undefined;
    },

    async siblings(userId, messageId) {
      const t = target(userId, messageId);
      if (!t) return undefined;
      const rows =
        t.parent_id === null
          ? sql.all<MessageRowFields>(ROOTS, [t.session_id])
          : sql.all<MessageRowFields>(CHILDREN, [t.parent_id]);
      return { items: rows.map(toChatMessage), position: rows.findIndex((r) => r.id === t.id) + 1 };
    },

    async switchBranch(userId, sessionId, messageId) {
      return sql.write(() => {
        const t = target(userId, messageId);
        if (!t || t.session_id !== sessionId) return undefined;
        const leaf = branchLeaf(t);
        if (leaf !== t.current_leaf_id) sql.run(SET_LEAF, [leaf, sessionId]);
        return leaf;
      });
    },

    async listTree(userId, sessionId, options = {}) {
      const limit = pageLimit(options.limit, 50);
      const after = options.cursor === undefined ? 0 : decodeCursor(options.cursor, 'mt', ['number'] as const)[0];
      if (!sql.get(SESSION_OWNED, [sessionId, userId])) return undefined;
      return messagePage(sql.all<Row>(TREE_PAGE, [sessionId, after, limit + 1]), limit, 'mt');
    },
  };
}
