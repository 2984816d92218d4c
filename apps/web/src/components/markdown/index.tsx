/** Renders message markdown as sanitized HTML; code blocks get highlighting (lazy) and a working Copy button. */
import { useMemo } from 'preact/hooks';
import { hasCodeBlock } from '../../lib/code-detect.js';
import { ensureHighlighter, ensureMarkdown, highlighter, markdownRenderer } from '../../models/renderers.js';

function onCopyClick(e: MouseEvent): void {
  const button = (e.target as Element | null)?.closest?.('[data-copy-code]');
  if (!(button instanceof HTMLButtonElement)) return;
  const code = button.closest('.code-block')?.querySelector('code')?.textContent ?? '';
  void navigator.clipboard?.writeText(code).then(
    () => {
      button.textContent = 'Copied';
      setTimeout(() => (button.textContent = 'Copy'), 1500);
    },
    () => {
      button.textContent = 'Copy failed';
    },
  );
}

export function Markdown({ source }: { source: string }) {
  const render = markdownRenderer.value;
  const needsHighlighter = hasCodeBlock(source);
  const highlight = needsHighlighter ? highlighter.value : null;
  if (!render) ensureMarkdown();
  if (needsHighlighter && !highlight) ensureHighlighter();
  const html = useMemo(() => (render ? render(source, { highlight }) : null), [render, source, highlight]);
  if (html === null) return <div class="markdown plain">{source}</div>;
  return <div class="markdown" onClick={onCopyClick} dangerouslySetInnerHTML={{ __html: html }} />;
}
