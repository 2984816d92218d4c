/** Full-text search over a user's messages: BM25-ranked within a window of the newest matches, safe for any input text. */
import {
  DEFAULT_SEARCH_WINDOW,
  type HitRow,
  type SearchFunction,
  type SearchOptions,
  pageOf,
  searchPage,
} from '../../contract/search.js';
import type { Page, SearchHit } from '@chat-studio/protocol';
import { decodeCursor } from '../../cursor/index.js';
import type { SqlRunner } from '../connection/index.js';
import {
  buildMatchExpression,
  DOC_FREQUENCY_SAMPLE,
  estimateDocFrequency,
  foldText,
  inverseDocFrequency,
  prefixMatch,
  type PrefixExpansion,
  rankTerms,
  rankWindow,
  type RankedRow,
  type RankTerm,
  type TermSample,
  termChecker,
  tokenizeQuery,
  type WindowRow,
} from '../../search/index.js';
import { prefixTerms } from '../fts5-prefix/index.js';
import type { RepositoryContext } from './repository-context.js';
import { pageLimit } from '../../contract/paging.js';

const NEWEST_SEQ = 'SELECT coalesce(max(seq), 0) FROM chat_messages';

// Every statement starts from the full-text index, whatever the planner statistics say: SQLite never reorders the
// tables of a CROSS JOIN. With a plain JOIN on a database that was never analyzed, the planner walked every message
// of the user and probed the index per row (hundreds of milliseconds for a few thousand hits); from the index the
// cost follows the matches read.

/**
 * The window: the user's newest `@window` matches within `[@from, @to]`, with their text for ranking. Walking the
 * index in rowid order computes no scores, so this stays cheap even for a word that is in every message.
 */
const WINDOW_ROWS = windowStatement('DESC', true);

/**
 * The same window read oldest first, for queries whose words are rarely all in one message: FTS5 walks doclists
 * backwards at about 1.5 times the cost of walking them forwards, and such a query walks them to their ends anyway.
 * One row more than the window says whether all matches fit in it.
 */
const WINDOW_ROWS_ASCENDING = windowStatement('ASC', true);

/**
 * The two windows when every chat in the database is the searching user's (a single-user server, `AUTH=off`): each
 * match then needs no look-up of its chat's owner. That look-up is two b-tree descents per match (the chat's id
 * index, then its row), up to 1,000 per search, and after any write, when a WAL reader starts with an empty page
 * cache, it reads a few hundred pages back in.
 */
const SOLE_USER_WINDOW_ROWS = windowStatement('DESC', false);
const SOLE_USER_WINDOW_ROWS_ASCENDING = windowStatement('ASC', false);

/** Whether another user has a chat: two seeks in the chats' user index, read in the search's own transaction. */
const OTHER_USERS = `
  SELECT EXISTS (SELECT 1 FROM chat_sessions WHERE user_id < @user)
    OR EXISTS (SELECT 1 FROM chat_sessions WHERE user_id > @user)`;

/** A window statement, newest (`DESC`) or oldest (`ASC`) first, checking each match's owner or not. */
function windowStatement(order: 'ASC' | 'DESC', checkOwner: boolean): string {
  return `
  SELECT f.rowid AS seq, m.content
  FROM messages_fts f CROSS JOIN chat_messages m${checkOwner ? ' CROSS JOIN chat_sessions s' : ''}
  WHERE messages_fts MATCH @match AND f.rowid BETWEEN @from AND @to
    AND m.seq = f.rowid${checkOwner ? ' AND s.id = m.session_id AND s.user_id = @user' : ''}
  ORDER BY f.rowid ${order}
  LIMIT @window${order === 'ASC' ? ' + 1' : ''}`;
}

/** A term's newest matches in the whole index (every user), for its document frequency: reads at most the sample. */
const TERM_SAMPLE = `
  SELECT count(*) AS count, min(rowid) AS oldest
  FROM (SELECT rowid FROM messages_fts WHERE messages_fts MATCH @term ORDER BY rowid DESC LIMIT ${DOC_FREQUENCY_SAMPLE})`;

/** The page's rows, looked up by rowid in the order of the list (snippets are built from the window's text). */
const PAGE_ROWS = `
  SELECT m.seq, m.id AS message_id, m.session_id, s.title AS session_title, m.role, m.created_at
  FROM json_each(@seqs) j CROSS JOIN chat_messages m CROSS JOIN chat_sessions s
  WHERE m.seq = j.value AND s.id = m.session_id AND s.user_id = @user`;

/** The statements search runs, for plan checks (`EXPLAIN QUERY PLAN`). */
export const SEARCH_STATEMENTS = {
  WINDOW_ROWS,
  WINDOW_ROWS_ASCENDING,
  SOLE_USER_WINDOW_ROWS,
  SOLE_USER_WINDOW_ROWS_ASCENDING,
  OTHER_USERS,
  TERM_SAMPLE,
  PAGE_ROWS,
} as const;

/** The window statements a search uses: with the owner check, or without it when the user is the only one. */
interface WindowStatements {
  descending: string;
  ascending: string;
}

/** The window statements for `user`, decided in the search's read transaction (a chat created later is not seen). */
function windowStatements(sql: SqlRunner, user: string): WindowStatements {
  const others = sql.statement(OTHER_USERS).pluck().get({ user }) as number;
  return others
    ? { descending: WINDOW_ROWS, ascending: WINDOW_ROWS_ASCENDING }
    : { descending: SOLE_USER_WINDOW_ROWS, ascending: SOLE_USER_WINDOW_ROWS_ASCENDING };
}

/** The window a search ranks: its rows, and its ends for the cursor. */
interface SearchWindow {
  rows: WindowRow[];
  from: number;
  to: number;
}

/** MATCH expression of a single ranking term. */
function termMatch(term: RankTerm): string {
  return `"${term.folded.replaceAll('"', '""')}"${term.prefix ? '*' : ''}`;
}

/**
 * Runs one search synchronously on `sql` (the store's connection, or a read-only one in a worker of the read pool),
 * in one read transaction so that every statement sees the same snapshot.
 *
 * Ranks by BM25 among the newest `window` matches of the user's messages (all of them when there are fewer): recent
 * conversations are what a chat search is usually after, and it bounds the cost of common words. The cursor pins the
 * window (both ends), so later pages rank the same rows as the first.
 */
export function searchSync(
  sql: SqlRunner,
  window: number,
  userId: string,
  query: string,
  options: SearchOptions = {},
): Page<SearchHit> {
  sql.assertOpen();
  const limit = pageLimit(options.limit, 20, 100);
  let offset = 0;
  let pinned: [number, number] | undefined;
  if (options.cursor !== undefined) {
    const [o, from, to] = decodeCursor(options.cursor, 'q', ['number', 'number', 'number'] as const);
    offset = o;
    pinned = [from, to];
  }
  if (offset >= window) return { items: [], next_cursor: null };
  return sql.raw.transaction(() => {
    const expansions = new Map<string, string[] | undefined>();
    const expand = (prefix: string) => {
      if (!expansions.has(prefix)) expansions.set(prefix, expandPrefix(sql, prefix));
      return expansions.get(prefix);
    };
    const match = buildMatchExpression(query, expand);
    if (match === undefined) return { items: [], next_cursor: null };
    const terms = rankTerms(query);
    // Messages added after the first page must not shift later pages, so the window has an upper end too.
    const to = pinned?.[1] ?? (sql.statement(NEWEST_SEQ).pluck().get() as number);
    const samples = termSamples(sql, terms);
    const narrowed = narrowQuery(query, terms, samples, to, window, expand, (term) => termSample(sql, term));
    const range: WindowRange = { user: userId, window, pinned, to, statements: windowStatements(sql, userId) };
    const found =
      (narrowed && narrowWindowRows(sql, range, narrowed)) ??
      windowRows(sql, range, match, pinned === undefined && isSparse(samples, to, window));
    const idf = termWeights(samples, to);
    const take = Math.min(limit, window - offset);
    const ranked = rankWindow(found.rows, terms, idf).slice(offset, offset + take + 1);
    return searchPage(pageHits(sql, userId, found.rows, terms, ranked), {
      take,
      offset,
      window,
      from: found.from,
      to: found.to,
    });
  })();
}

/** A query word (letters and digits only) in ASCII. */
const ASCII_WORD = /^[A-Za-z0-9]+$/;

/**
 * The index's words that start with the query's last word, so that FTS5 reads them lazily rather than merging
 * every doclist of the prefix first. Only ASCII prefixes: their folding (lower case) is certain, whereas the
 * tokenizer's diacritic folding of other scripts is left to FTS5's own prefix query.
 */
function expandPrefix(sql: SqlRunner, prefix: string): string[] | undefined {
  return ASCII_WORD.test(prefix) ? prefixTerms(sql, prefix.toLowerCase()) : undefined;
}

/** Where a search's window lies: the user, its size, its ends (pinned by a cursor) and the statements reading it. */
interface WindowRange {
  user: string;
  window: number;
  pinned: [number, number] | undefined;
  to: number;
  statements: WindowStatements;
}

function windowRows(sql: SqlRunner, range: WindowRange, match: string, sparse: boolean): SearchWindow {
  const { user, window, pinned, to, statements } = range;
  const params = { match, user, from: pinned?.[0] ?? 0, to, window };
  if (sparse) {
    const oldestFirst = sql.all<WindowRow>(statements.ascending, params);
    // Every match fits in the window; otherwise the estimate was wrong and the newest ones are read after all.
    if (oldestFirst.length <= window) return { rows: oldestFirst.reverse(), from: 0, to };
  }
  const rows = sql.all<WindowRow>(statements.descending, params);
  const from = pinned?.[0] ?? (rows.length >= window ? rows[rows.length - 1]!.seq : 0);
  return { rows, from, to };
}

/** How much the estimate of {@link expectedMatches} may fall short (words of one message are not independent). */
const SPARSE_FACTOR = 8;

function isSparse(samples: readonly (TermSample | undefined)[], newest: number, window: number): boolean {
  return expectedMatches(samples, newest) * SPARSE_FACTOR < window;
}

/**
 * A word in at least this share of all messages is left out of the MATCH expression of a query whose other words
 * are rare together, and checked in the candidates' text instead: FTS5 joins words by seeking in every word's
 * doclist, so `to` and `a` (in half of a million messages) cost more than the rest of "how to write a good prompt".
 */
export const COMMON_WORD_SHARE = 0.2;

/** Most candidates a narrowed query reads; past this the full MATCH expression is used after all. */
export const NARROW_CANDIDATES = 4000;

/** A query without its common words, and the checks that stand for them. */
interface NarrowedQuery {
  match: string;
  checks: ((text: string) => boolean)[];
}

/**
 * The query without its common words (sampled, whole, ASCII words in {@link COMMON_WORD_SHARE} or more of the
 * messages), when the words left are expected to match few enough messages to read them all; else `undefined`.
 * `samplePrefix` samples the last word when it is a prefix (the OR of the index words it stands for), so that a
 * common one (`prompt` in "how to write a good prompt", in 43% of the messages) is left out too; its ranking weight
 * stays the mean of the others' (see `termWeights`), so this changes what is read, never the result.
 */
export function narrowQuery(
  query: string,
  terms: readonly RankTerm[],
  samples: readonly (TermSample | undefined)[],
  newest: number,
  window: number,
  expand: PrefixExpansion,
  samplePrefix?: (match: string) => TermSample,
): NarrowedQuery | undefined {
  if (samples.length === 0) return undefined;
  const total = Math.max(1, newest);
  const share = (sample: TermSample | undefined) => (sample ? estimateDocFrequency(sample, newest, total) / total : 1);
  const shares = samples.map(share);
  let prefixSampled = false;
  const isCommon = (t: RankTerm, i: number) =>
    (!t.prefix || prefixSampled) && ASCII_WORD.test(t.folded) && shares[i]! >= COMMON_WORD_SHARE;
  if (!terms.some(isCommon)) return undefined;
  const last = terms.length - 1;
  if (samplePrefix && terms[last]!.prefix && samples[last] === undefined && ASCII_WORD.test(terms[last]!.folded)) {
    // Only an expanded prefix is sampled: FTS5's own `"prefix"*` merges every doclist of the prefix first.
    const words = expand(tokenizeQuery(query).at(-1)!);
    if (words !== undefined) {
      shares[last] = share(samplePrefix(prefixMatch(terms[last]!.folded, () => words)));
      prefixSampled = true;
    }
  }
  const common = terms.filter(isCommon);
  if (common.length === terms.length) return undefined;
  const kept = shares.reduce((n, s, i) => (common.includes(terms[i]!) ? n : n * s), total);
  if (kept * SPARSE_FACTOR > Math.max(window, NARROW_CANDIDATES)) return undefined;
  const left = new Set(common.filter((t) => !t.prefix).map((t) => t.folded));
  const match = buildMatchExpression(
    query,
    expand,
    (token) => left.has(foldText(token)),
    common.some((t) => t.prefix),
  );
  return match === undefined ? undefined : { match, checks: common.map(termChecker) };
}

/**
 * The window of a narrowed query: every candidate in range, oldest first, kept when it holds the left-out words;
 * the newest `window` of those. `undefined` when there are more than {@link NARROW_CANDIDATES} candidates.
 */
function narrowWindowRows(sql: SqlRunner, range: WindowRange, narrowed: NarrowedQuery): SearchWindow | undefined {
  const { user, window, pinned, to, statements } = range;
  const params = { match: narrowed.match, user, from: pinned?.[0] ?? 0, to, window: NARROW_CANDIDATES };
  const candidates = sql.all<WindowRow>(statements.ascending, params);
  if (candidates.length > NARROW_CANDIDATES) return undefined;
  const matches = candidates.filter((row) => narrowed.checks.every((check) => check(row.content)));
  const rows = matches.slice(-window).reverse();
  const from = pinned?.[0] ?? (matches.length >= window ? rows[rows.length - 1]!.seq : 0);
  return { rows, from, to };
}

/** The sample of newest matches of one MATCH expression (a term, or the OR of a prefix's words). */
function termSample(sql: SqlRunner, term: string): TermSample {
  return sql.get<TermSample>(TERM_SAMPLE, { term }) ?? { count: 0, oldest: null };
}

/**
 * Each term's sample of newest matches (`undefined` for a prefix term: reading a prefix's newest matches merges the
 * doclists of every word it starts); none for a single term, which needs neither weights nor an estimate.
 */
export function termSamples(sql: SqlRunner, terms: readonly RankTerm[]): (TermSample | undefined)[] {
  if (terms.length < 2) return [];
  return terms.map((term) => (term.prefix ? undefined : termSample(sql, termMatch(term))));
}

/**
 * Messages expected to hold every term if the terms were independent: the index size times each term's share. An
 * unsampled term counts as in every message, and a single term as unknown (infinite).
 */
function expectedMatches(samples: readonly (TermSample | undefined)[], newest: number): number {
  if (samples.length === 0) return Number.POSITIVE_INFINITY;
  const total = Math.max(1, newest);
  return samples.reduce((n, sample) => (sample ? (n * estimateDocFrequency(sample, newest, total)) / total : n), total);
}

/**
 * Each term's weight: one term needs none; several are weighed by how rare each is in the whole index. A prefix term
 * (the word still being typed) is not sampled, so it gets the mean weight of the others.
 */
function termWeights(samples: readonly (TermSample | undefined)[], newest: number): number[] {
  if (samples.length === 0) return [1];
  const total = Math.max(1, newest);
  const weights = samples.map((sample) =>
    sample ? inverseDocFrequency(estimateDocFrequency(sample, newest, total), total) : undefined,
  );
  const known = weights.filter((w): w is number => w !== undefined);
  const mean = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  return weights.map((w) => w ?? mean);
}

type PageRow = Omit<HitRow, 'snippet' | 'rank'> & { seq: number };

function pageHits(
  sql: SqlRunner,
  user: string,
  window: readonly WindowRow[],
  terms: readonly RankTerm[],
  ranked: readonly RankedRow[],
): HitRow[] {
  if (ranked.length === 0) return [];
  const rows = sql.all<PageRow>(PAGE_ROWS, { user, seqs: JSON.stringify(ranked.map((r) => r.seq)) });
  return pageOf(rows, window, terms, ranked);
}

/** Where a store's searches run: `inline` on the store's connection, or off the event loop in the read pool. */
export type SearchRunner = (userId: string, query: string, options: SearchOptions) => Promise<Page<SearchHit>>;

/** The store's `search`: in the read pool when there is one, else on the store's own connection. */
export function createSearch(
  ctx: RepositoryContext,
  window = DEFAULT_SEARCH_WINDOW,
  offThread?: SearchRunner,
): SearchFunction {
  return async (userId, query, options = {}) => {
    if (offThread) return offThread(userId, query, options);
    return searchSync(ctx.sql, window, userId, query, options);
  };
}
