/** The documents layer (apps/api/src/documents) as the upload path uses it: injected, so tests may pass another. */
import { chunkDocument, extractDocument, type DocumentChunk, type ExtractedDocument } from '../documents/index.js';

/** Extraction and chunking per the attachments contract. */
export interface DocumentsPort {
  /** Throws errors with code `attachment_unsupported` or `attachment_unreadable`. */
  extractDocument(bytes: Uint8Array, file: { name: string; mime: string }): Promise<ExtractedDocument>;
  chunkDocument(doc: ExtractedDocument, options: { maxChars: number }): DocumentChunk[];
}

/** The documents module itself. */
export const defaultDocuments: DocumentsPort = {
  extractDocument: (bytes, file) => extractDocument(bytes, file),
  chunkDocument: (doc, options) => chunkDocument(doc, options),
};
