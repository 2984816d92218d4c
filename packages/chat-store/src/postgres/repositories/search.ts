/**
 * Full-text search over a user's messages on PostgreSQL: the same window, BM25 ranking and snippets as on SQLite
 * (shared JavaScript), with plans that do not depend on the planner's statistics.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { PostgresChatDatabase } from '../postgres-database.js';
import { decodeCursor } from '../../cursor/index.js';
import { pageLimit } from '../../repositories/repository-context.js';
import {
  DEFAULT_SEARCH_WINDOW,
  pageOf,
  searchPage,
  type HitRow,
  type SearchFunction,
} from '../../repositories/search.repository.js';
import { inverseDocFrequency, rankTerms, rankWindow, type RankTerm, type WindowRow } from '../../search/index.js';
import { buildTsQuery } from '../ts-query.js';
import type { PostgresContext } from './postgres-context.js';

/** How many of the newest messages the probe reads to see how common the query and each of its words are. */
export const PROBE_ROWS = 512;

/**
 * Walk the newest messages backwards (instead of collecting every match from the GIN index) when the probe says
 * the window fills within this many times its size.
 */
const WALK_FACTOR = 20;

export interface Probe {
  top: number;
  /** Matches of the whole query among the newest PROBE_ROWS messages (of every user). */
  matches: number;
  /** Rows read (fewer than PROBE_ROWS in a small table). */
  rows: number;
  /** Matches of each term among them. */
  terms: number[];
}

const tsquery = (text: string) => sql`to_tsquery('chat_search', ${text})`;

/** A term as a tsquery text: quoted, with `:*` for a prefix, as `buildTsQuery` writes it. */
function termQuery(term: RankTerm): string {
  return `'${term.folded}'${term.prefix ? ':*' : ''}`;
}

/** The planner settings (`enable_*`) that leave only the chosen window plan; see `usePlan`. */
function planSettings(walk: RawBuilder<boolean>) {
  const flag = (name: string, on: RawBuilder<boolean>) =>
    sql`set_config(${name}, CASE WHEN ${on} THEN 'on' ELSE 'off' END, true)`;
  return sql.join([
    sql`set_config('enable_seqscan', 'off', true)`,
    flag('enable_bitmapscan', sql`NOT ${walk}`),
    flag('enable_sort', sql`NOT ${walk}`),
    flag('enable_indexscan', walk),
    flag('enable_indexonlyscan', walk),
  ]);
}

/**
 * One statement: the newest rowid, how many of the newest PROBE_ROWS messages match the query and each term, and
 * (for the rest of the transaction) the planner settings of the window plan this implies. Run it after
 * `usePlan(trx, true)`: a table that was never analyzed would otherwise be scanned whole for the range.
 */
export async function probe(
  db: Kysely<PostgresChatDatabase>,
  text: string,
  terms: readonly RankTerm[],
): Promise<Probe> {
  const counts = terms.map((t) => sql`count(*) FILTER (WHERE ts_match_vq(r.content_tsv, ${tsquery(termQuery(t))}))`);
  const matches = sql`count(*) FILTER (WHERE ts_match_vq(r.content_tsv, ${tsquery(text)}))`;
  const { rows } = await sql<{ top: string | number; matches: string; rows: string; terms: string[] | null }>`
    WITH top AS (SELECT coalesce(max(seq), 0) AS top FROM chat_messages),
    probe AS (
      SELECT ${matches} AS matches, count(*) AS rows, ARRAY[${counts.length > 0 ? sql.join(counts) : sql`NULL::bigint`}] AS terms
      FROM chat_messages r WHERE r.seq > (SELECT top FROM top) - ${PROBE_ROWS}
    )
    SELECT (SELECT top FROM top) AS top, probe.*, ${planSettings(sql<boolean>`probe.matches > 0 AND probe.matches * ${WALK_FACTOR} >= probe.rows`)}
    FROM probe`.execute(db);
  const row = rows[0]!;
  return {
    top: Number(row.top),
    matches: Number(row.matches),
    rows: Number(row.rows),
    terms: (row.terms ?? []).map(Number),
  };
}

/**
 * The statement of the user's newest `window` matches within `[from, to]`, with their text. Which plan is chosen by the probe, not
 * by the planner: a common query walks the primary key backwards (`ts_match_vq` cannot use the GIN index) and stops
 * after `window` matches; a rare one collects its matches from the GIN index (`seq + 0` cannot follow the primary key).
 * The owner is checked per row by a subquery, not a join, so no plan can start from the user's chats and read all
 * their messages (what the planner chose after an import, with no statistics).
 */
export function windowQuery(
  user: string,
  text: string,
  range: { from: number; to: number },
  window: number,
  walk: boolean,
) {
  const q = tsquery(text);
  const filter: RawBuilder<unknown> = walk
    ? sql`ts_match_vq(m.content_tsv, ${q}) AND m.seq BETWEEN ${range.from} AND ${range.to}`
    : sql`m.content_tsv @@ ${q} AND m.seq + 0 BETWEEN ${range.from} AND ${range.to}`;
  const order: RawBuilder<unknown> = walk ? sql`m.seq DESC` : sql`m.seq + 0 DESC`;
  return sql<{ seq: string | number; content: string }>`
    SELECT m.seq, m.content FROM chat_messages m
    WHERE ${filter} AND (SELECT s.user_id FROM chat_sessions s WHERE s.id = m.session_id) = ${user}
    ORDER BY ${order} LIMIT ${window}`;
}

/**
 * Restricts the planner, for the rest of the transaction, to the window plan (the probe does the same in its own
 * statement): for a walk (and the
 * probe), the primary key backwards (no sequential or bitmap scan, no sort); otherwise the GIN index (no sequential
 * or plain index scan). Without this, a table that was never analyzed looks tiny and the planner reads all of it.
 */
export async function usePlan(trx: Kysely<PostgresChatDatabase>, walk: boolean): Promise<void> {
  await sql`SELECT ${planSettings(walk ? sql<boolean>`true` : sql<boolean>`false`)}`.execute(trx);
}

/** Whether the probe says to walk the primary key: the window fills within WALK_FACTOR times its size. */
export function shouldWalk(p: Pick<Probe, 'matches' | 'rows'>): boolean {
  return p.matches > 0 && p.matches * WALK_FACTOR >= p.rows;
}

async function windowRows(
  trx: Kysely<PostgresChatDatabase>,
  user: string,
  text: string,
  range: { from: number; to: number },
  window: number,
  walk: boolean,
): Promise<WindowRow[]> {
  const { rows } = await windowQuery(user, text, range, window, walk).execute(trx);
  return rows.map((r) => ({ seq: Number(r.seq), content: r.content }));
}

/** Term weights from the probe: a term's share of the newest messages stands for its share of all of them. */
function termWeights(terms: readonly RankTerm[], p: Probe): number[] {
  if (terms.length < 2 || p.rows === 0) return terms.map(() => 1);
  const total = Math.max(1, p.top);
  // A term the probe did not see is rarer than one in PROBE_ROWS rows: count it as half of one.
  return p.terms.map((n) => inverseDocFrequency((Math.max(0.5, n) / p.rows) * total, total));
}

type PageRow = Omit<HitRow, 'snippet' | 'rank'> & { seq: number };

async function pageRows(db: Kysely<PostgresChatDatabase>, user: string, seqs: readonly number[]): Promise<PageRow[]> {
  if (seqs.length === 0) return [];
  const { rows } = await sql<
    Omit<PageRow, 'seq' | 'created_at'> & { seq: string | number; created_at: string | number }
  >`
    SELECT m.seq, m.id AS message_id, m.session_id, s.title AS session_title, m.role, m.created_at
    FROM chat_messages m JOIN chat_sessions s ON s.id = m.session_id
    WHERE m.seq = ANY(${[...seqs]}::bigint[]) AND s.user_id = ${user}`.execute(db);
  return rows.map((r) => ({ ...r, seq: Number(r.seq), created_at: Number(r.created_at) }));
}

/**
 * Search ranks by BM25 among the newest `window` matches of the user's messages (all of them when there are fewer),
 * and the cursor pins both ends of that window, exactly as the SQLite store does. `rank` is the negated score, so
 * lower is better on both back ends.
 */
export function createPostgresSearch(ctx: PostgresContext, window = DEFAULT_SEARCH_WINDOW): SearchFunction {
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
    // One transaction: one snapshot for every statement, and planner settings that end with it.
    return ctx.db.transaction().execute(async (trx) => {
      // The probe reads the newest rows by primary key; it then sets the planner settings of the window plan it
      // chooses (the same rule as shouldWalk).
      await usePlan(trx, true);
      const p = await probe(trx, text, terms);
      const walk = shouldWalk(p);
      // Messages added after the first page must not shift later pages, so the window has an upper end too.
      const range = pinned ?? { from: 0, to: p.top };
      const rows = await windowRows(trx, userId, text, range, window, walk);
      const from = pinned?.from ?? (rows.length >= window ? rows[rows.length - 1]!.seq : 0);
      const ranked = rankWindow(rows, terms, termWeights(terms, p)).slice(offset, offset + take + 1);
      const page = pageOf(
        await pageRows(
          trx,
          userId,
          ranked.map((r) => r.seq),
        ),
        rows,
        terms,
        ranked,
      );
      return searchPage(page, { take, offset, window, from, to: range.to });
    });
  };
}
