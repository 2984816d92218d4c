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

/**
 * True when the source may contain math (`$…$`, `$$…$$`, `\(…\)`, `\[…\]`), so KaTeX is worth loading.
 *
 * @example
 * hasMath('area $\\pi r^2$') // true
 */
export function hasMath(source: string): boolean {
  return /\$\$[\s\S]+?\$\$|\$(?!\s)[^$\n]+?(?<!\s)\$(?!\d)|\\\(|\\\[/.test(source);
}

/** True when the source has a mermaid code block. */
export function hasMermaid(source: string): boolean {
  return /(^|\n) {0,3}(```|~~~) *mermaid\b/i.test(source);
}
