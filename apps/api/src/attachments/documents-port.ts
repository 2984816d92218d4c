/** The documents layer (apps/api/src/documents) as the upload path uses it: injected, so tests may pass another. */
import {
  chunkDocumentOffThread,
  extractDocument,
  type DocumentChunk,
  type ExtractedDocument,
} from '../documents/index.js';

/** Extraction and chunking per the attachments contract. */
export interface DocumentsPort {
  /** Throws errors with code `attachment_unsupported` or `attachment_unreadable`. */
  extractDocument(bytes: Uint8Array, file: { name: string; mime: string }): Promise<ExtractedDocument>;
  chunkDocument(doc: ExtractedDocument, options: { maxChars: number }): DocumentChunk[] | Promise<DocumentChunk[]>;
}

/** The documents module itself. */
export const defaultDocuments: DocumentsPort = {
  extractDocument: (bytes, file) => extractDocument(bytes, file),
  // Large texts are chunked in the extraction worker, off the event loop.
  chunkDocument: (doc, options) => chunkDocumentOffThread(doc, options),
};
