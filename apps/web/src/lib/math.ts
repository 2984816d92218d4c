/** KaTeX, loaded lazily (with its stylesheet and fonts) only when a message has math. */
import katex from 'katex';
import 'katex/dist/katex.min.css';

/**
 * TeX to HTML (plus MathML for screen readers). Errors render as the source in red instead of throwing.
 *
 * @example
 * renderMath('x^2', false) // '<span class="katex">…'
 */
export function renderMath(tex: string, display: boolean): string {
  return katex.renderToString(tex, {
    displayMode: display,
    throwOnError: false,
    output: 'htmlAndMathml',
    strict: 'ignore',
    trust: false,
  });
}
