/** Cheap check for fenced code, kept apart from the markdown renderer so it costs nothing in the initial bundle. */

/**
 * True when the source contains a fenced code block, so callers know whether a highlighter is worth loading.
 *
 * @example
 * hasCodeBlock('```js\n1\n```') // true
 */
export function hasCodeBlock(source: string): boolean {
  return /(^|\n) {0,3}(```|~~~)/.test(source);
}
