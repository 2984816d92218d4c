/** Attachments: accepted types, upload, and the prompt of a turn with files (whole, or by retrieved chunks). */
import { ApiError } from '../errors/index.js';

export { bareMime, checkAcceptedType, isAcceptedType, nameSuffix } from './accepted-types.js';
export { defaultDocuments, type DocumentsPort } from './documents-port.js';
export { chunkBlock, fileBlock, userTurnContent } from './file-block.js';
export {
  FALLBACK_CONTEXT_TOKENS,
  FILE_SHARE,
  MAX_RETRIEVED_CHUNKS,
  planTurn,
  type PlanDeps,
  type PlanMessage,
  type PlannedTurn,
} from './plan-turn.js';
export {
  fuseChunks,
  retrieveChunks,
  type ChunkMeaningPort,
  type RetrieveChunksRequest,
} from './retrieve-chunks.js';
export { chunkMeaning } from './chunk-meaning.js';
export { withIndexing } from './with-indexing.js';
export { resumeChunking, type ResumeChunkingDeps } from './resume-chunking.js';
export type { AttachmentChunkHit, AttachmentChunkInput, AttachmentStorePort, NewAttachment } from './store-port.js';
export {
  CHUNKS_PER_TURN,
  MAX_CHUNK_CHARS,
  MIN_CHUNK_CHARS,
  chunkChars,
  cleanFileName,
  formatBytes,
  sha256Hex,
  tooLarge,
  prepareAttachmentText,
  uploadAttachment,
  type UploadDeps,
  type UploadedFile,
  type UploadPhases,
} from './upload.js';
export {
  countFileTokens,
  EXACT_COUNT_MIN_CHARS,
  exactCountChars,
  SAMPLE_SLICE_CHARS,
  SAMPLE_SLICES,
  sampleText,
  type TokenCountKind,
} from './count-file-tokens.js';

/** The 404 for an attachment that is missing or another user's: callers must not learn which. */
export function attachmentNotFound(): ApiError {
  return new ApiError(
    'attachment_not_found',
    'Attachment not found: it was deleted, or never uploaded by you; attach the file again',
  );
}
export { pageWithFiles, withFiles } from './with-files.js';
