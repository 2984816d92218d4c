/**
 * The document extractor's contract (apps/api/src/documents, built beside this module): text out of a file, and
 * structural chunks of a long text.
 */

/** What a file's text was read as. */
export type DocumentKind = 'text' | 'markdown' | 'code' | 'csv' | 'json' | 'log' | 'pdf' | 'docx' | 'html';

/** A file's readable text; `pages` are the character offsets where each page starts (PDFs), else null. */
export interface ExtractedDocument {
  kind: DocumentKind;
  text: string;
  pages: number[] | null;
}

/** One structural piece of a document's text (`start`/`end` are character offsets into it). */
export interface DocumentChunk {
  ordinal: number;
  start: number;
  end: number;
  heading: string | null;
  page: number | null;
  text: string;
}

/** Extraction and chunking, injected so the upload path can be tested without every format. */
export interface DocumentsPort {
  /** Throws errors with code `attachment_unsupported` or `attachment_unreadable`. */
  extractDocument(bytes: Uint8Array, file: { name: string; mime: string }): Promise<ExtractedDocument>;
  chunkDocument(doc: ExtractedDocument, options: { maxChars: number }): DocumentChunk[];
}
