/** Full-text search over a user's messages on PostgreSQL: ts_rank_cd-ranked, safe for any input text. */
import { sql } from 'kysely';
import { decodeCursor } from '../../cursor/index.js';
import { pageLimit } from '../../repositories/repository-context.js';
import { DEFAULT_SEARCH_WINDOW, searchPage, SNIPPET_TOKENS, type HitRow, type SearchFunction } from '../../repositories/search.repository.js';
import { HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN } from '../../search/index.js';
import { buildTsQuery } from '../ts-query.js';
import type { PostgresContext } from './postgres-context.js';

// Private-use markers, stripped again by parseSnippet into plain text plus ranges, exactly as on SQLite.
const HEADLINE_OPTIONS = `StartSel=${HIGHLIGHT_OPEN}, StopSel=${HIGHLIGHT_CLOSE}, MaxWords=${SNIPPET_TOKENS}, MinWords=${Math.floor(SNIPPET_TOKENS / 2)}, ShortWord=0`;

/** The shared row, with what PostgreSQL reports instead of SQLite's ellipses: whether the headline is the message's start or end. */
type PostgresHitRow = HitRow & { at_start: boolean; at_end: boolean };

/**
 * Search ranks by ts_rank_cd among the newest `window` matches of the user's messages (all of them when there are
 * fewer), and the cursor pins both ends of that window, as the SQLite store does. `rank` is the negated score, so
 * lower is better on both back ends.
 */
export function createPostgresSearch(ctx: PostgresContext, window = DEFAULT_SEARCH_WINDOW): SearchFunction {
  const { db } = ctx;
  return async (userId, query, options = {}) => {
    const limit = pageLimit(options.limit, 20, 100);
    const text = buildTsQuery(query);
    let offset = 0;
    let bounds: { from: number; to: number } | undefined;
    if (options.cursor !== undefined) {
      const [cursorOffset, from, to] = decodeCursor(options.cursor, 'q', ['number', 'number', 'number'] as const);
      offset = cursorOffset;
      bounds = { from, to };
    }
    if (text === undefined || offset >= window) return { items: [], next_cursor: null };
    const take = Math.min(limit, window - offset);
    // One statement and one index scan per page. The first page takes the user's newest `window` matches, ranks
    // them, and reports the window's ends (up to the newest message, so messages added later never shift later
    // pages); later pages rank the same window again from the cursor's ends.
    // The query is written out where it is used (no CTE): as a constant the planner estimates how many messages match
    // and, for a common word, walks the newest messages backwards instead of collecting every match from the index.
    const tsquery = sql`to_tsquery('chat_search', ${text})`;
    const matches = bounds
      ? sql`SELECT m.seq, m.id, m.session_id, s.title, m.role, m.created_at, m.content, m.content_tsv
          FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
          WHERE m.content_tsv @@ ${tsquery} AND s.user_id = ${userId} AND m.seq BETWEEN ${bounds.from} AND ${bounds.to}`
      : sql`SELECT m.seq, m.id, m.session_id, s.title, m.role, m.created_at, m.content, m.content_tsv
          FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
          WHERE m.content_tsv @@ ${tsquery} AND s.user_id = ${userId}
          ORDER BY m.seq DESC LIMIT ${window}`;
    const { rows } = await sql<PostgresHitRow & { window_from: number; window_to: number }>`
      WITH newest_seq AS (SELECT coalesce(max(seq), 0) AS top FROM chat_messages),
      matches AS MATERIALIZED (${matches}),
      hits AS (
        SELECT matches.*, ts_rank_cd(matches.content_tsv, ${tsquery}) AS score FROM matches
        ORDER BY score DESC, seq DESC
        LIMIT ${take + 1} OFFSET ${offset}
      ),
      -- Headlines are built only for the rows of this page, after ranking and LIMIT.
      marked AS (
        SELECT hits.*, ts_headline('chat_search', hits.content, ${tsquery}, ${HEADLINE_OPTIONS}) AS headline FROM hits
      ),
      plain AS (
        SELECT marked.*, translate(headline, ${HIGHLIGHT_OPEN + HIGHLIGHT_CLOSE}, '') AS text FROM marked
      )
      SELECT id AS message_id, session_id, title AS session_title, role, created_at, headline AS snippet,
        starts_with(content, text) AS at_start, right(content, length(text)) = text AS at_end, -score AS rank,
        (SELECT CASE WHEN count(*) < ${window} THEN 0 ELSE min(seq) END FROM matches) AS window_from,
        (SELECT top FROM newest_seq) AS window_to
      FROM plain
      ORDER BY score DESC, seq DESC`.execute(db);
    const from = bounds?.from ?? Number(rows[0]?.window_from ?? 0);
    const to = bounds?.to ?? Number(rows[0]?.window_to ?? 0);
    // An excerpt from the middle of a long message says so, like SQLite's snippet().
    const marked = rows.map((r) => ({ ...r, snippet: `${r.at_start ? '' : '…'}${r.snippet}${r.at_end ? '' : '…'}` }));
    return searchPage(marked, { take, offset, window, from, to });
  };
}
