/** Control characters (NUL included) that browsers drop inside tag names, hiding `<scr\0ipt>` from filters. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: browsers drop them inside tag names
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

const SCRIPT_BLOCK = /<script\b[\s\S]*?<\/script[^>]*>/gi;
const UNTERMINATED_SCRIPT = /<script\b[\s\S]*$/i;

/** A start tag up to its `>` (or the end of the text), with quoted values kept whole. */
const START_TAG = /<([a-z][a-z0-9:-]*)((?:[^>"'`]|"[^"]*"|'[^']*'|`[^`]*`)*)(>?)/gi;
const ATTRIBUTE = /([^\s"'>/=`]+)(?:\s*=\s*("[^"]*"|'[^']*'|`[^`]*`|[^\s"'>`]+))?/g;

/** Script schemes anywhere in a value (`<meta content="0;url=javascript:…">`), data: URLs at the start or after `url=`. */
const DANGEROUS_URL = /(?:javascript|vbscript|livescript):|(?:^|url=)data:/i;
const DANGEROUS_ATTRIBUTE = /^(?:on|srcdoc$|formaction$|xmlns$|xlink:href$|http-equiv$)/i;

const NAMED_ENTITIES: Record<string, string> = { colon: ':', tab: '\t', newline: '\n', lpar: '(', rpar: ')', sol: '/' };

function decodeEntities(value: string): string {
  return value.replace(/&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));?/gi, (whole, dec?: string, hex?: string, name?: string) => {
    if (dec !== undefined || hex !== undefined) {
      const code = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return NAMED_ENTITIES[name!.toLowerCase()] ?? whole;
  });
}

function isDangerousAttribute(name: string, rawValue: string | undefined): boolean {
  if (DANGEROUS_ATTRIBUTE.test(name)) return true;
  if (rawValue === undefined) return false;
  const unquoted = /^["'`]/.test(rawValue) ? rawValue.slice(1, -1) : rawValue;
  // Browsers ignore whitespace and control characters inside a URL scheme: `jav&#9;ascript:`.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers ignore control characters inside a URL scheme, so they are stripped
  const value = decodeEntities(unquoted).replace(/[\s\u0000-\u001F\u007F]+/g, '');
  if (DANGEROUS_URL.test(value)) return true;
  return name.toLowerCase() === 'style' && /expression\s*\(|url\s*\(\s*['"]?\s*(?:javascript|vbscript):/i.test(value);
}

function stripDangerousAttributes(text: string): string {
  return text.replace(START_TAG, (_tag, name: string, attributes: string, close: string) => {
    const kept: string[] = [];
    for (const m of attributes.matchAll(ATTRIBUTE)) {
      if (!isDangerousAttribute(m[1]!, m[2])) kept.push(m[0]);
    }
    return `<${name}${kept.length ? ` ${kept.join(' ')}` : ''}${close}`;
  });
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Escapes `& < > " '` (and the backtick old IE treated as a quote).
 *
 * @example
 * escapeHtml('<a href="x">') // '&lt;a href=&quot;x&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => ESCAPES[ch]!);
}

/**
 * Makes text safe to place in HTML (element content or a quoted attribute): removes
 * `<script>…</script>` blocks (and unterminated ones) with their content, strips event-handler
 * attributes and `javascript:`/`data:` URLs, then escapes `& < > " ' \`` so whatever markup is
 * left shows as text and cannot run. Whitespace is kept as is.
 *
 * @example
 * sanitize("<script>alert('xss')</script>Hello") // 'Hello'
 * sanitize('<b onclick="x()">hi</b>')            // '&lt;b&gt;hi&lt;/b&gt;'
 */
export function sanitize(text: string): string {
  let s = String(text).replace(CONTROL_CHARS, '');
  // Removal can splice a new `<script` together (`<scr<script>…</script>ipt>`): repeat until stable.
  for (let previous = ''; previous !== s; ) {
    previous = s;
    s = s.replace(SCRIPT_BLOCK, '').replace(UNTERMINATED_SCRIPT, '');
  }
  return escapeHtml(stripDangerousAttributes(s));
}
