/**
 * Documents: the readable text of attached files and its structural chunks. A pure module — no routes, no store:
 * attachments (apps/api) call `extractDocument` on upload and `chunkDocument` (or `chunkDocumentOffThread`, for
 * large text) for files too large for the prompt.
 */
export { chunkDocument } from './chunk-document.js';
export { chunkDocumentOffThread } from './chunk-off-thread.js';
export { type DecodedText, decodeText, type TextEncoding } from './decode-text.js';
export { ACCEPTED_TYPES, detectKind, extensionOf, KIND_BY_EXTENSION } from './detect-kind.js';
export { AttachmentUnreadableError, AttachmentUnsupportedError } from './errors.js';
export { type ExtractOptions, extractDocument } from './extract-document.js';
export { ExtractionPool, type ExtractionPoolOptions } from './extraction-pool.js';
export { closeExtractionWorkers } from './shared-pool.js';
export {
  type ChunkOptions,
  DOCUMENT_KINDS,
  type DocumentChunk,
  type DocumentKind,
  type ExtractedDocument,
} from './types.js';
