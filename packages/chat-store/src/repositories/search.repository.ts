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

/** Default of `ChatStoreOptions.searchWindow`: how many of the newest matches are ranked by bm25. */
export const DEFAULT_SEARCH_WINDOW = 1000;

/**
 * Where the window of the newest `n` matches starts. Walking the index in rowid order computes no scores, so this
 * stays cheap even for a word that is in every message; without it bm25 would score every match (100k rows for
 * "the" in a large history) to return 20.
 */
const WINDOW_START = `
  SELECT f.rowid
  FROM messages_fts f
  JOIN chat_messages m ON m.seq = f.rowid
  JOIN chat_sessions s ON s.id = m.session_id
  WHERE messages_fts MATCH @match AND s.user_id = @user
  ORDER BY f.rowid DESC
  LIMIT 1 OFFSET @skip`;

const NEWEST_SEQ = 'SELECT max(seq) FROM chat_messages';

// One statement, so SQLite builds snippets only for the rows that survive ORDER BY ... LIMIT.
const RANKED_HITS = `
  SELECT m.id AS message_id, m.session_id, s.title AS session_title, m.role, m.created_at,
    snippet(messages_fts, 0, '${HIGHLIGHT_OPEN}', '${HIGHLIGHT_CLOSE}', '…', ${SNIPPET_TOKENS}) AS snippet,
    bm25(messages_fts) AS rank
  FROM messages_fts f
  JOIN chat_messages m ON m.seq = f.rowid
  JOIN chat_sessions s ON s.id = m.session_id
  WHERE messages_fts MATCH @match AND s.user_id = @user AND f.rowid BETWEEN @from AND @to
  ORDER BY rank, f.rowid DESC
  LIMIT @limit OFFSET @offset`;

/** A ranked hit as either back end's SQL returns it; `snippet` carries the highlight markers of `parseSnippet`. */
export interface HitRow {
  message_id: string;
  session_id: string;
  session_title: string;
  role: MessageRole;
  created_at: number;
  snippet: string;
  rank: number;
}

/**
 * One page of search hits from `take + 1` ranked rows at `offset` of the window `[from, to]`: the extra row says
 * whether there is a next page, which the cursor reaches with the same window.
 */
export function searchPage(rows: readonly HitRow[], page: { take: number; offset: number; window: number; from: number; to: number }): Page<SearchHit> {
  const { take, offset, window, from, to } = page;
  const more = rows.length > take && offset + take < window;
  const items: SearchHit[] = rows.slice(0, take).map((r) => ({
    message_id: r.message_id,
    session_id: r.session_id,
    session_title: r.session_title,
    role: r.role,
    ...parseSnippet(r.snippet),
    created_at: iso(r.created_at),
    rank: r.rank,
  }));
  return { items, next_cursor: more ? encodeCursor('q', [offset + take, from, to]) : null };
}

/**
 * Search ranks by bm25 among the newest `window` matches of the user's messages (all of them when there are
 * fewer): recent conversations are what a chat search is usually after, and it bounds the cost of common words.
 * The cursor pins the window (both ends), so later pages rank the same rows as the first.
 */
export function createSearch(ctx: RepositoryContext, window = DEFAULT_SEARCH_WINDOW): SearchFunction {
  const { sql } = ctx;
  return async (userId, query, options = {}) => {
    const limit = pageLimit(options.limit, 20, 100);
    const match = buildMatchExpression(query);
    let offset = 0;
    let from = 0;
    let to: number;
    if (options.cursor !== undefined) {
      [offset, from, to] = decodeCursor(options.cursor, 'q', ['number', 'number', 'number'] as const);
    } else {
      // Messages added after the first page must not shift later pages, so the window has an upper end too.
      to = sql.statement(NEWEST_SEQ).pluck().get() as number | null ?? 0;
      if (match !== undefined) from = (sql.statement(WINDOW_START).pluck().get({ match, user: userId, skip: window - 1 }) as number | undefined) ?? 0;
    }
    if (match === undefined || offset >= window) return { items: [], next_cursor: null };
    const take = Math.min(limit, window - offset);
    const rows = sql.all<HitRow>(RANKED_HITS, { match, user: userId, from, to, limit: take + 1, offset });
    return searchPage(rows, { take, offset, window, from, to });
  };
}
