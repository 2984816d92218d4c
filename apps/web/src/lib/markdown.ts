/**
 * Markdown to safe HTML: marked with raw HTML escaped, links filtered, math ($…$, $$…$$), read-only task lists,
 * mermaid blocks (drawn later, see components/markdown), code blocks with a copy button and bounded cost (big
 * blocks are not highlighted and show their first lines until "Show all"), then DOMPurify.
 */
import { Marked, type TokenizerAndRendererExtension, type Tokens } from 'marked';
import DOMPurify from 'dompurify';

/** Highlights `code` in `lang`; returns HTML of escaped text in spans, or `null` for an unknown language. */
export type HighlightFn = (code: string, lang: string) => string | null;
/** Renders TeX to HTML (KaTeX); `display` for block math. */
export type MathFn = (tex: string, display: boolean) => string;

/** Options for {@link renderMarkdown}. */
export interface RenderMarkdownOptions {
  /** Syntax highlighter for fenced code; `null` leaves code as escaped text. Defaults to `null`. */
  highlight?: HighlightFn | null;
  /** Math renderer; `null` shows the TeX source in a code span until it is loaded. Defaults to `null`. */
  math?: MathFn | null;
}

/** Past this many lines (or {@link HIGHLIGHT_MAX_CHARS}) a code block is not highlighted: its cost stays bounded. */
export const HIGHLIGHT_MAX_LINES = 400;
export const HIGHLIGHT_MAX_CHARS = 24_000;
/** Code blocks longer than this show their first {@link COLLAPSED_LINES} lines and a "Show all" button. */
export const COLLAPSE_FROM_LINES = 80;
export const COLLAPSED_LINES = 40;

/** What {@link renderMessage} returns: the HTML and the full text of each code block, by `data-code-index`. */
export interface RenderedMessage {
  html: string;
  codes: string[];
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
  // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers ignore control characters inside URL schemes, so they are stripped
  const cleaned = href.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  return SAFE_URL.test(cleaned);
}

let currentHighlight: HighlightFn | null = null;
let currentMath: MathFn | null = null;
let currentCodes: string[] = [];

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function firstLines(text: string, count: number): string {
  let at = -1;
  for (let k = 0; k < count; k++) {
    at = text.indexOf('\n', at + 1);
    if (at < 0) return text;
  }
  return text.slice(0, at);
}

function mathHtml(tex: string, display: boolean): string {
  if (currentMath) {
    try {
      return currentMath(tex, display);
    } catch {
      // Falls through to the source: a formula that does not parse stays readable.
    }
  }
  const src = escapeHtml(display ? `$$${tex}$$` : `$${tex}$`);
  return display ? `<pre class="math-source"><code>${src}</code></pre>` : `<code class="math-source">${src}</code>`;
}

/** `$$…$$` (and `\[…\]`) on their own lines: display math; the TeX is kept verbatim (`\,` stays). */
const blockMath: TokenizerAndRendererExtension = {
  name: 'blockMath',
  level: 'block',
  start: (src: string) => src.match(/^ {0,3}(\$\$|\\\[)/m)?.index,
  tokenizer(src: string) {
    const m = /^ {0,3}(?:\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]) *(?:\n|$)/.exec(src);
    if (!m) return undefined;
    return { type: 'blockMath', raw: m[0], text: (m[1] ?? m[2] ?? '').trim() };
  },
  renderer: (token) => `<div class="math-display">${mathHtml(String(token.text), true)}</div>\n`,
};

/**
 * `$…$` (no space inside the dollars, no digit right after the closing one, so "$5 and $10" stays text) and
 * `\(…\)`: inline math.
 */
const inlineMath: TokenizerAndRendererExtension = {
  name: 'inlineMath',
  level: 'inline',
  start: (src: string) => src.match(/\$|\\\(/)?.index,
  tokenizer(src: string) {
    const m = /^(?:\$\$([^$\n]+?)\$\$|\$(?!\s)((?:\\\$|[^$\n])+?)(?<!\s)\$(?!\d)|\\\(([\s\S]+?)\\\))/.exec(src);
    if (!m) return undefined;
    const display = m[1] !== undefined;
    return { type: 'inlineMath', raw: m[0], text: m[1] ?? m[2] ?? m[3] ?? '', display };
  },
  renderer: (token) => mathHtml(String(token.text), token.display === true),
};

/** Full texts of the big fenced blocks cut out before parsing, by marker (see {@link cutBigFences}). */
let currentBig = new Map<string, string>();
let renderSeq = 0;

/**
 * Cuts the body of every top-level fenced block longer than {@link COLLAPSE_FROM_LINES} down to its first lines plus a
 * marker line before marked sees it: marked then parses 40 lines instead of thousands, and the code renderer puts
 * the full text back (for Copy and "Show all") by the marker. Fences inside lists or quotes are left to marked.
 */
function cutBigFences(source: string): string {
  if (source.length < 4000) return source;
  // Native regex scans (no per-line JavaScript): a 5,000-line block costs a few milliseconds.
  const open = /^ {0,3}(`{3,}|~{3,})[^`\n]*$/gm;
  let out = '';
  let from = 0;
  for (let m = open.exec(source); m; m = open.exec(source)) {
    const fence = m[1]!;
    const bodyStart = m.index + m[0].length + 1;
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`, 'gm');
    close.lastIndex = bodyStart;
    const c = bodyStart <= source.length ? close.exec(source) : null;
    const bodyEnd = c ? c.index - 1 : source.length;
    const body = bodyStart <= bodyEnd ? source.slice(bodyStart, bodyEnd) : '';
    if (lineCount(body) > COLLAPSE_FROM_LINES) {
      const marker = `\u27e6cs-${renderSeq}-${currentBig.size}\u27e7`;
      currentBig.set(marker, body);
      out += `${source.slice(from, bodyStart)}${firstLines(body, COLLAPSED_LINES)}\n${marker}\n`;
      from = c ? c.index : source.length;
    }
    // Go on after the closing fence (or stop: an unclosed fence runs to the end).
    if (!c) break;
    open.lastIndex = c.index + c[0].length;
  }
  return from === 0 ? source : out + source.slice(from);
}

/** The full text of a block that {@link cutBigFences} shortened, or the text as parsed. */
function fullCode(text: string): string {
  if (currentBig.size === 0) return text;
  const at = text.lastIndexOf('\n');
  const marker = text.slice(at + 1);
  return currentBig.get(marker) ?? text;
}

function codeBlockHtml(parsed: string, language: string): string {
  const text = fullCode(parsed);
  const index = currentCodes.push(text) - 1;
  const lines = lineCount(text);
  const big = lines > HIGHLIGHT_MAX_LINES || text.length > HIGHLIGHT_MAX_CHARS;
  const collapsed = lines > COLLAPSE_FROM_LINES;
  const shown = collapsed ? firstLines(text, COLLAPSED_LINES) : text;
  // A collapsed block shows its first lines highlighted only when the whole block is small enough to be.
  const highlighted = language && currentHighlight && !big ? currentHighlight(shown, language) : null;
  const body = highlighted ?? escapeHtml(shown);
  const cls = language ? ` class="hljs language-${escapeHtml(language)}"` : ' class="hljs"';
  const label = `<span class="code-lang">${language ? escapeHtml(language) : 'text'}</span>`;
  const more = collapsed
    ? `<button type="button" class="show-all-code" data-show-all-code="">Show all ${lines.toLocaleString('en-US')} lines</button>`
    : '';
  const kind = language === 'mermaid' ? ' mermaid-block' : '';
  return (
    `<div class="code-block${collapsed ? ' collapsed' : ''}${kind}" data-code-index="${index}"><div class="code-head">${label}` +
    (kind
      ? `<button type="button" class="mermaid-toggle" data-mermaid-toggle="" aria-pressed="true">Show source</button>`
      : '') +
    `<button type="button" class="copy-code" data-copy-code="" aria-label="Copy code">Copy</button></div>` +
    // tabindex: a block that scrolls sideways must be reachable (and scrollable) from the keyboard.
    `<pre tabindex="0"><code${cls}>${body}</code></pre>${more}</div>\n`
  );
}

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  extensions: [blockMath, inlineMath],
  renderer: {
    // Raw HTML in a message is shown as text, never interpreted.
    html(token: Tokens.HTML | Tokens.Tag) {
      const text = escapeHtml(token.text);
      return 'block' in token && token.block ? `<p class="raw-html">${text.replace(/\n+$/, '')}</p>\n` : text;
    },
    code({ text, lang }: Tokens.Code) {
      return codeBlockHtml(text, (lang ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '');
    },
    // Task lists: a read-only checkbox with its state in words for screen readers.
    checkbox({ checked }: Tokens.Checkbox) {
      return `<input type="checkbox" class="task-box" disabled=""${checked ? ' checked=""' : ''} aria-label="${checked ? 'Done' : 'Not done'}"> `;
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
  return renderMessage(source, options).html;
}

let purifyHooked = false;

/** The only inputs kept are the read-only task checkboxes this renderer writes (raw HTML is escaped anyway). */
function hookPurify(): void {
  if (purifyHooked) return;
  purifyHooked = true;
  DOMPurify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName !== 'input' || !(node instanceof Element)) return;
    if (node.getAttribute('type') !== 'checkbox' || !node.hasAttribute('disabled')) node.remove();
  });
}

/**
 * {@link renderMarkdown}, plus the full text of every code block (a collapsed block shows only its first lines;
 * Copy and "Show all" take the text from here).
 *
 * @example
 * renderMessage('```\na\n```').codes // ['a']
 */
export function renderMessage(source: string, options: RenderMarkdownOptions = {}): RenderedMessage {
  currentHighlight = options.highlight ?? null;
  currentMath = options.math ?? null;
  currentCodes = [];
  currentBig = new Map();
  renderSeq++;
  try {
    const html = marked.parse(cutBigFences(source), { async: false }) as string;
    if (!DOMPurify.isSupported) return { html, codes: currentCodes };
    hookPurify();
    const clean = DOMPurify.sanitize(html, { ADD_ATTR: ['target', 'tabindex'], FORBID_TAGS: ['style', 'form', 'img'] });
    return { html: clean, codes: currentCodes };
  } finally {
    currentHighlight = null;
    currentMath = null;
    currentCodes = [];
    currentBig = new Map();
  }
}
