/** PDF text, page by page, with unpdf (PDF.js built for servers). Runs in the extraction worker. */
import { extractText, getDocumentProxy } from 'unpdf';
import { cleanText } from './clean-text.js';
import { AttachmentUnreadableError, AttachmentUnsupportedError } from './errors.js';
import type { ExtractedDocument } from './types.js';

/** Pages are set apart by a blank line; `pages` records where each starts. */
const PAGE_SEPARATOR = '\n\n';

async function readPages(bytes: Uint8Array, name: string): Promise<string[]> {
  try {
    // verbosity 0: PDF.js would print its repair warnings on the console. No eval: fonts are not compiled to code.
    const pdf = await getDocumentProxy(bytes, { verbosity: 0, isEvalSupported: false, stopAtErrors: false });
    try {
      const { text } = await extractText(pdf, { mergePages: false });
      return text;
    } finally {
      await pdf.destroy();
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && error.name === 'PasswordException')
      throw new AttachmentUnreadableError(`${name} is password-protected: remove the password and attach it again.`);
    throw new AttachmentUnreadableError(`${name} could not be read as a PDF (${reason}): it may be damaged.`);
  }
}

/**
 * Extracts a PDF's text. Pages are cleaned one by one so `pages` offsets hold in the final text.
 *
 * @throws AttachmentUnreadableError for a damaged or password-protected PDF.
 * @throws AttachmentUnsupportedError for a PDF without a text layer (scanned pages are images).
 */
export async function extractPdf(bytes: Uint8Array, name: string): Promise<ExtractedDocument> {
  const pageTexts = await readPages(bytes, name);
  const pages: number[] = [];
  let text = '';
  for (const [index, pageText] of pageTexts.entries()) {
    if (index > 0) text += PAGE_SEPARATOR;
    pages.push(text.length);
    text += cleanText(pageText).trim();
  }
  if (pageTexts.length > 0 && text.trim() === '')
    throw new AttachmentUnsupportedError(
      `${name} has no text layer (its pages are scanned images). Images need a vision model, which Chat Studio ` +
        'does not have yet: run it through OCR and attach the result.',
    );
  return { kind: 'pdf', text, pages };
}
