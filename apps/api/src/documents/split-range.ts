/** Cutting a stretch of text into pieces of at most `maxChars`, at the gentlest boundary available. */

/** A stretch of a document: `text.slice(start, end)`. */
export interface Range {
  start: number;
  end: number;
}

/** Boundaries in order of preference: paragraph, line, word. */
const SEPARATORS = ['\n\n', '\n', ' ', '\t'];

/** A piece is not cut shorter than this share of `maxChars` when a gentler boundary is further on. */
const MIN_SHARE = 0.3;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Where to end a piece starting at `pos`: after the last separator in the window, else at the limit. */
function cutPoint(text: string, pos: number, maxChars: number): number {
  const limit = pos + maxChars;
  const from = pos + Math.max(1, Math.floor(maxChars * MIN_SHARE));
  // Only the window is searched: lastIndexOf on the whole text would scan back to the start each time.
  const window = text.slice(from, limit);
  for (const separator of SEPARATORS) {
    const at = window.lastIndexOf(separator);
    if (at >= 0) return from + at + separator.length;
  }
  // No boundary at all: cut at the limit, but never between the halves of a surrogate pair.
  return isHighSurrogate(text.charCodeAt(limit - 1)) ? limit - 1 : limit;
}

/**
 * Splits `[start, end)` into consecutive pieces of at most `maxChars` (>= 2) code units, preferring paragraph, then
 * line, then word boundaries, and never splitting a UTF-16 surrogate pair.
 */
export function splitRange(text: string, start: number, end: number, maxChars: number): Range[] {
  const pieces: Range[] = [];
  let pos = start;
  while (end - pos > maxChars) {
    const cut = cutPoint(text, pos, maxChars);
    pieces.push({ start: pos, end: cut });
    pos = cut;
  }
  if (end > pos) pieces.push({ start: pos, end });
  return pieces;
}

/** The range without leading and trailing whitespace; `null` when nothing is left. */
export function trimRange(text: string, range: Range): Range | null {
  let { start, end } = range;
  while (start < end && /\s/.test(text[start] as string)) start++;
  while (end > start && /\s/.test(text[end - 1] as string)) end--;
  return end > start ? { start, end } : null;
}
