/**
 * The words of the SQLite full-text index that start with a prefix, found in the index's own b-tree.
 *
 * Why: FTS5 answers a prefix query (`"token"*`) by first merging the whole doclist of every word with that prefix
 * into one buffer, whatever the LIMIT: 90–140 ms at a million messages for a prefix of a word in half of them.
 * An OR of the same words (`("token" OR "tokens")`) is read lazily, newest first, and stops at the LIMIT. FTS5's
 * own vocabulary table (fts5vocab) cannot list the words cheaply either: it reads every doclist to count it.
 * The index's b-tree (`messages_fts_idx`) names the leaf page on which each page's first word starts; the words
 * that start on those pages are in each page's footer, so a few page reads list them all.
 */
import type { SqlRunner } from '../connection/index.js';
import { LeafFormatError, leafTermsWithPrefix } from './leaf-terms.js';

export { LeafFormatError, leafTerms, leafTermsWithPrefix, readVarint } from './leaf-terms.js';

/** Limits of one expansion; past them the caller lets FTS5 merge the prefix itself. */
export interface PrefixTermLimits {
  /** Most words returned. */
  maxTerms: number;
  /** Most leaf pages read per index segment. */
  maxPages: number;
}

/** Default limits: an OR of more words than this stops being cheaper than FTS5's merge. */
export const DEFAULT_PREFIX_TERM_LIMITS: PrefixTermLimits = { maxTerms: 64, maxPages: 16 };

// The index layout versions this reader knows (fts5_index.c: 4, and 5 with secure-delete); other versions fall back.
const KNOWN_VERSIONS = new Set([4, 5]);
// Leaf pages of segment s have rowids (s << 37) + page number (page numbers stay below 2^31).
const LEAF_ROWID = '(@segment << 37)';

const VERSION = `SELECT v FROM messages_fts_config WHERE k = 'version'`;
const NEXT_SEGMENT = 'SELECT segid FROM messages_fts_idx WHERE segid > @after ORDER BY segid LIMIT 1';
/**
 * Leaf pages on which a word with the prefix may start: the last page whose first word sorts before the prefix
 * (later words on it may have the prefix), and every page whose first word has it. The b-tree stores `page << 1 |
 * has-doclist-index`.
 */
const CANDIDATE_PAGES = `
  SELECT page FROM (
    SELECT pgno >> 1 AS page FROM (
      SELECT pgno FROM messages_fts_idx WHERE segid = @segment AND term < @low ORDER BY term DESC LIMIT 1)
    UNION
    SELECT pgno >> 1 FROM messages_fts_idx WHERE segid = @segment AND term >= @low AND term < @high)
  ORDER BY page LIMIT @limit`;
/** The leaf at `page`, or the segment's first leaf after it when an incremental merge has deleted the leading ones. */
const LEAF = `
  SELECT id - ${LEAF_ROWID} AS page, block FROM messages_fts_data
  WHERE id >= ${LEAF_ROWID} + @page AND id < ${LEAF_ROWID} + 2147483648
  ORDER BY id LIMIT 1`;

/** The statements the expansion runs, for plan checks. */
export const PREFIX_STATEMENTS = { VERSION, NEXT_SEGMENT, CANDIDATE_PAGES, LEAF } as const;

const MAIN_INDEX = 0x30; // '0': the marker byte before every word of the main (non-prefix) index.

/**
 * The index's words that start with `prefix` (already folded as the tokenizer folds: lower case), sorted, at most
 * `limits.maxTerms`; `undefined` when there are more, when a segment needs more than `limits.maxPages` pages, or when
 * the index is in a layout this reader does not know: then the caller should use FTS5's own prefix query.
 *
 * @example
 * prefixTerms(sql, 'recip') // ['recipe', 'recipes']
 */
export function prefixTerms(
  sql: SqlRunner,
  prefix: string,
  limits: PrefixTermLimits = DEFAULT_PREFIX_TERM_LIMITS,
): string[] | undefined {
  const version = sql.statement(VERSION).pluck().get();
  if (typeof version !== 'number' || !KNOWN_VERSIONS.has(version)) return undefined;
  const encoded = Buffer.from(prefix, 'utf8');
  const low = Buffer.concat([Buffer.of(MAIN_INDEX), encoded]);
  // No UTF-8 text contains 0xff, so this sorts after every word that starts with the prefix.
  const high = Buffer.concat([low, Buffer.of(0xff)]);
  const found = new Set<string>();
  const nextSegment = sql.statement(NEXT_SEGMENT).pluck();
  for (let segment = nextSegment.get({ after: -1 }); typeof segment === 'number'; ) {
    const pages = sql
      .statement(CANDIDATE_PAGES)
      .pluck()
      .all({ segment, low, high, limit: limits.maxPages + 1 });
    if (pages.length > limits.maxPages) return undefined;
    try {
      if (!collect(sql, segment, pages as number[], low, found, limits.maxTerms)) return undefined;
    } catch (error) {
      if (error instanceof LeafFormatError) return undefined;
      throw error;
    }
    segment = nextSegment.get({ after: segment });
  }
  return [...found].sort();
}

/** Adds the words with the prefix `low` found on `pages` of `segment`; false once there are more than `maxTerms`. */
function collect(
  sql: SqlRunner,
  segment: number,
  pages: readonly number[],
  low: Uint8Array,
  found: Set<string>,
  maxTerms: number,
): boolean {
  const leaf = sql.statement(LEAF);
  const read = new Set<number>();
  for (const page of pages) {
    const row = leaf.get({ segment, page }) as { page: number; block: Buffer } | undefined;
    if (!row || read.has(row.page)) continue;
    read.add(row.page);
    for (const term of leafTermsWithPrefix(row.block, low)) {
      found.add(Buffer.from(term.buffer, term.byteOffset + 1, term.length - 1).toString('utf8'));
      if (found.size > maxTerms) return false;
    }
  }
  return true;
}
