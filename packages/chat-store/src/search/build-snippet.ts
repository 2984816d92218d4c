/**
 * Snippets built from a message's text in JavaScript, for both back ends: FTS5's snippet() has to find the row in
 * the index again (a prefix term re-merges its doclists for every row), and PostgreSQL's ts_headline re-parses the
 * text; the window's text is already at hand when the page is chosen.
 */
import { foldText, type RankTerm } from './rank.js';
import { HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN } from './snippet.js';

const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;

interface Token {
  start: number;
  end: number;
  /** Index of the query term this token matches, or -1. */
  term: number;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range, control characters included, is what "ASCII only" means
const ASCII_ONLY = /^[\x00-\x7f]*$/;

function tokens(text: string, terms: readonly RankTerm[]): Token[] {
  if (ASCII_ONLY.test(text)) return asciiTokens(text, terms);
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const folded = foldText(m[0]);
    const term = terms.findIndex((t) => (t.prefix ? folded.startsWith(t.folded) : folded === t.folded));
    out.push({ start: m.index, end: m.index + m[0].length, term });
  }
  return out;
}

/** Whether a UTF-16 code unit is an ASCII letter or digit: in ASCII text, exactly the characters of {@link TOKEN}. */
function isAsciiWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
}

/**
 * {@link tokens} for ASCII text (most messages), with the same result: the text is lower-cased once (which keeps
 * every offset) and scanned by character code, and each token is compared in place, so no string is made per token.
 * Search builds a snippet for every hit of a page, on the event loop for PostgreSQL; the per-token folding and
 * Unicode regular expression were most of that work.
 */
function asciiTokens(text: string, terms: readonly RankTerm[]): Token[] {
  const lower = text.toLowerCase();
  const out: Token[] = [];
  const n = lower.length;
  let i = 0;
  while (i < n) {
    while (i < n && !isAsciiWordChar(lower.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && isAsciiWordChar(lower.charCodeAt(i))) i++;
    out.push({ start, end: i, term: termAt(lower, start, i, terms) });
  }
  return out;
}

/** Index of the first term that the token `lower[start, end)` matches (whole, or its start for a prefix), or -1. */
function termAt(lower: string, start: number, end: number, terms: readonly RankTerm[]): number {
  const length = end - start;
  for (let t = 0; t < terms.length; t++) {
    const { folded, prefix } = terms[t]!;
    if ((prefix ? length >= folded.length : length === folded.length) && lower.startsWith(folded, start)) return t;
  }
  return -1;
}

/** Start of the `size`-token window holding the most distinct terms (then the most matches); the earliest wins ties. */
function bestStart(list: readonly Token[], size: number, termCount: number): number {
  // A sliding window: per term, how many of its matches are inside.
  const inside = new Array<number>(termCount).fill(0);
  let distinct = 0;
  let hits = 0;
  const add = (token: Token, delta: 1 | -1) => {
    if (token.term < 0) return;
    const before = inside[token.term]!;
    inside[token.term] = before + delta;
    hits += delta;
    if (before === 0 && delta === 1) distinct++;
    if (before === 1 && delta === -1) distinct--;
  };
  for (let i = 0; i < size; i++) add(list[i]!, 1);
  let best = 0;
  let bestScore = distinct * 1_000_000 + hits;
  for (let start = 1; start + size <= list.length; start++) {
    add(list[start - 1]!, -1);
    add(list[start + size - 1]!, 1);
    const score = distinct * 1_000_000 + hits;
    if (score > bestScore) {
      bestScore = score;
      best = start;
    }
  }
  // A little context before the first match reads better than a snippet that opens on it.
  let first = best;
  while (first < best + size && list[first]!.term < 0) first++;
  return Math.max(0, Math.min(first - 2, best));
}

/**
 * About `size` words of `text` around the query's terms, each matched word wrapped in the highlight markers that
 * `parseSnippet` turns into ranges, with `…` where the text goes on.
 *
 * @example
 * buildSnippet('We met in Zürich', rankTerms('zurich'), 16) // 'We met in \uE000Zürich\uE001'
 */
export function buildSnippet(text: string, terms: readonly RankTerm[], size: number): string {
  const list = tokens(text, terms);
  if (list.length === 0) return text;
  const start = list.length > size ? bestStart(list, size, terms.length) : 0;
  const end = Math.min(list.length, start + size) - 1;
  let out = start > 0 ? '…' : '';
  let at = start > 0 ? list[start]!.start : 0;
  for (let i = start; i <= end; i++) {
    const token = list[i]!;
    if (token.term < 0) continue;
    out += `${text.slice(at, token.start)}${HIGHLIGHT_OPEN}${text.slice(token.start, token.end)}${HIGHLIGHT_CLOSE}`;
    at = token.end;
  }
  const stop = end < list.length - 1 ? list[end]!.end : text.length;
  out += text.slice(at, stop);
  return end < list.length - 1 ? `${out}…` : out;
}
