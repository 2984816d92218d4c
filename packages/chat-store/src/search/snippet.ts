/** Turns an FTS5 snippet with private-use markers into plain text plus highlight ranges. */

/** Marks the start of a matched term in FTS5 `snippet()` output. Private use: never produced by the tokenizer's input. */
export const HIGHLIGHT_OPEN = '\uE000';
/** Marks the end of a matched term. */
export const HIGHLIGHT_CLOSE = '\uE001';

export interface PlainSnippet {
  snippet: string;
  /** `[start, end)` UTF-16 offsets into `snippet`. */
  highlights: [number, number][];
}

/**
 * Strips the markers and records where each highlighted run starts and ends.
 *
 * @example
 * parseSnippet('a \uE000fox\uE001 ran') // { snippet: 'a fox ran', highlights: [[2, 5]] }
 */
export function parseSnippet(marked: string): PlainSnippet {
  let out = '';
  const highlights: [number, number][] = [];
  let open = -1;
  let from = 0;
  for (let i = 0; i < marked.length; i++) {
    const ch = marked[i];
    if (ch !== HIGHLIGHT_OPEN && ch !== HIGHLIGHT_CLOSE) continue;
    out += marked.slice(from, i);
    from = i + 1;
    if (ch === HIGHLIGHT_OPEN) {
      if (open < 0) open = out.length;
    } else if (open >= 0) {
      if (out.length > open) {
        const last = highlights[highlights.length - 1];
        // Adjacent matched terms ("foo bar" both matched) touch only with text between them, so merge exact joins.
        if (last && last[1] === open) last[1] = out.length;
        else highlights.push([open, out.length]);
      }
      open = -1;
    }
  }
  out += marked.slice(from);
  if (open >= 0 && out.length > open) highlights.push([open, out.length]);
  return { snippet: out, highlights };
}
