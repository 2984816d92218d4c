/**
 * Lazily loaded renderers: the markdown pipeline (marked + DOMPurify) and the syntax highlighter stay out of the
 * initial bundle; messages show as plain text for the few milliseconds until they arrive, then re-render.
 */
import { signal } from '@preact/signals';
import type { HighlightFn, RenderMarkdownOptions } from '../lib/markdown.js';

/** `renderMarkdown` once loaded. */
export const markdownRenderer = signal<((source: string, options?: RenderMarkdownOptions) => string) | null>(null);
/** The highlight function once loaded. */
export const highlighter = signal<HighlightFn | null>(null);

let markdownLoading: Promise<void> | null = null;
let highlighterLoading: Promise<void> | null = null;

/** Starts loading the markdown renderer (once); call early so it is there before the first message. */
export function ensureMarkdown(): void {
  markdownLoading ??= import('../lib/markdown.js')
    .then((m) => {
      markdownRenderer.value = m.renderMarkdown;
    })
    .catch(() => {
      // Messages stay readable as plain text; retry on the next render.
      markdownLoading = null;
    });
}

/** Starts loading highlight.js (once). */
export function ensureHighlighter(): void {
  highlighterLoading ??= import('../lib/highlighter.js')
    .then((m) => {
      highlighter.value = m.highlightCode;
    })
    .catch(() => {
      highlighterLoading = null;
    });
}
