import * as v from 'valibot';
import { CursorSchema, IdSchema, QueryBoolSchema, TimestampSchema, pageSchema, queryInt } from './common.js';
import { DEFAULT_LIMITS, type ProtocolLimits } from './limits.js';
import { generationParamsSchema } from './generation.js';

/** Per-session settings: system prompt, model parameters, preferred model and voice. */
export function sessionSettingsSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  const params = generationParamsSchema(limits);
  return v.object({
    ...params.entries,
    model_id: v.optional(v.pipe(v.string(), v.maxLength(300))),
    speak_replies: v.optional(v.boolean()),
  });
}
export const SessionSettingsSchema = sessionSettingsSchema();
export type SessionSettings = v.InferOutput<typeof SessionSettingsSchema>;

export const ChatSessionSchema = v.object({
  id: IdSchema,
  title: v.string(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  pinned: v.boolean(),
  archived: v.boolean(),
  settings: SessionSettingsSchema,
  /** Every stored message of the chat, on every branch (edits and regenerated replies included). */
  message_count: v.optional(v.number()),
  /** The last message of the branch the chat shows (`null` while it has none); new messages go under it. */
  current_leaf_id: v.optional(v.nullable(IdSchema)),
});
export type ChatSession = v.InferOutput<typeof ChatSessionSchema>;

function titleSchema(limits: ProtocolLimits) {
  return v.pipe(
    v.string(),
    v.trim(),
    v.maxLength(limits.maxTitleLength, `Title is longer than ${limits.maxTitleLength} characters`),
  );
}

export function createSessionRequestSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.object({
    title: v.optional(titleSchema(limits)),
    pinned: v.optional(v.boolean()),
    settings: v.optional(sessionSettingsSchema(limits)),
  });
}
export const CreateSessionRequestSchema = createSessionRequestSchema();
export type CreateSessionRequest = v.InferInput<typeof CreateSessionRequestSchema>;

export function updateSessionRequestSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.object({
    // A rename to nothing is refused rather than ignored: the guide's readers PATCH `"title": ""` to clear one.
    title: v.optional(
      v.pipe(titleSchema(limits), v.minLength(1, 'Title is empty; give a title or leave the field out')),
    ),
    pinned: v.optional(v.boolean()),
    archived: v.optional(v.boolean()),
    settings: v.optional(sessionSettingsSchema(limits)),
  });
}
export const UpdateSessionRequestSchema = updateSessionRequestSchema();
export type UpdateSessionRequest = v.InferInput<typeof UpdateSessionRequestSchema>;

/** `GET /api/chat/sessions` query: newest activity first. */
export function listSessionsQuerySchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.object({
    limit: v.optional(queryInt(1, limits.maxPageSize)),
    cursor: v.optional(CursorSchema),
    pinned: v.optional(QueryBoolSchema),
    archived: v.optional(QueryBoolSchema),
  });
}
export const ListSessionsQuerySchema = listSessionsQuerySchema();
export type ListSessionsQuery = v.InferOutput<typeof ListSessionsQuerySchema>;

export const SessionPageSchema = pageSchema(ChatSessionSchema);
