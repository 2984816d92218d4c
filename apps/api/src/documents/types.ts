/** The shapes the documents layer hands to attachments, prompts and retrieval (see the attachments contract). */

/** What a file is read as; decides how its text is extracted and how it is chunked. */
export type DocumentKind = 'text' | 'markdown' | 'code' | 'csv' | 'json' | 'log' | 'pdf' | 'docx' | 'html';

/** Every kind, for schemas and exhaustive checks. */
export const DOCUMENT_KINDS: readonly DocumentKind[] = [
  'text',
  'markdown',
  'code',
  'csv',
  'json',
  'log',
  'pdf',
  'docx',
  'html',
];

/**
 * The readable text of a file. `text` is well-formed UTF-16 (no lone surrogates), has `\n` line ends and no NUL or
 * other control characters besides tab and newline (so PostgreSQL `text` stores it). HTML and DOCX headings are
 * written as Markdown `#` lines, so chunking follows them.
 */
export interface ExtractedDocument {
  kind: DocumentKind;
  text: string;
  /** For PDFs, the offset in `text` where each page starts (`pages[0] === 0`); `null` for other kinds. */
  pages: number[] | null;
}

/** One piece of a document for retrieval; `text` is at most `maxChars` long. */
export interface DocumentChunk {
  /** 0-based position in the document's chunk list. */
  ordinal: number;
  /** Offsets into `ExtractedDocument.text`: the chunk covers `text.slice(start, end)`. */
  start: number;
  end: number;
  /** The nearest heading above the chunk (for CSV and logs the row or line range; for code the declaration). */
  heading: string | null;
  /** 1-based page number for PDFs; `null` otherwise. */
  page: number | null;
  /**
   * The chunk's text: `text.slice(start, end)`, except for CSV chunks after the first, which start with the
   * header row and a newline so each chunk reads on its own.
   */
  text: string;
}

/** How big chunks may be. */
export interface ChunkOptions {
  /** Upper bound on each chunk's `text.length` (UTF-16 code units); an integer of at least 2. */
  maxChars: number;
}
