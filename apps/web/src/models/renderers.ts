/**
 * Lazily loaded renderers: the markdown pipeline (marked + DOMPurify) and the syntax highlighter stay out of the
 * initial bundle; messages show as plain text for the few milliseconds until they arrive, then re-render.
 */
import { signal } from '@preact/signals';
import type { HighlightFn, MathFn, RenderedMessage, RenderMarkdownOptions } from '../lib/markdown.js';

/** `renderMessage` once loaded. */
export const markdownRenderer = signal<((source: string, options?: RenderMarkdownOptions) => RenderedMessage) | null>(
  null,
);
/** KaTeX's render function once loaded (only when a message has math). */
export const mathRenderer = signal<MathFn | null>(null);
/** Mermaid's render function once loaded (only when a diagram is in view). */
export const diagramRenderer = signal<((source: string, dark: boolean) => Promise<string>) | null>(null);
/** The highlight function once loaded. */
export const highlighter = signal<HighlightFn | null>(null);

// biome-ignore lint/correctness/noUnusedVariables: read by ??= below (the rule counts only plain reads)
let markdownLoading: Promise<void> | null = null;
// biome-ignore lint/correctness/noUnusedVariables: read by ??= below (the rule counts only plain reads)
let highlighterLoading: Promise<void> | null = null;

/** Starts loading the markdown renderer (once); call early so it is there before the first message. */
export function ensureMarkdown(): void {
  markdownLoading ??= import('../lib/markdown.js')
    .then((m) => {
      markdownRenderer.value = m.renderMessage;
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

// biome-ignore lint/correctness/noUnusedVariables: read by ??= below (the rule counts only plain reads)
let mathLoading: Promise<void> | null = null;
// biome-ignore lint/correctness/noUnusedVariables: read by ??= below (the rule counts only plain reads)
let diagramLoading: Promise<void> | null = null;

/** Starts loading KaTeX and its stylesheet (once). */
export function ensureMath(): void {
  mathLoading ??= import('../lib/math.js')
    .then((m) => {
      mathRenderer.value = m.renderMath;
    })
    .catch(() => {
      mathLoading = null;
    });
}

/** Starts loading mermaid (once). */
export function ensureDiagrams(): void {
  diagramLoading ??= import('../lib/diagram.js')
    .then((m) => {
      diagramRenderer.value = m.renderDiagram;
    })
    .catch(() => {
      diagramLoading = null;
    });
}
