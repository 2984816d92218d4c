import * as v from 'valibot';
import { IdSchema, TimestampSchema } from './common.js';

/**
 * `ready`: stored and usable in a turn; `indexing`: a large file whose chunks are still being prepared (vectors);
 * `error`: it could not be prepared (the summary still lists it, so the user sees why).
 */
export const ATTACHMENT_STATES = ['ready', 'indexing', 'error'] as const;
export type AttachmentState = (typeof ATTACHMENT_STATES)[number];

/** Progress of a chunked file's vectors (`AttachmentSummary.index`). */
export const AttachmentIndexSchema = v.object({
  chunks: v.number(),
  embedded: v.number(),
  reason: v.nullable(v.string()),
});
export type AttachmentIndex = v.InferOutput<typeof AttachmentIndexSchema>;

/**
 * A file the user attached (`POST /api/attachments`), before and after it was sent with a message.
 * `tokens` is what the extracted text takes in the active model's tokenizer (null while no model is loaded);
 * `chunked` files are too large for the context and take part by retrieved chunks.
 */
export const AttachmentSummarySchema = v.object({
  id: IdSchema,
  name: v.string(),
  mime: v.string(),
  size: v.number(),
  sha256: v.string(),
  tokens: v.nullable(v.number()),
  state: v.picklist(ATTACHMENT_STATES),
  chunked: v.boolean(),
  /** The user message it was sent with; `null` until sent. */
  message_id: v.nullable(IdSchema),
  created_at: TimestampSchema,
  /**
   * Chunked files, in `GET /api/attachments/:id`: how many chunks have vectors for hybrid retrieval, and why not when
   * `state` is `error` (retrieval then goes on by words). Absent elsewhere and for files that go whole.
   */
  index: v.optional(AttachmentIndexSchema),
});
export type AttachmentSummary = v.InferOutput<typeof AttachmentSummarySchema>;

/** One part of a large file a reply was given (its `sources`), to open the preview at. */
export const AttachmentSourceSchema = v.object({
  attachment_id: IdSchema,
  name: v.string(),
  ordinal: v.number(),
  heading: v.nullable(v.string()),
  page: v.nullable(v.number()),
  /** Character offsets of the chunk in the extracted text (`GET /api/attachments/:id/text`). */
  start: v.number(),
  end: v.number(),
});
export type AttachmentSource = v.InferOutput<typeof AttachmentSourceSchema>;

/** Where a chunk lies in the extracted text, for the preview. */
export const AttachmentChunkInfoSchema = v.object({
  ordinal: v.number(),
  start: v.number(),
  end: v.number(),
  heading: v.nullable(v.string()),
  page: v.nullable(v.number()),
});
export type AttachmentChunkInfo = v.InferOutput<typeof AttachmentChunkInfoSchema>;

/** `GET /api/attachments/:id/text`: the extracted text and its chunks (empty for a file that fits whole). */
export const AttachmentTextSchema = v.object({
  text: v.string(),
  chunks: v.array(AttachmentChunkInfoSchema),
});
export type AttachmentText = v.InferOutput<typeof AttachmentTextSchema>;

/** `GET /api/attachments/limits`: what the composer may upload, and how much of the quota is used. */
export const AttachmentLimitsSchema = v.object({
  max_file_bytes: v.number(),
  quota_bytes: v.number(),
  used_bytes: v.number(),
  /** MIME types and `.ext` suffixes accepted (an `<input accept>` value when joined with commas). */
  accepted: v.array(v.string()),
});
export type AttachmentLimits = v.InferOutput<typeof AttachmentLimitsSchema>;

/** Most attachments one message may carry. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 20;

/** `attachments` of a request that writes a user message: ids of the caller's unsent attachments. */
export const AttachmentIdsSchema = v.pipe(
  v.array(IdSchema),
  v.maxLength(MAX_ATTACHMENTS_PER_MESSAGE, `At most ${MAX_ATTACHMENTS_PER_MESSAGE} attachments per message`),
  v.check((ids) => new Set(ids).size === ids.length, 'An attachment is listed twice'),
);

/**
 * `GET /api/attachments?unsent=true[&session_id=]`: the caller's unsent uploads (drafts, kept until deleted), newest
 * first, for the composer to offer again after a reload; with `session_id`, those uploaded in that chat. The whole
 * list in one page (`next_cursor` is always null): the quota bounds it.
 */
export const UnsentAttachmentsSchema = v.object({
  items: v.array(AttachmentSummarySchema),
  next_cursor: v.null(),
});
export type UnsentAttachments = v.InferOutput<typeof UnsentAttachmentsSchema>;
