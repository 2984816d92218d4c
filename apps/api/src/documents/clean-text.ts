/** Makes extracted text safe to store and to count: well-formed, `\n` line ends, no control characters. */

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 controls but tab and line feed (carriage returns are gone by then), DEL and C1 controls. PostgreSQL refuses
// NUL in text; the rest only confuses tokenizers. Form feeds (page breaks in logs and PDFs) become newlines.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROLS = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F]/g;

/**
 * Well-formed text: CRLF and CR become LF, form feeds become LF, lone surrogates become U+FFFD, other control
 * characters (NUL included) are dropped, a leading byte order mark is dropped.
 */
export function cleanText(raw: string): string {
  return raw
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\f/g, '\n')
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(CONTROLS, '');
}
