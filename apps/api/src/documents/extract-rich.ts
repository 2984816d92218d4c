/** The extractions that are heavy enough for the worker: PDF, DOCX and HTML. */
import { cleanText } from './clean-text.js';
import { decodeText } from './decode-text.js';
import { extractDocx } from './extract-docx.js';
import { extractPdf } from './extract-pdf.js';
import { htmlToText } from './html-text.js';
import type { ExtractedDocument } from './types.js';

/** Kinds extracted in the worker thread. */
export type RichKind = 'pdf' | 'docx' | 'html';

/** True for the kinds `extractRich` handles. */
export function isRichKind(kind: string): kind is RichKind {
  return kind === 'pdf' || kind === 'docx' || kind === 'html';
}

/** Extracts a PDF, DOCX or HTML file on the calling thread (the worker calls this). */
export async function extractRich(kind: RichKind, bytes: Uint8Array, name: string): Promise<ExtractedDocument> {
  switch (kind) {
    case 'pdf':
      return extractPdf(bytes, name);
    case 'docx':
      return { kind, text: cleanText(await extractDocx(bytes, name)), pages: null };
    case 'html':
      return { kind, text: cleanText(htmlToText(decodeText(bytes).text)), pages: null };
  }
}
