/**
 * Ranking of a search window in JavaScript, with the same Okapi BM25 formula as FTS5's bm25() (k1 = 1.2, b = 0.75,
 * lower is better), but with a cost that follows the window rather than every match in the index: FTS5's bm25()
 * counts each term's matching rows by reading its whole doclist (900,000 rows for a word in 90% of a million
 * messages), whereas here a term's document frequency is estimated from its newest matches (`estimateDocFrequency`)
 * and its frequency in each row is counted in the window's own text.
 */
import { MIN_PREFIX_LENGTH, tokenizeQuery } from './fts-query.js';

const K1 = 1.2;
const B = 0.75;

/** How many of a term's newest matches are read to estimate how common it is. */
export const DOC_FREQUENCY_SAMPLE = 256;

/** A query word as the ranking compares it: folded like the tokenizer folds text, and whether it is a prefix. */
export interface RankTerm {
  /** Lower case, without diacritics. */
  folded: string;
  prefix: boolean;
  /** Finds the term as a whole token (a token's start, for a prefix), ignoring case and Latin diacritics. */
  pattern: RegExp;
  /** The same for ASCII-only text, much faster (a literal search); absent when the term itself is not ASCII. */
  asciiPattern: RegExp | undefined;
}

/** A candidate row: its rowid (`seq`) and its text. */
export interface WindowRow {
  seq: number;
  content: string;
}

/** A term's newest matches as read from the index: how many (at most the sample size) and the oldest rowid among them. */
export interface TermSample {
  count: number;
  oldest: number | null;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range, control characters included, is what "ASCII only" means
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const MARKS = /\p{M}/gu;
const TOKEN_CHAR = '[\\p{L}\\p{N}\\p{M}]';

/** Folds text as `unicode61 remove_diacritics 2` does: lower case, combining marks removed. */
export function foldText(text: string): string {
  return ASCII_ONLY.test(text) ? text.toLowerCase() : text.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

/** The query's words as ranking terms (the last one a prefix when it is long enough, as in the MATCH expression). */
export function rankTerms(query: string): RankTerm[] {
  const tokens = tokenizeQuery(query);
  const seen = new Set<string>();
  const terms: RankTerm[] = [];
  tokens.forEach((token, i) => {
    const prefix = i === tokens.length - 1 && [...token].length >= MIN_PREFIX_LENGTH;
    const folded = foldText(token);
    const key = `${folded}${prefix ? '*' : ''}`;
    if (folded.length === 0 || seen.has(key)) return;
    seen.add(key);
    terms.push(rankTerm(folded, prefix));
  });
  return terms;
}

/** Latin letters with diacritics (U+00C0–U+024F) by the ASCII letter they fold to: 'u' → 'ùúûüũūŭůűų…'. */
const LATIN_VARIANTS: ReadonlyMap<string, string> = (() => {
  const variants = new Map<string, string>();
  for (let cp = 0xc0; cp <= 0x24f; cp++) {
    const ch = String.fromCodePoint(cp);
    const base = ch.normalize('NFKD').replace(MARKS, '').toLowerCase();
    if (/^[a-z]$/.test(base)) variants.set(base, (variants.get(base) ?? '') + ch);
  }
  return variants;
})();

/** The pattern source of a folded term: each letter also matches its accented forms, as the tokenizer folds them. */
function termSource(folded: string): string {
  let out = '';
  for (const ch of folded) {
    const variants = LATIN_VARIANTS.get(ch);
    out += variants ? `[${ch}${variants}]` : ch.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  }
  return out;
}

/**
 * Whether a text holds `term` as a whole token (a token's start, for a prefix), for a word left out of the MATCH
 * expression and checked in the candidates instead. In ASCII text this is exactly how the unicode61 tokenizer splits
 * it (runs of letters and digits; everything else, `_` included, separates); other text is folded first
 * (`foldText`) and split at whatever is not a letter, digit or mark, as the query's own words are (`tokenizeQuery`).
 */
export function termChecker(term: RankTerm): (text: string) => boolean {
  const escaped = term.folded.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  const ascii = new RegExp(`(?<![A-Za-z0-9])${escaped}${term.prefix ? '' : '(?![A-Za-z0-9])'}`, 'i');
  const other = new RegExp(`(?<!${TOKEN_CHAR})${escaped}${term.prefix ? '' : `(?!${TOKEN_CHAR})`}`, 'iu');
  // Folding costs more than the test: only text where the word is not found as written pays for it.
  return (text) => (ASCII_ONLY.test(text) ? ascii.test(text) : other.test(text) || other.test(foldText(text)));
}

/** How many ranking terms {@link rankTerm} keeps for reuse: the words of recent searches. */
const RANK_TERM_CACHE_SIZE = 256;
const rankTermCache = new Map<string, RankTerm>();

/**
 * A ranking term for `folded` (already folded with `foldText`). Terms are kept for reuse (the most recent
 * {@link RANK_TERM_CACHE_SIZE}): building one compiles two regular expressions (the Unicode one with a class of
 * accented variants per letter), which every search paid again for the same words, on the event loop for
 * PostgreSQL. Sharing them is safe: `countTerm` resets a pattern's `lastIndex` and runs it to the end synchronously.
 */
export function rankTerm(folded: string, prefix: boolean): RankTerm {
  const key = `${prefix ? '*' : '='}${folded}`;
  const cached = rankTermCache.get(key);
  if (cached) return cached;
  const term = newRankTerm(folded, prefix);
  if (rankTermCache.size >= RANK_TERM_CACHE_SIZE) rankTermCache.delete(rankTermCache.keys().next().value as string);
  rankTermCache.set(key, term);
  return term;
}

function newRankTerm(folded: string, prefix: boolean): RankTerm {
  const escaped = termSource(folded);
  // Lower-casing every text first would cost more than the search itself (V8's toLowerCase on long two-byte strings).
  const pattern = new RegExp(`(?<!${TOKEN_CHAR})${escaped}${prefix ? '' : `(?!${TOKEN_CHAR})`}`, 'giu');
  const asciiPattern = ASCII_ONLY.test(folded) ? new RegExp(`\\b${folded}${prefix ? '' : '\\b'}`, 'gi') : undefined;
  return { folded, prefix, pattern, asciiPattern };
}

/**
 * The term as the two PostgreSQL regular expressions (case-insensitive, with the `i` flag) that count what
 * `countTerm` counts: the term as a whole token (a token's start, for a prefix). `ascii` is for ASCII-only text,
 * where letters, digits and `_` join tokens (JavaScript's `\b`); `other` for any other text, where `_` separates
 * and each Latin letter also matches its accented forms. PostgreSQL's search ranks with them in SQL
 * (`chat_search_page`). Combining marks next to a term are the one difference: `[[:alnum:]]` has no class for them.
 */
export function postgresTermPatterns(term: RankTerm): { ascii: string; other: string } {
  const other = `(?<![[:alnum:]])${termSource(term.folded)}${term.prefix ? '' : '(?![[:alnum:]])'}`;
  if (!term.asciiPattern) return { ascii: other, other };
  // In ASCII text PostgreSQL's word characters are [A-Za-z0-9_] (JavaScript's \w), and an ASCII term starts and ends
  // with one, so \m and \M bound the same tokens as \b does; they run 3-4 times faster than a lookbehind (1,000
  // rows: 1.2 ms against 3.9 ms of database CPU on bench:scale's `"hotel museum"`).
  return { ascii: `\\m${term.folded}${term.prefix ? '' : '\\M'}`, other };
}

/**
 * How often `term` occurs as a whole token (or a token's start, for a prefix) in `text`, ignoring case. `asciiText`
 * says the text is ASCII only, so the faster pattern finds the same tokens.
 */
export function countTerm(text: string, term: RankTerm, asciiText = false): number {
  const pattern = asciiText && term.asciiPattern ? term.asciiPattern : term.pattern;
  pattern.lastIndex = 0;
  let n = 0;
  while (pattern.exec(text)) n++;
  return n;
}

/**
 * A term's document frequency among `total` rows, from a sample of its newest matches: exact when the sample holds
 * all of them, otherwise the sample's density over the rowids it spans (`newest` is the newest rowid in the table).
 */
export function estimateDocFrequency(sample: TermSample, newest: number, total: number): number {
  if (sample.count < DOC_FREQUENCY_SAMPLE || sample.oldest === null) return sample.count;
  const span = Math.max(1, newest - sample.oldest + 1);
  return Math.min(total, Math.max(sample.count, (sample.count * total) / span));
}

/** FTS5's idf: ln((N - n + 0.5) / (n + 0.5)), floored at a tiny positive value for terms in more than half the rows. */
export function inverseDocFrequency(docFrequency: number, total: number): number {
  const idf = Math.log((total - docFrequency + 0.5) / (docFrequency + 0.5));
  return idf > 0 ? idf : 1e-6;
}

/** A ranked row: `rank` is the negated BM25 score, lower is better (as FTS5's bm25()). */
export interface RankedRow {
  seq: number;
  rank: number;
}

/**
 * Scores every row of the window and returns them best first (ties: newest first). `idf[i]` weighs `terms[i]`.
 * A term the text search matched but the count here misses (a tokenizer corner case) still counts once.
 */
export function rankWindow(
  rows: readonly WindowRow[],
  terms: readonly RankTerm[],
  idf: readonly number[],
): RankedRow[] {
  if (rows.length === 0) return [];
  let totalLength = 0;
  for (const row of rows) totalLength += row.content.length;
  const averageLength = Math.max(1, totalLength / rows.length);
  const ranked = rows.map((row) => {
    const norm = K1 * (1 - B + (B * row.content.length) / averageLength);
    const counts = termCounts(row.content, terms);
    let score = 0;
    for (let i = 0; i < terms.length; i++) {
      const tf = Math.max(1, counts[i]!);
      score += (idf[i] ?? 1) * ((tf * (K1 + 1)) / (tf + norm));
    }
    return { seq: row.seq, rank: -score };
  });
  return ranked.sort((a, b) => a.rank - b.rank || b.seq - a.seq);
}

/**
 * How often each term occurs in `content`. The patterns ignore case and Latin diacritics, which is enough for most
 * text; the full fold is paid only when a term was not found in a text that has other non-ASCII characters.
 */
function termCounts(content: string, terms: readonly RankTerm[]): number[] {
  const ascii = ASCII_ONLY.test(content);
  const counts = terms.map((term) => countTerm(content, term, ascii));
  if (!ascii && counts.some((n) => n === 0)) {
    const folded = foldText(content);
    terms.forEach((term, i) => {
      if (counts[i] === 0) counts[i] = countTerm(folded, term);
    });
  }
  return counts;
}
