import { describe, expect, it } from 'vitest';
import { escapeHtml, isSafeUrl, renderMarkdown, renderMessage } from './markdown.js';
import { hasCodeBlock } from './code-detect.js';
import { highlightCode } from './highlighter.js';

// These tests run without a DOM, so DOMPurify is inactive: they check the first line of defence
// (marked's output itself). The browser adds DOMPurify on top; the e2e suite covers that layer.
describe('renderMarkdown safety', () => {
  const payloads = [
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    '<svg onload=alert(1)>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    'text <b onmouseover=alert(1)>bold</b> inline',
    '<div>\n<img src=x onerror=alert(1)>\n</div>',
  ];

  for (const payload of payloads) {
    it(`shows ${JSON.stringify(payload)} as text`, () => {
      const html = renderMarkdown(payload);
      expect(html).not.toMatch(/<(img|script|svg|iframe|div|b)\b/i);
      expect(html).not.toMatch(/<a\b/i);
      expect(html).toContain('&lt;');
    });
  }

  it('keeps the visible text of an escaped tag', () => {
    expect(renderMarkdown('<img src=x onerror=alert(1)>')).toBe(
      '<p class="raw-html">&lt;img src=x onerror=alert(1)&gt;</p>\n',
    );
  });

  it('drops javascript: and data: links but keeps their text', () => {
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:x',
    ]) {
      const html = renderMarkdown(`[click](${href})`);
      expect(html).not.toMatch(/<a\b/);
      expect(html).toContain('click');
    }
  });

  it('renders safe links with rel=noopener and turns images into links', () => {
    expect(renderMarkdown('[docs](https://example.com/a?b=1&c=2)')).toContain(
      '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer nofollow">docs</a>',
    );
    const img = renderMarkdown('![cat](https://example.com/cat.png)');
    expect(img).not.toMatch(/<img\b/);
    expect(img).toContain('href="https://example.com/cat.png"');
    expect(renderMarkdown('![x](javascript:alert(1))')).not.toMatch(/<a\b/);
  });

  it('escapes HTML inside fenced code and inline code', () => {
    const html = renderMarkdown('```html\n<script>alert(1)</script>\n```\n\nand `<img src=x>`');
    expect(html).not.toMatch(/<script\b|<img\b/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<code>&lt;img src=x&gt;</code>');
  });

  it('escapes a hostile code fence language', () => {
    const html = renderMarkdown('```"><img src=x onerror=alert(1)>\ncode\n```');
    expect(html).not.toMatch(/<img\b/);
  });
});

describe('renderMarkdown features', () => {
  it('renders paragraphs, emphasis, lists and tables (GFM)', () => {
    const html = renderMarkdown('**bold** and _em_\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>em</em>');
    expect(html).toContain('<li>a</li>');
    expect(html).toContain('<table>');
  });

  it('wraps code blocks with a language label and a copy button', () => {
    const html = renderMarkdown('```js\nconst a = 1;\n```');
    expect(html).toContain('<span class="code-lang">js</span>');
    expect(html).toContain('data-copy-code=""');
    expect(html).toContain('aria-label="Copy code"');
    expect(html).toContain('class="hljs language-js"');
  });

  it('uses the highlighter when given one, and it escapes code itself', () => {
    const html = renderMarkdown('```js\nconst a = "<b>";\n```', { highlight: highlightCode });
    expect(html).toContain('<span class="hljs-keyword">const</span>');
    expect(html).toContain('&lt;b&gt;');
    expect(html).not.toContain('"<b>"');
  });

  it('leaves unknown languages as escaped text', () => {
    expect(highlightCode('x', 'no-such-language')).toBeNull();
    expect(renderMarkdown('```nope\n<x>\n```', { highlight: highlightCode })).toContain('&lt;x&gt;');
  });
});

describe('helpers', () => {
  it('escapeHtml escapes the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
  it('isSafeUrl allows web, mail, fragment and relative links only', () => {
    expect(isSafeUrl('https://a.b')).toBe(true);
    expect(isSafeUrl('mailto:a@b.c')).toBe(true);
    expect(isSafeUrl('#x')).toBe(true);
    expect(isSafeUrl('/path')).toBe(true);
    expect(isSafeUrl('//evil.example')).toBe(false);
    expect(isSafeUrl(' javascript:alert(1)')).toBe(false);
  });
  it('hasCodeBlock finds fences', () => {
    expect(hasCodeBlock('```js\n1\n```')).toBe(true);
    expect(hasCodeBlock('text\n~~~\ncode\n~~~')).toBe(true);
    expect(hasCodeBlock('inline `code` only')).toBe(false);
  });
});

describe('math, task lists, mermaid and big code blocks', () => {
  const fakeMath = (tex: string, display: boolean) => `<span class="k${display ? 'd' : 'i'}">${escapeHtml(tex)}</span>`;

  it('renders inline and display math with the TeX kept verbatim (\\, survives)', () => {
    const html = renderMarkdown('Area $x^2$ and\n\n$$\\int_0^1 x\\,dx$$\n', { math: fakeMath });
    expect(html).toContain('<span class="ki">x^2</span>');
    expect(html).toContain('<span class="kd">\\int_0^1 x\\,dx</span>');
    expect(renderMarkdown('inline \\(a+b\\) too', { math: fakeMath })).toContain('<span class="ki">a+b</span>');
  });

  it('leaves prices as text and shows the source until KaTeX is loaded', () => {
    expect(renderMarkdown('It costs $5 and $10.', { math: fakeMath })).not.toContain('class="ki"');
    expect(renderMarkdown('Area $x^2$')).toContain('<code class="math-source">$x^2$</code>');
  });

  it('renders task lists with read-only checkboxes', () => {
    const html = renderMarkdown('- [x] done\n- [ ] todo');
    expect(html).toMatch(/<input type="checkbox" class="task-box" disabled="" checked="" aria-label="Done">/);
    expect(html).toMatch(/<input type="checkbox" class="task-box" disabled="" aria-label="Not done">/);
  });

  it('marks mermaid blocks with a source toggle', () => {
    const html = renderMarkdown('```mermaid\ngraph TD; A-->B\n```');
    expect(html).toContain('mermaid-block');
    expect(html).toContain('data-mermaid-toggle');
  });

  it('bounds big code blocks: no highlighting, first lines only, full text kept for copy', () => {
    const code = Array.from({ length: 5000 }, (_, i) => `const line${i} = ${i};`).join('\n');
    let calls = 0;
    const highlight = (c: string) => {
      calls++;
      return escapeHtml(c);
    };
    const started = performance.now();
    const out = renderMessage(`\`\`\`js\n${code}\n\`\`\``, { highlight });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(calls).toBe(0);
    expect(out.codes).toEqual([code]);
    expect(out.html).toContain('Show all 5,000 lines');
    expect(out.html).toContain('line39 = 39;');
    expect(out.html).not.toContain('line40 = 40;');
    expect(out.html).toContain('<pre tabindex="0">');
  });
});

describe('big fenced blocks are cut before parsing', () => {
  it('keeps the text around them, their full text and several blocks apart', () => {
    const a = Array.from({ length: 300 }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: 200 }, (_, i) => `b${i}`).join('\n');
    const source = `Intro **bold**\n\n\`\`\`python\n${a}\n\`\`\`\n\nMiddle\n\n~~~\n${b}\n~~~\n\nEnd $x^2$ text`;
    const out = renderMessage(source.padEnd(source.length + 10, ' '));
    expect(out.codes).toEqual([a, b]);
    expect(out.html).toContain('<strong>bold</strong>');
    expect(out.html).toContain('Middle');
    expect(out.html).toContain('End');
    expect(out.html).toContain('Show all 300 lines');
    expect(out.html).toContain('Show all 200 lines');
    expect(out.html).not.toContain('\u27e6cs-');
  });

  it('leaves an unclosed fence to run to the end', () => {
    const body = Array.from({ length: 120 }, (_, i) => `line ${i}`).join('\n');
    const out = renderMessage(`${'x'.repeat(4000)}\n\n\`\`\`\n${body}`);
    expect(out.codes).toEqual([body]);
  });
});
