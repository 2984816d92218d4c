import * as v from 'valibot';
import { CursorSchema, IdSchema, TimestampSchema, pageSchema, queryInt } from './common.js';
import { DEFAULT_LIMITS, type ProtocolLimits } from './limits.js';
import { FINISH_REASONS } from './generation.js';
import { AttachmentSourceSchema, AttachmentSummarySchema } from './attachment.js';

export const MESSAGE_ROLES = ['system', 'user', 'assistant'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/**
 * `partial` while a reply streams or after it was aborted; `error` when generation failed; `interrupted` when the
 * process writing it died (a crash, a SIGKILL) and a later start recovered it with what had been stored.
 */
export const MESSAGE_STATUSES = ['complete', 'partial', 'error', 'interrupted'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * One message. Messages form a tree: `parent_id` is the message this one follows or answers (`null` for a chat's
 * first message). An edit or a regenerated reply is a sibling (same parent) of the message it replaces, so nothing
 * is lost. Listings of a chat's current branch add `sibling_position` (1-based) and `sibling_count` (messages with
 * the same parent, this one included): a client shows `‹ 2 / 3 ›` where `sibling_count > 1`.
 */
export const ChatMessageSchema = v.object({
  id: IdSchema,
  session_id: IdSchema,
  parent_id: v.nullable(IdSchema),
  role: v.picklist(MESSAGE_ROLES),
  content: v.string(),
  created_at: TimestampSchema,
  status: v.picklist(MESSAGE_STATUSES),
  model_id: v.nullable(v.string()),
  prompt_tokens: v.nullable(v.number()),
  completion_tokens: v.nullable(v.number()),
  time_to_first_token_ms: v.nullable(v.number()),
  tokens_per_second: v.nullable(v.number()),
  finish_reason: v.nullable(v.picklist(FINISH_REASONS)),
  sibling_position: v.optional(v.number()),
  sibling_count: v.optional(v.number()),
  /** Files sent with a user message (absent when none). */
  attachments: v.optional(v.array(AttachmentSummarySchema)),
  /** On an assistant reply: the parts of large attached files it was given (absent when none). */
  sources: v.optional(v.array(AttachmentSourceSchema)),
});
export type ChatMessage = v.InferOutput<typeof ChatMessageSchema>;

export function messageContentSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.pipe(
    v.string(),
    v.maxLength(limits.maxMessageLength, `Message is longer than ${limits.maxMessageLength} characters`),
  );
}

export function appendMessageRequestSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.object({
    role: v.picklist(MESSAGE_ROLES),
    content: messageContentSchema(limits),
    status: v.optional(v.picklist(MESSAGE_STATUSES)),
  });
}
export const AppendMessageRequestSchema = appendMessageRequestSchema();
export type AppendMessageRequest = v.InferInput<typeof AppendMessageRequestSchema>;

export function updateMessageRequestSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.object({ content: messageContentSchema(limits) });
}
export const UpdateMessageRequestSchema = updateMessageRequestSchema();
export type UpdateMessageRequest = v.InferInput<typeof UpdateMessageRequestSchema>;

/**
 * `GET /api/chat/sessions/:id/messages` query. `order=desc` walks from the newest message back
 * (what a chat view needs first), `order=asc` from the oldest forward. Defaults to `asc`.
 *
 * `around=<messageId>` instead returns the page centred on that message (a {@link MessageAroundPage}),
 * so a search hit deep in a long chat opens in one request. It takes `limit` only: combining it with
 * `cursor` or `order` is a validation error, because the around page has its own two cursors.
 *
 * @example
 * v.parse(ListMessagesQuerySchema, { around: '01JDQ7X3Y5Z8A9B0C1D2E3F4G5', limit: '100' });
 */
export function listMessagesQuerySchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.pipe(
    v.object({
      limit: v.optional(queryInt(1, limits.maxPageSize)),
      cursor: v.optional(CursorSchema),
      order: v.optional(v.picklist(['asc', 'desc'])),
      around: v.optional(IdSchema),
    }),
    v.check(
      (q) => q.around === undefined || (q.cursor === undefined && q.order === undefined),
      '`around` cannot be combined with `cursor` or `order`',
    ),
  );
}
export const ListMessagesQuerySchema = listMessagesQuerySchema();
export type ListMessagesQuery = v.InferOutput<typeof ListMessagesQuerySchema>;

export const MessagePageSchema = pageSchema(ChatMessageSchema);

/**
 * The answer to `?around=<messageId>`: up to `limit` messages in ascending order, about half of them older
 * than the named message, and a cursor for each direction (`null` when that end of the chat is loaded).
 * `older_cursor` continues with `order=desc`, `newer_cursor` with `order=asc`; both are ordinary cursors of
 * those listings. `next_cursor` equals `newer_cursor`, because the items ascend like an `order=asc` page.
 */
export const MessageAroundPageSchema = v.object({
  ...MessagePageSchema.entries,
  older_cursor: v.nullable(v.string()),
  newer_cursor: v.nullable(v.string()),
  /**
   * The leaf of the branch the page lies on: the current leaf when the message is on the chat's current branch,
   * else the newest message below it. Switch to it (`POST /api/chat/sessions/:id/branch`) to keep that branch.
   */
  leaf_id: v.optional(IdSchema),
});
export type MessageAroundPage = v.InferOutput<typeof MessageAroundPageSchema>;
