/** Markdown to safe HTML: marked with raw HTML escaped, links filtered, code blocks with a copy button, then DOMPurify. */
import { Marked, type Tokens } from 'marked';
import DOMPurify from 'dompurify';

/** Highlights `code` in `lang`; returns HTML of escaped text in spans, or `null` for an unknown language. */
export type HighlightFn = (code: string, lang: string) => string | null;

/** Options for {@link renderMarkdown}. */
export interface RenderMarkdownOptions {
  /** Syntax highlighter for fenced code; `null` leaves code as escaped text. Defaults to `null`. */
  highlight?: HighlightFn | null;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML content and attribute values.
 *
 * @example
 * escapeHtml('<b>') // '&lt;b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const SAFE_URL = /^(?:https?:|mailto:|#|\/(?!\/)|\.\.?\/)/i;

/**
 * True for link targets that cannot run script: http(s), mailto, fragments and relative paths.
 *
 * @example
 * isSafeUrl('javascript:alert(1)') // false
 */
export function isSafeUrl(href: string): boolean {
  // Browsers ignore control characters and whitespace inside schemes (`java\tscript:`), so strip them first.
  const cleaned = href.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  return SAFE_URL.test(cleaned);
}

let currentHighlight: HighlightFn | null = null;

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    // Raw HTML in a message is shown as text, never interpreted.
    html(token: Tokens.HTML | Tokens.Tag) {
      const text = escapeHtml(token.text);
      return 'block' in token && token.block ? `<p class="raw-html">${text.replace(/\n+$/, '')}</p>\n` : text;
    },
    code({ text, lang }: Tokens.Code) {
      const language = (lang ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
      const highlighted = language && currentHighlight ? currentHighlight(text, language) : null;
      const body = highlighted ?? escapeHtml(text);
      const cls = language ? ` class="hljs language-${escapeHtml(language)}"` : ' class="hljs"';
      const label = language ? `<span class="code-lang">${escapeHtml(language)}</span>` : '<span class="code-lang">text</span>';
      return (
        `<div class="code-block"><div class="code-head">${label}` +
        `<button type="button" class="copy-code" data-copy-code="" aria-label="Copy code">Copy</button></div>` +
        `<pre><code${cls}>${body}</code></pre></div>\n`
      );
    },
    link({ href, title, tokens }: Tokens.Link) {
      const inner = this.parser.parseInline(tokens);
      if (!isSafeUrl(href)) return inner;
      const t = title ? ` title="${escapeHtml(title)}"` : '';
      return `<a href="${escapeHtml(href)}"${t} target="_blank" rel="noopener noreferrer nofollow">${inner}</a>`;
    },
    // Remote images would leak the reader's address to any host a model names; show a link instead.
    image({ href, text }: Tokens.Image) {
      const label = escapeHtml(text || href);
      if (!isSafeUrl(href)) return label;
      return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer nofollow">Image: ${label}</a>`;
    },
  },
});

/**
 * Renders markdown to HTML that is safe to assign to `innerHTML`: marked's output with raw HTML escaped and
 * unsafe link schemes dropped, then sanitized by DOMPurify where a DOM exists (the browser).
 *
 * @example
 * renderMarkdown('<img src=x onerror=alert(1)>') // '<p class="raw-html">&lt;img src=x onerror=alert(1)&gt;</p>\n'
 */
export function renderMarkdown(source: string, options: RenderMarkdownOptions = {}): string {
  currentHighlight = options.highlight ?? null;
  try {
    const html = marked.parse(source, { async: false }) as string;
    return DOMPurify.isSupported
      ? DOMPurify.sanitize(html, { ADD_ATTR: ['target'], FORBID_TAGS: ['style', 'form', 'input', 'img'] })
      : html;
  } finally {
    currentHighlight = null;
  }
}
