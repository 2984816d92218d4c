/** Full-text search over a user's messages: bm25-ranked, safe for any input text. */
import type { MessageRole, Page, SearchHit } from '@chat-studio/protocol';
import { decodeCursor, encodeCursor } from '../cursor/index.js';
import { buildMatchExpression, HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, parseSnippet } from '../search/index.js';
import { iso } from './mappers.js';
import { pageLimit, type RepositoryContext } from './repository-context.js';

export interface SearchOptions {
  /** Defaults to 20 (at most 100). */
  limit?: number;
  cursor?: string;
}

export type SearchFunction = (userId: string, query: string, options?: SearchOptions) => Promise<Page<SearchHit>>;

/** Words of context around the matched terms in a snippet. */
export const SNIPPET_TOKENS = 16;

/**
 * Ranks first and builds snippets afterwards: `snippet()` is the expensive part, and in a single ORDER BY query
 * SQLite would compute it for every match before sorting. The second statement seeks each hit by rowid.
 */
const RANKED_HITS = `
  SELECT f.rowid AS seq, f.rank AS rank
  FROM messages_fts f
  JOIN chat_messages m ON m.seq = f.rowid
  JOIN chat_sessions s ON s.id = m.session_id
  WHERE messages_fts MATCH ? AND s.user_id = ?
  ORDER BY f.rank, f.rowid DESC
  LIMIT ? OFFSET ?`;

const HIT_DETAILS = `
  SELECT m.id AS message_id, m.session_id, s.title AS session_title, m.role, m.created_at,
    snippet(messages_fts, 0, '${HIGHLIGHT_OPEN}', '${HIGHLIGHT_CLOSE}', '…', ${SNIPPET_TOKENS}) AS snippet
  FROM messages_fts f
  JOIN chat_messages m ON m.seq = f.rowid
  JOIN chat_sessions s ON s.id = m.session_id
  WHERE messages_fts MATCH ? AND f.rowid = ?`;

interface RankedRow {
  seq: number;
  rank: number;
}

interface DetailRow {
  message_id: string;
  session_id: string;
  session_title: string;
  role: MessageRole;
  created_at: number;
  snippet: string;
}

export function createSearch(ctx: RepositoryContext): SearchFunction {
  const { sql } = ctx;
  return async (userId, query, options = {}) => {
    const limit = pageLimit(options.limit, 20, 100);
    const offset = options.cursor === undefined ? 0 : decodeCursor(options.cursor, 'q', ['number'] as const)[0];
    const match = buildMatchExpression(query);
    if (match === undefined) return { items: [], next_cursor: null };
    return sql.raw.transaction(() => {
      const ranked = sql.all<RankedRow>(RANKED_HITS, [match, userId, limit + 1, offset]);
      const more = ranked.length > limit;
      const items: SearchHit[] = [];
      for (const { seq, rank } of more ? ranked.slice(0, limit) : ranked) {
        const d = sql.get<DetailRow>(HIT_DETAILS, [match, seq]);
        if (!d) continue;
        items.push({
          message_id: d.message_id,
          session_id: d.session_id,
          session_title: d.session_title,
          role: d.role,
          ...parseSnippet(d.snippet),
          created_at: iso(d.created_at),
          rank,
        });
      }
      return { items, next_cursor: more ? encodeCursor('q', [offset + limit]) : null };
    })();
  };
}
