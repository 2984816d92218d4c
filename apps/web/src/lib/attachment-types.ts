/** The attachments contract's types, as the protocol declares them (one import place for the web app). */
export type {
  AttachmentChunkInfo as AttachmentChunk,
  AttachmentLimits,
  AttachmentSource,
  AttachmentSummary,
  AttachmentText,
} from '@chat-studio/protocol';
