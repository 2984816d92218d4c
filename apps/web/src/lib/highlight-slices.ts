/** Splits a plain-text search snippet into marked and unmarked runs from `[start, end)` highlight offsets. */

/** One run of snippet text; `mark` runs are matches. */
export interface TextSlice {
  text: string;
  mark: boolean;
}

/**
 * Slices `text` by highlight ranges. Ranges may be unsorted, overlapping or out of bounds: they are
 * clamped and merged, so the slices always concatenate back to `text`. The result is text, never HTML.
 *
 * @example
 * sliceHighlights('hello world', [[6, 11]]) // [{ text: 'hello ', mark: false }, { text: 'world', mark: true }]
 */
export function sliceHighlights(text: string, ranges: ReadonlyArray<readonly [number, number]>): TextSlice[] {
  const clamped = ranges
    .map(
      ([s, e]) =>
        [Math.max(0, Math.min(text.length, Math.floor(s))), Math.max(0, Math.min(text.length, Math.floor(e)))] as const,
    )
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const [s, e] of clamped) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  const slices: TextSlice[] = [];
  let pos = 0;
  for (const [s, e] of merged) {
    if (s > pos) slices.push({ text: text.slice(pos, s), mark: false });
    slices.push({ text: text.slice(s, e), mark: true });
    pos = e;
  }
  if (pos < text.length || slices.length === 0) slices.push({ text: text.slice(pos), mark: false });
  return slices;
}
