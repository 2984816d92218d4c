/** Bytes to a string: UTF-8 when the bytes are UTF-8, UTF-16 with a byte order mark, else Windows-1252. */

/** How a file's bytes were read. */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/** Text and the encoding it was read with. */
export interface DecodedText {
  text: string;
  encoding: TextEncoding;
}

/**
 * Windows-1252's characters for bytes 0x80–0x9F (the rest equals Latin-1). Node 20's TextDecoder decodes
 * `windows-1252` as plain Latin-1, turning "€" into an invisible C1 control; this table fixes that. The five
 * unassigned bytes stay C1 controls, which `cleanText` drops.
 */
const CP1252_HIGH =
  '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F' +
  '\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
  return new TextDecoder('latin1')
    .decode(bytes)
    .replace(/[\u0080-\u009F]/g, (char) => CP1252_HIGH[char.charCodeAt(0) - 0x80] as string);
}

function detectBom(bytes: Uint8Array): TextEncoding | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

/**
 * Decodes a text file. Valid UTF-8 (with or without a byte order mark) is read as UTF-8; UTF-16 needs its byte
 * order mark. Anything else is read as Windows-1252 (what the WHATWG Encoding standard means by "latin1"): every
 * byte maps to a character, so legacy Western text (Latin-1 and Windows exports, old logs) reads as written instead
 * of turning into U+FFFD, and nothing is refused for its encoding. Text in other legacy encodings reads as
 * mojibake, which is still better than refusing it; the choice is reported in `encoding`.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const bom = detectBom(bytes);
  if (bom) return { text: new TextDecoder(bom, { ignoreBOM: false }).decode(bytes), encoding: bom };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  }
}
