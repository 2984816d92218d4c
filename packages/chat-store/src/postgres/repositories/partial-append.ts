/**
 * The append-only flush of a streaming reply on PostgreSQL, safe to retry. A plain `content || $piece` whose COMMIT
 * went through but whose answer was lost (the connection dropped after COMMIT) is sent again by the flusher with the
 * next piece, and the stored partial held that piece twice until the final store overwrote it. Each append here
 * writes at the offset where the previous successful one ended (`left(content, $offset) || $piece`): a repeated piece
 * lands on itself, whether or not the first try committed.
 */
import type pg from 'pg';

/** The append at a known offset (characters, as PostgreSQL's `length` counts them), prepared once per connection. */
const APPEND_PARTIAL_AT = {
  name: 'chat-store.append-partial-at',
  text: `UPDATE chat_messages SET content = left(content, $4::int) || $1
    WHERE id = $2 AND status = 'partial' AND session_id IN (SELECT id FROM chat_sessions WHERE user_id = $3)
    RETURNING length(content) AS length`,
};

/** Where the first append of a reply (in this process) starts: the partial text's length. */
const PARTIAL_LENGTH = {
  name: 'chat-store.partial-length',
  text: `SELECT length(content) AS length FROM chat_messages
    WHERE id = $1 AND status = 'partial' AND session_id IN (SELECT id FROM chat_sessions WHERE user_id = $2)`,
};

/** Replies whose stored length is remembered at most; an older one forgotten just reads its length again. */
export const REMEMBERED_REPLIES = 10_000;

/** Appends to partial replies at the offset their last successful append ended at. */
export interface PartialAppender {
  /** See `MessagesRepository.appendPartial`; a retry after an error never stores a piece twice. */
  append(userId: string, messageId: string, piece: string): Promise<boolean>;
  /** The reply's text was written another way (overwritten, finished): its next append reads its length again. */
  forget(messageId: string): void;
}

/**
 * A {@link PartialAppender} over `pool`. Only the process generating a reply appends to it (one write at a time),
 * so the offset it remembers is the stored length unless the text was overwritten, which calls `forget`.
 */
export function createPartialAppender(pool: Pick<pg.Pool, 'query'>): PartialAppender {
  const stored = new Map<string, number>();
  async function offsetOf(userId: string, messageId: string): Promise<number | undefined> {
    const known = stored.get(messageId);
    if (known !== undefined) return known;
    const result = await pool.query<{ length: number }>({ ...PARTIAL_LENGTH, values: [messageId, userId] });
    return result.rows[0]?.length;
  }
  return {
    async append(userId, messageId, piece) {
      const offset = await offsetOf(userId, messageId);
      if (offset === undefined) return false;
      // Remembered before the write: if its answer is lost, the retry still starts where this one did.
      stored.delete(messageId);
      stored.set(messageId, offset);
      const result = await pool.query<{ length: number }>({
        ...APPEND_PARTIAL_AT,
        values: [piece, messageId, userId, offset],
      });
      const row = result.rows[0];
      if (!row) {
        stored.delete(messageId);
        return false;
      }
      stored.set(messageId, row.length);
      if (stored.size > REMEMBERED_REPLIES) stored.delete(stored.keys().next().value as string);
      return true;
    },
    forget(messageId) {
      stored.delete(messageId);
    },
  };
}
