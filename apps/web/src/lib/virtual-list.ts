/** Window math for the virtualized message list: prefix offsets, binary search and the visible range. */

/** Options for {@link computeWindow}. */
export interface VirtualWindowOptions {
  /** Prefix offsets from {@link computeOffsets}: `offsets[i]` is the top of item `i`, `offsets[n]` the total height. */
  offsets: ArrayLike<number>;
  /** Current scroll position of the viewport in pixels. */
  scrollTop: number;
  /** Height of the viewport in pixels. */
  viewportHeight: number;
  /** Extra items rendered above and below the visible ones. Defaults to 6. */
  overscan?: number;
}

/** The slice of items to render and the padding that stands in for the rest. */
export interface VirtualWindow {
  /** First rendered index (inclusive). */
  start: number;
  /** Last rendered index (exclusive). */
  end: number;
  /** Pixels above the first rendered item. */
  padTop: number;
  /** Pixels below the last rendered item. */
  padBottom: number;
  /** Height of all items together. */
  totalHeight: number;
}

/**
 * Turns item heights into prefix offsets (length `n + 1`).
 *
 * @example
 * computeOffsets([10, 20, 30]) // Float64Array [0, 10, 30, 60]
 */
export function computeOffsets(heights: ArrayLike<number>): Float64Array {
  const offsets = new Float64Array(heights.length + 1);
  for (let i = 0; i < heights.length; i++) offsets[i + 1] = offsets[i]! + Math.max(0, heights[i]!);
  return offsets;
}

/**
 * Index of the item that contains pixel `y` (the last `i` with `offsets[i] <= y`), clamped to `[0, n - 1]`;
 * `0` for an empty list.
 *
 * @example
 * indexAt(computeOffsets([10, 20, 30]), 15) // 1
 */
export function indexAt(offsets: ArrayLike<number>, y: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return 0;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The range of items to render for a scroll position: the visible ones plus `overscan` on each side.
 *
 * @example
 * computeWindow({ offsets: computeOffsets(new Array(10_000).fill(50)), scrollTop: 5000, viewportHeight: 500 })
 * // { start: 94, end: 116, padTop: 4700, ... }
 */
export function computeWindow(options: VirtualWindowOptions): VirtualWindow {
  const { offsets, viewportHeight } = options;
  const overscan = Math.max(0, options.overscan ?? 6);
  const n = offsets.length - 1;
  const totalHeight = n > 0 ? offsets[n]! : 0;
  if (n <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0, totalHeight: 0 };
  const maxTop = Math.max(0, totalHeight - viewportHeight);
  const top = Math.min(Math.max(0, options.scrollTop), maxTop);
  const first = indexAt(offsets, top);
  const last = indexAt(offsets, top + Math.max(0, viewportHeight) - 0.5);
  const start = Math.max(0, first - overscan);
  const end = Math.min(n, last + 1 + overscan);
  return { start, end, padTop: offsets[start]!, padBottom: totalHeight - offsets[end]!, totalHeight };
}

/**
 * A height guess for a message that has not been measured yet, from its length, so the scrollbar
 * moves little once real heights arrive. Defaults to 22 px lines of about 80 characters plus 56 px chrome.
 *
 * @example
 * estimateHeight('hello') // 78
 */
export function estimateHeight(content: string, charsPerLine = 80, lineHeight = 22, chrome = 56): number {
  let lines = 0;
  for (const line of content.split('\n')) lines += Math.max(1, Math.ceil(line.length / charsPerLine));
  return chrome + Math.min(lines, 400) * lineHeight;
}
