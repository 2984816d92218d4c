/**
 * Full-text search over a user's messages on PostgreSQL: the same window, BM25 ranking and snippets as on SQLite,
 * with plans that do not depend on the planner's statistics, in one statement that ranks in the database and
 * returns only the page's rows (their snippets are built here, as on SQLite).
 */
import { availableParallelism } from 'node:os';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { decodeCursor } from '../../cursor/index.js';
import { pageLimit } from '../../contract/paging.js';
import {
  DEFAULT_SEARCH_WINDOW,
  SNIPPET_TOKENS,
  searchPage,
  type HitRow,
  type SearchFunction,
} from '../../contract/search.js';
import {
  buildSnippet,
  MIN_PREFIX_LENGTH,
  postgresTermPatterns,
  rankTerms,
  tokenizeQuery,
  type RankTerm,
} from '../../search/index.js';
import { buildTsQuery } from '../ts-query.js';
import type { PostgresChatDatabase } from '../postgres-database.js';
import type { PostgresContext } from './postgres-context.js';

/** How many of the newest messages the probe reads to see how common the query and each of its words are. */
export const PROBE_ROWS = 256;

/**
 * How much a row read by walking the primary key costs, relative to a match fetched by the GIN index: the walk
 * evaluates the query on every row it reads. See the migration of `chat_search_window` for the rule. Measured on
 * bench:scale's 50,000 messages (best of 15, shared machine): `garlic` (in 15% of them) walked 12 ms, from the
 * index 109 ms; `comet` (10%) 33 ms and 67 ms; `orchestra violin` (1.4%) 72 ms and 17 ms.
 */
export const WALK_COST = 0.1;

/** A row of `chat_search_page`: one hit of the page, with the window's ends. */
interface PageRow {
  seq: string | number;
  content: string;
  message_id: string;
  session_id: string;
  session_title: string;
  role: HitRow['role'];
  created_at: string | number;
  rank: number;
  /** The newest rowid when the search ran: the window's upper end for later pages. */
  newest: string | number;
  /** The window's oldest rowid when it is full, else 0. */
  window_from: string | number;
}

const tsquery = (text: string) => sql`to_tsquery('chat_search', ${text})`;

/** A term as a tsquery text: quoted, with `:*` for a prefix, as `buildTsQuery` writes it. */
function termQuery(term: RankTerm): string {
  return `'${term.folded}'${term.prefix ? ':*' : ''}`;
}

/**
 * The one statement of a search: `chat_search_page` (migration 2026_12_24_120000, its GIN plan narrowed by
 * 2026_12_25_120000) probes the newest messages,
 * chooses the plan of the window from that (walk the primary key backwards for a common query, the GIN index for a
 * rare one), reads the user's newest `window` matches within `[from, to]` (`to` null: up to the newest message),
 * ranks them by BM25 as `rankWindow` does, and returns `limit` of them from `offset` in rank order, with their text
 * and what a hit shows. One statement, so one snapshot and one round trip, with no transaction around it; the
 * window never leaves the database.
 */
export function pageStatement(
  user: string,
  text: string,
  terms: readonly RankTerm[],
  range: { from: number; to: number | null },
  window: number,
  page: { offset: number; limit: number },
): RawBuilder<PageRow> {
  const termQueries = terms.map((t) => tsquery(termQuery(t)));
  const termArray = termQueries.length > 0 ? sql`ARRAY[${sql.join(termQueries)}]` : sql`ARRAY[]::tsquery[]`;
  const patterns = terms.map(postgresTermPatterns);
  return sql<PageRow>`
    SELECT * FROM chat_search_page(${user}, ${tsquery(text)}, ${termArray}, ${patterns.map((p) => p.ascii)}::text[], ${patterns.map((p) => p.other)}::text[],
      ${range.from}::bigint, ${range.to}::bigint, ${window}::integer, ${page.offset}::integer, ${page.limit}::integer,
      ${PROBE_ROWS}::integer, ${WALK_COST}::real)`;
}

/**
 * Searches of one store that run at once; the others wait their turn: 2, or 1 on a machine of 2 cores or fewer. The
 * window is ranked in the database (`chat_search_page`), so a search costs the event loop only its page, but each
 * running search keeps a database process busy, and a database on the same host shares its cores: with 2 at once
 * on 2 cores, the two database processes and the event loop contend for 2 cores, and `/health` waited behind them
 * (bench:scale, 50 searches in flight, quiet machine: `/health` p99 31.2 ms with 2 at once, 16.1 ms with 1, for
 * 165 and 127 searches/s).
 */
export const POSTGRES_SEARCH_CONCURRENCY = availableParallelism() > 2 ? 2 : 1;

/** Runs tasks at most `max` at a time, in the order they came. */
export function taskGate(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finished task hands its place straight to the next waiting one, so `running` counts places, not calls.
    if (running < max) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/**
 * What a search connection runs once when it opens: a word found in most chats (the plan that walks the newest
 * messages, counting a word in each row) and a word no chat has beside a prefix (the GIN plan, with a prefix's
 * partial match and pattern counts). On a new server process the first run of each costs several times the later
 * ones (the process touches the shared buffers, catalogs and regular expressions for the first time: 0.1–0.5 s for
 * the first phrase search on bench:scale's 50,000 messages), and would otherwise fall on a user's search.
 */
export const WARM_QUERIES = ['the', 'zqxjkv the'];

/**
 * A warm-up query that matches: the two longest words of `text` (the newest message), the last one as a prefix when
 * it is long enough. Such words are seldom common, so the search takes the GIN plan and ranks what it found, with a
 * prefix's pattern: what `WARM_QUERIES` leave cold, since a query that matches nothing returns before ranking. The
 * first search of that kind on a warmed connection cost 34 ms of database CPU without it, 17–18 ms with it (then
 * 9–10 ms; `orchestra violin` on bench:scale's 50,000 messages, shared machine). Undefined when `text` has no word
 * of `MIN_PREFIX_LENGTH` characters.
 */
export function matchingWarmQuery(text: string): string | undefined {
  const words = tokenizeQuery(text)
    .filter((w) => [...w].length >= MIN_PREFIX_LENGTH)
    .sort((a, b) => b.length - a.length);
  return words.length === 0 ? undefined : words.slice(0, 2).reverse().join(' ');
}

/**
 * Runs `WARM_QUERIES` on each of `connections` distinct connections of `db` at once (each holds its own until its
 * queries are done), as the newest message's owner, so that they run the plans a real search runs. Never throws: a
 * connection that cannot warm is warmed by its first search instead.
 */
export async function warmSearchConnections(
  db: Kysely<PostgresChatDatabase>,
  connections: number,
  window = DEFAULT_SEARCH_WINDOW,
): Promise<void> {
  const warmOne = () =>
    db.connection().execute(async (conn) => {
      const { rows } = await sql<{ user_id: string; content: string }>`
        SELECT s.user_id, m.content FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
        ORDER BY m.seq DESC LIMIT 1`.execute(conn);
      const newest = rows[0];
      if (newest === undefined) return;
      const user = newest.user_id;
      const matching = matchingWarmQuery(newest.content.slice(0, 2000));
      for (const query of matching === undefined ? WARM_QUERIES : [...WARM_QUERIES, matching]) {
        const text = buildTsQuery(query);
        if (text === undefined) continue;
        await pageStatement(user, text, rankTerms(query), { from: 0, to: null }, window, {
          offset: 0,
          limit: 21,
        }).execute(conn);
      }
    });
  await Promise.all(Array.from({ length: connections }, () => warmOne().catch(() => undefined)));
}

/**
 * Search ranks by BM25 among the newest `window` matches of the user's messages (all of them when there are fewer),
 * and the cursor pins both ends of that window, exactly as the SQLite store does. `rank` is the negated score, so
 * lower is better on both back ends.
 */
export function createPostgresSearch(
  ctx: PostgresContext,
  window = DEFAULT_SEARCH_WINDOW,
  concurrency = POSTGRES_SEARCH_CONCURRENCY,
): SearchFunction {
  const gate = taskGate(Math.max(1, Math.floor(concurrency)));
  const search = searchOnce(ctx, window);
  return (userId, query, options = {}) => gate(() => search(userId, query, options));
}

function searchOnce(ctx: PostgresContext, window: number): SearchFunction {
  return async (userId, query, options = {}) => {
    const limit = pageLimit(options.limit, 20, 100);
    const text = buildTsQuery(query);
    let offset = 0;
    let pinned: { from: number; to: number } | undefined;
    if (options.cursor !== undefined) {
      const [o, from, to] = decodeCursor(options.cursor, 'q', ['number', 'number', 'number'] as const);
      offset = o;
      pinned = { from, to };
    }
    if (text === undefined || offset >= window) return { items: [], next_cursor: null };
    const terms = rankTerms(query);
    const take = Math.min(limit, window - offset);
    // Messages added after the first page must not shift later pages, so the window has an upper end too: the
    // newest message when the search began, which the statement returns.
    const { rows } = await pageStatement(userId, text, terms, pinned ?? { from: 0, to: null }, window, {
      offset,
      limit: take + 1,
    }).execute(ctx.searchDb ?? ctx.db);
    const first = rows[0];
    const to = pinned?.to ?? Number(first?.newest ?? 0);
    const from = pinned?.from ?? Number(first?.window_from ?? 0);
    const hits: HitRow[] = rows.map((r) => ({
      message_id: r.message_id,
      session_id: r.session_id,
      session_title: r.session_title,
      role: r.role,
      created_at: Number(r.created_at),
      snippet: buildSnippet(r.content, terms, SNIPPET_TOKENS),
      rank: Number(r.rank),
    }));
    return searchPage(hits, { take, offset, window, from, to });
  };
}
