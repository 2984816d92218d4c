import { describe, expect, it } from 'vitest';
import { cleanText } from './clean-text.js';
import { decodeText } from './decode-text.js';

describe('decodeText', () => {
  it('reads valid UTF-8 as UTF-8, dropping its byte order mark', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0xc3, 0xa9]))).toEqual({ text: 'é', encoding: 'utf-8' });
  });

  it('reads UTF-16 by its byte order mark', () => {
    expect(decodeText(new Uint8Array([0xfe, 0xff, 0, 0x68, 0, 0xe9]))).toEqual({ text: 'hé', encoding: 'utf-16be' });
  });

  it('reads invalid UTF-8 as Windows-1252, including the 0x80–0x9F range Node 20 gets wrong', () => {
    const bytes = new Uint8Array([0x93, 0x71, 0x94, 0x20, 0x96, 0x20, 0x80, 0x20, 0xe9, 0x20, 0x81]);
    expect(decodeText(bytes)).toEqual({ text: '\u201Cq\u201D \u2013 € é \u0081', encoding: 'windows-1252' });
  });
});

describe('cleanText', () => {
  it('replaces lone surrogates, keeps pairs, normalises line ends and drops control characters', () => {
    const raw = '\uFEFFa\uD800b\uDC00c😀\r\nd\re\ff\u0000g\u0007h\u009Fi\tj';
    expect(cleanText(raw)).toBe('a\uFFFDb\uFFFDc😀\nd\ne\nfghi\tj');
    // encodeURIComponent throws on a lone surrogate.
    expect(() => encodeURIComponent(cleanText(raw))).not.toThrow();
  });
});
