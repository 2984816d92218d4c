/**
 * Renders message markdown as sanitized HTML. What a message needs loads lazily: the markdown renderer with the first
 * message, highlighting when it has code, KaTeX when it has math, mermaid when a diagram scrolls into view. Code
 * blocks get a working Copy button and, when long, "Show all"; diagrams keep their source one click away.
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { hasCodeBlock, hasMath, hasMermaid } from '../../lib/code-detect.js';
import {
  diagramRenderer,
  ensureDiagrams,
  ensureHighlighter,
  ensureMarkdown,
  ensureMath,
  highlighter,
  markdownRenderer,
  mathRenderer,
} from '../../models/renderers.js';

function codeOf(block: Element, codes: readonly string[]): string {
  const index = Number((block as HTMLElement).dataset.codeIndex);
  return codes[index] ?? block.querySelector('code')?.textContent ?? '';
}

function copy(button: HTMLButtonElement, text: string): void {
  void navigator.clipboard?.writeText(text).then(
    () => {
      button.textContent = 'Copied';
      setTimeout(() => (button.textContent = 'Copy'), 1500);
    },
    () => {
      button.textContent = 'Copy failed';
    },
  );
}

/** Clicks inside rendered markdown: Copy, Show all, and the diagram/source toggle. */
function onClick(e: MouseEvent, codes: readonly string[]): void {
  const button = (e.target as Element | null)?.closest?.('button');
  const block = button?.closest('.code-block');
  if (!(button instanceof HTMLButtonElement) || !block) return;
  if (button.hasAttribute('data-copy-code')) copy(button, codeOf(block, codes));
  else if (button.hasAttribute('data-show-all-code')) {
    // The whole block as plain text: one text node, however long, so it stays fast.
    const code = block.querySelector('code');
    if (code) code.textContent = codeOf(block, codes);
    block.classList.remove('collapsed');
    block.querySelector<HTMLElement>('pre')?.focus({ preventScroll: true });
    button.remove();
  } else if (button.hasAttribute('data-mermaid-toggle')) {
    const showSource = block.classList.toggle('show-source');
    button.textContent = showSource ? 'Show diagram' : 'Show source';
    button.setAttribute('aria-pressed', String(!showSource));
  }
}

function prefersDark(): boolean {
  const chosen = document.documentElement.dataset.theme;
  if (chosen) return chosen === 'dark';
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
}

/** Draws each mermaid block once it is near the view; the source stays in the block behind the toggle. */
function useDiagrams(
  root: { current: HTMLDivElement | null },
  html: string | null,
  render: ((s: string, dark: boolean) => Promise<string>) | null,
  codes: readonly string[],
): void {
  useEffect(() => {
    const el = root.current;
    if (!el || html === null) return;
    const blocks = [...el.querySelectorAll<HTMLElement>('.mermaid-block:not([data-drawn])')];
    if (blocks.length === 0) return;
    const io = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          const block = entry.target as HTMLElement;
          if (!render) {
            ensureDiagrams();
            continue;
          }
          io.unobserve(block);
          block.dataset.drawn = 'pending';
          render(codeOf(block, codes), prefersDark()).then(
            (svg) => {
              const img = document.createElement('img');
              img.className = 'mermaid-diagram';
              img.alt = 'Diagram drawn from the mermaid source (Show source to read it)';
              img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
              block.querySelector('.code-head')?.after(img);
              block.dataset.drawn = 'true';
            },
            () => {
              // Not a diagram mermaid understands: the source stays, as code.
              block.dataset.drawn = 'failed';
              block.classList.add('show-source');
              block.querySelector('[data-mermaid-toggle]')?.remove();
            },
          );
        }
      },
      { rootMargin: '200px' },
    );
    for (const b of blocks) io.observe(b);
    return () => io.disconnect();
  }, [html, render]);
}

export function Markdown({ source }: { source: string }) {
  const render = markdownRenderer.value;
  const needsHighlighter = hasCodeBlock(source);
  const highlight = needsHighlighter ? highlighter.value : null;
  const needsMath = hasMath(source);
  const math = needsMath ? mathRenderer.value : null;
  const diagrams = hasMermaid(source) ? diagramRenderer.value : null;
  if (!render) ensureMarkdown();
  if (needsHighlighter && !highlight) ensureHighlighter();
  if (needsMath && !math) ensureMath();
  const out = useMemo(() => (render ? render(source, { highlight, math }) : null), [render, source, highlight, math]);
  const ref = useRef<HTMLDivElement>(null);
  useDiagrams(ref, out?.html ?? null, diagrams, out?.codes ?? []);
  if (out === null) return <div class="markdown plain">{source}</div>;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions lint/a11y/useKeyWithClickEvents: one delegated listener for the copy and "Show all" buttons rendered inside; they are buttons, reachable and pressed by keyboard
    <div
      class="markdown"
      ref={ref}
      onClick={(e) => onClick(e, out.codes)}
      dangerouslySetInnerHTML={{ __html: out.html }}
    />
  );
}
