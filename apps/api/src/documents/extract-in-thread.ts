/** Extraction of any kind on the calling thread; the worker calls this, and the main thread for small text files. */
import { cleanText } from './clean-text.js';
import { decodeText } from './decode-text.js';
import type { DocumentKind, ExtractedDocument } from './types.js';

/**
 * Extracts a file whose kind is known. The PDF, DOCX and HTML libraries are imported on first use, so a worker that
 * only ever decodes logs starts in milliseconds instead of loading PDF.js.
 */
export async function extractInThread(kind: DocumentKind, bytes: Uint8Array, name: string): Promise<ExtractedDocument> {
  switch (kind) {
    case 'pdf':
      return (await import('./extract-pdf.js')).extractPdf(bytes, name);
    case 'docx': {
      const { extractDocx } = await import('./extract-docx.js');
      return { kind, text: cleanText(await extractDocx(bytes, name)), pages: null };
    }
    case 'html': {
      const { htmlToText } = await import('./html-text.js');
      return { kind, text: cleanText(htmlToText(decodeText(bytes).text)), pages: null };
    }
    default:
      return { kind, text: cleanText(decodeText(bytes).text), pages: null };
  }
}
