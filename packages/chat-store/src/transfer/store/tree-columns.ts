/**
 * Where the message tree lives in the schema: until the tree migration lands, a chat is one branch (each
 * message's parent is the one before it, the current leaf is the newest), and an import stores it that way.
 */
import type { Kysely } from 'kysely';
import type { SqlRunner } from '../../connection/index.js';

export const PARENT_SQL = {
  /** Extra columns and placeholders of the message insert. */
  insertColumns: '',
  insertPlaceholders: '',
  insertValues: (_parentId: string | null): unknown[] => [],
  /** The parent id of message alias `m`. */
  select: (m: string) =>
    `(SELECT p.id FROM chat_messages p WHERE p.session_id = ${m}.session_id AND p.seq < ${m}.seq ORDER BY p.seq DESC LIMIT 1)`,
};

export const CURRENT_LEAF_SQL = {
  /** The current leaf id of session alias `s`. */
  select: (s: string) => `(SELECT l.id FROM chat_messages l WHERE l.session_id = ${s}.id ORDER BY l.seq DESC LIMIT 1)`,
  set: (_sql: SqlRunner, _sessionId: string, _leafId: string | null): void => {},
  setPostgres: async (_db: Kysely<any>, _sessionId: string, _leafId: string | null): Promise<void> => {},
};
