/**
 * Documents: the readable text of attached files and its structural chunks. A pure module — no routes, no store:
 * attachments (apps/api) call `extractDocument` on upload and `chunkDocument` for files too large for the prompt.
 */
export { chunkDocument } from './chunk-document.js';
export { type DecodedText, decodeText, type TextEncoding } from './decode-text.js';
export { ACCEPTED_TYPES, detectKind, extensionOf, KIND_BY_EXTENSION } from './detect-kind.js';
export { AttachmentUnreadableError, AttachmentUnsupportedError } from './errors.js';
export { closeExtractionWorkers, type ExtractOptions, extractDocument } from './extract-document.js';
export { ExtractionPool, type ExtractionPoolOptions, type RichText } from './extraction-pool.js';
export {
  type ChunkOptions,
  DOCUMENT_KINDS,
  type DocumentChunk,
  type DocumentKind,
  type ExtractedDocument,
} from './types.js';
