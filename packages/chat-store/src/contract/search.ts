/** Search: the contract, its constants, and the page and snippet builders both back ends share. */
import type { MessageRole, Page, SearchHit } from '@chat-studio/protocol';
import { encodeCursor } from '../cursor/index.js';
import { buildSnippet, parseSnippet, type RankedRow, type RankTerm, type WindowRow } from '../search/index.js';
import { iso } from './mappers.js';

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
export function searchPage(
  rows: readonly HitRow[],
  page: { take: number; offset: number; window: number; from: number; to: number },
): Page<SearchHit> {
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
 * The page in ranked order, each row with its rank and a snippet built from the window's text of it. Rows deleted
 * since the window was read are left out.
 */
export function pageOf<R extends { seq: number }>(
  rows: readonly R[],
  window: readonly WindowRow[],
  terms: readonly RankTerm[],
  ranked: readonly RankedRow[],
): (Omit<R, 'seq'> & { snippet: string; rank: number })[] {
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  const text = new Map(window.map((r) => [r.seq, r.content]));
  return ranked.flatMap((r) => {
    const row = bySeq.get(r.seq);
    if (!row) return [];
    const { seq: _seq, ...rest } = row;
    return [{ ...rest, snippet: buildSnippet(text.get(r.seq) ?? '', terms, SNIPPET_TOKENS), rank: r.rank }];
  });
}
