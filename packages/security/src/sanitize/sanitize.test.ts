import { describe, expect, it } from 'vitest';
import { escapeHtml, sanitize } from './index.js';

/** Payloads from XSS filter-evasion cheat sheets, plus our own splices. */
const PAYLOADS = [
  "<script>alert('xss')</script>",
  '<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>',
  '<ScRiPt>alert(1)</sCrIpT>',
  '<script>alert(1)',
  '<script src=//evil.example/x.js',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<<script>script>alert(1)<</script>/script>',
  '<scr\u0000ipt>alert(1)</scr\u0000ipt>',
  '<script/xss src="https://evil.example/x.js"></script>',
  '<script>alert(1)</script >',
  '<script\n>alert(1)</script\n>',
  '<img src=x onerror=alert(1)>',
  '<IMG SRC=x OnErRoR="alert(1)">',
  '<img src="x" onerror="alert(String.fromCharCode(88,83,83))"',
  '<svg onload=alert(1)>',
  '<svg/onload=alert(1)>',
  '<body onload=alert(1)>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">click</a>',
  '<a href="JaVaScRiPt:alert(1)">click</a>',
  '<a href="jav&#x09;ascript:alert(1)">tab</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">entities</a>',
  '<a href=" javascript:alert(1)">leading space</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
  '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<input autofocus onfocus=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<a href="x" onmouseover=`alert(1)`>back</a>',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '" onmouseover="alert(1)',
  "' onfocus='alert(1)' autofocus='",
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '&#60;script&#62;alert(1)&#60;/script&#62;',
  '\u003cscript\u003ealert(1)\u003c/script\u003e',
  '＜script＞alert(1)＜/script＞',
  '<scr\u200bipt>alert(1)</scr\u200bipt>',
  '<!--<script>alert(1)//--></script>',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<link rel=import href="data:text/html,<script>alert(1)</script>">',
  '<video><source onerror="alert(1)"></video>',
  '<x onclick=alert(1) y=">">',
  '`-alert(1)-`',
];

/** Decodes the entities `escapeHtml` produces, i.e. what a browser shows for the sanitized text. */
function shown(html: string): string {
  return html.replace(
    /&(amp|lt|gt|quot|#39|#96);/g,
    (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`' })[e]!,
  );
}

describe('sanitize', () => {
  it("removes the guide's script case entirely", () => {
    expect(sanitize("<script>alert('xss')</script>Hello")).toBe('Hello');
  });

  it('escapes plain markup so it shows as text', () => {
    expect(sanitize('<b>bold</b> & "quotes" \'single\'')).toBe(
      '&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot; &#39;single&#39;',
    );
    expect(sanitize('2 < 3 && 5 > 4')).toBe('2 &lt; 3 &amp;&amp; 5 &gt; 4');
  });

  it('keeps ordinary text, unicode and whitespace unchanged', () => {
    const text = 'Hello, wörld! 你好 👋\n\tIndented line — 100% fine; a=b, on=off, javascript is a language.';
    expect(sanitize(text)).toBe(text);
  });

  it('strips event handlers and javascript: URLs inside tags', () => {
    expect(sanitize('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x&gt;');
    expect(sanitize('<a href="javascript:alert(1)" title="t">x</a>')).toBe('&lt;a title=&quot;t&quot;&gt;x&lt;/a&gt;');
    expect(sanitize('<svg/onload=alert(1)>')).toBe('&lt;svg&gt;');
    expect(sanitize('<iframe srcdoc="<b>x</b>">')).toBe('&lt;iframe&gt;');
  });

  it('drops text after an unterminated script tag and NUL-split script tags', () => {
    expect(sanitize('Hi <script>alert(1)')).toBe('Hi ');
    expect(sanitize('a<scr\u0000ipt>alert(1)</script>b')).toBe('ab');
    expect(sanitize('<scr<script>ipt>alert(1)</scr</script>ipt>after')).toBe('');
  });

  it(`neutralizes all ${PAYLOADS.length} payloads`, () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(25);
    for (const payload of PAYLOADS) {
      const out = sanitize(payload);
      const context = `payload ${JSON.stringify(payload)} → ${JSON.stringify(out)}`;
      // Nothing can open a tag or break out of a quoted attribute.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL must never survive sanitising
      expect(out, context).not.toMatch(/[<>"'`\u0000]/);
      expect(out.toLowerCase(), context).not.toContain('<script');
      // Every & starts one of our own entities, so the browser's decoding can't create markup.
      expect(out, context).not.toMatch(/&(?!(?:amp|lt|gt|quot|#39|#96);)/);
      // Even what the browser displays has no script block, handler or script URL inside a tag.
      const text = shown(out);
      expect(text.toLowerCase(), context).not.toMatch(/<script[\s>/]/);
      for (const tag of text.match(/<[a-z][^>]*>?/gi) ?? []) {
        expect(tag, context).not.toMatch(/[\s/"'`]on[a-z]+\s*=/i);
        expect(tag, context).not.toMatch(/javascript:|vbscript:|data:|srcdoc/i);
      }
    }
  });

  it('is idempotent in safety: sanitizing twice stays inert', () => {
    for (const payload of PAYLOADS) {
      expect(sanitize(sanitize(payload))).not.toMatch(/[<>"']/);
    }
  });
});

describe('escapeHtml', () => {
  it('escapes & < > " \' and `', () => {
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
  });
});
