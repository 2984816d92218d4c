/**
 * SQL of the message tree, shared by both back ends where the text is the same (named `@` parameters on SQLite;
 * the PostgreSQL repository binds the same names through kysely). A branch is walked from its leaf towards the root
 * along `parent_id`: children are always newer than their parent (higher `seq`), so every walk can stop at a `seq`.
 */

/** Where a listed message stands among its siblings (same parent; a chat's first messages share the NULL parent). */
export const SIBLING_COLUMNS = `
  CASE WHEN m.parent_id IS NULL
    THEN (SELECT count(*) FROM chat_messages r WHERE r.session_id = m.session_id AND r.parent_id IS NULL AND r.seq <= m.seq)
    ELSE (SELECT count(*) FROM chat_messages c WHERE c.parent_id = m.parent_id AND c.seq <= m.seq) END AS sibling_position,
  CASE WHEN m.parent_id IS NULL
    THEN (SELECT count(*) FROM chat_messages r WHERE r.session_id = m.session_id AND r.parent_id IS NULL)
    ELSE (SELECT count(*) FROM chat_messages c WHERE c.parent_id = m.parent_id) END AS sibling_count`;

/**
 * The walk up from `start` (inclusive), at most `max` messages, stopping before the first one with `seq <= after`.
 * Used as `WITH RECURSIVE ${PATH_UP}` followed by a SELECT over `path`.
 */
export function pathUp(p: { start: string; session: string; after: string; max: string }): string {
  return `path(seq, parent_id, depth) AS (
    SELECT seq, parent_id, 1 FROM chat_messages WHERE id = ${p.start} AND session_id = ${p.session} AND seq > ${p.after}
    UNION ALL
    SELECT m.seq, m.parent_id, path.depth + 1 FROM path JOIN chat_messages m ON m.id = path.parent_id
    WHERE path.depth < ${p.max} AND m.seq > ${p.after}
  )`;
}

/** The subtree of the message `seq` (inclusive) as `sub(id, seq)`. */
export function subtree(seq: string): string {
  return `sub(id, seq) AS (
    SELECT id, seq FROM chat_messages WHERE seq = ${seq}
    UNION ALL
    SELECT c.id, c.seq FROM sub JOIN chat_messages c ON c.parent_id = sub.id
  )`;
}

/**
 * Statements that make every chat whose messages were bulk-inserted without `parent_id` (benchmark seeds, test
 * fixtures) one branch, as the tree migration does: each message under the chat's previous one by `seq`, the
 * newest as the current leaf. Valid SQL on both back ends; run them in order after the inserts.
 *
 * @example
 * for (const statement of ONE_BRANCH_PER_CHAT_SQL) raw.exec(statement);
 */
export const ONE_BRANCH_PER_CHAT_SQL: readonly string[] = Object.freeze([
  `UPDATE chat_messages SET parent_id = prev.parent
   FROM (SELECT seq, lag(id) OVER (PARTITION BY session_id ORDER BY seq) AS parent FROM chat_messages) AS prev
   WHERE prev.seq = chat_messages.seq AND prev.parent IS NOT NULL AND chat_messages.parent_id IS NULL`,
  `UPDATE chat_sessions SET current_leaf_id = (
     SELECT m.id FROM chat_messages m WHERE m.session_id = chat_sessions.id ORDER BY m.seq DESC LIMIT 1)`,
]);
