/**
 * Branches of a chat: siblings, switching the current branch, edit and regenerate (which add siblings), subtree
 * delete. Request bodies are strict: a field these routes do not know is a 400 naming it, never ignored.
 */
import * as v from 'valibot';
import { IdSchema } from './common.js';
import { DEFAULT_LIMITS, type ProtocolLimits } from './limits.js';
import { generationParamsSchema } from './generation.js';
import { ChatMessageSchema, messageContentSchema } from './message.js';
import { AttachmentIdsSchema } from './attachment.js';

/**
 * `GET /api/chat/sessions/:id/messages/:messageId/siblings`: the messages with the same parent (edits of one
 * question, or regenerated replies to it), oldest first; `position` (1-based) is the named message's place.
 */
export const MessageSiblingsSchema = v.object({
  items: v.array(ChatMessageSchema),
  position: v.number(),
  count: v.number(),
});
export type MessageSiblings = v.InferOutput<typeof MessageSiblingsSchema>;

/**
 * `POST /api/chat/sessions/:id/branch`: show the branch through `message_id`. When the message is on the current
 * branch nothing changes; otherwise the current leaf becomes the newest message below it.
 */
export const SwitchBranchRequestSchema = v.strictObject({ message_id: IdSchema });
export type SwitchBranchRequest = v.InferInput<typeof SwitchBranchRequestSchema>;

/** `POST /api/chat/sessions/:id/messages/:messageId/edit` (SSE like `/api/chat/stream`): a sibling with new text, and a reply. */
export function editMessageRequestSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.strictObject({
    content: v.pipe(messageContentSchema(limits), v.minLength(1, 'Message is empty')),
    params: v.optional(generationParamsSchema(limits)),
    /**
     * The new version's files, replacing the original's: ids of the caller's unsent attachments and of the original
     * message's own (copied; the original keeps them). Absent: the new version carries the original's files.
     */
    attachments: v.optional(AttachmentIdsSchema),
  });
}
export const EditMessageRequestSchema = editMessageRequestSchema();
export type EditMessageRequest = v.InferInput<typeof EditMessageRequestSchema>;

/**
 * `POST /api/chat/sessions/:id/messages/:messageId/regenerate` (SSE like `/api/chat/stream`): a new reply as a
 * sibling of the named reply (or, for a user message, a new reply under it).
 */
export function regenerateRequestSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.strictObject({ params: v.optional(generationParamsSchema(limits)) });
}
export const RegenerateRequestSchema = regenerateRequestSchema();
export type RegenerateRequest = v.InferInput<typeof RegenerateRequestSchema>;

/** `GET /api/chat/sessions/:id/messages/:messageId/subtree`: how many messages a delete of this one removes (itself included). */
export const SubtreeCountSchema = v.object({ message_id: IdSchema, count: v.number() });
export type SubtreeCount = v.InferOutput<typeof SubtreeCountSchema>;

/** `DELETE /api/chat/sessions/:id/messages/:messageId`: the message and everything below it, in one transaction. */
export const DeleteMessageResponseSchema = v.object({ deleted: v.number(), current_leaf_id: v.nullable(IdSchema) });
export type DeleteMessageResponse = v.InferOutput<typeof DeleteMessageResponseSchema>;
