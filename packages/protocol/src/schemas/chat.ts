import * as v from 'valibot';
import { IdSchema } from './common.js';
import { DEFAULT_LIMITS, type ProtocolLimits } from './limits.js';
import { GenerationStatsSchema, generationParamsSchema } from './generation.js';
import { ChatMessageSchema, messageContentSchema } from './message.js';

/** Body of `POST /api/chat/send` and `POST /api/chat/stream`. */
export function sendRequestSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.object({
    session_id: IdSchema,
    message: v.pipe(messageContentSchema(limits), v.minLength(1, 'Message is empty')),
    params: v.optional(generationParamsSchema(limits)),
  });
}
export const SendRequestSchema = sendRequestSchema();
export type SendRequest = v.InferInput<typeof SendRequestSchema>;

export const SendResponseSchema = v.object({
  user_message: ChatMessageSchema,
  assistant_message: ChatMessageSchema,
  stats: GenerationStatsSchema,
});
export type SendResponse = v.InferOutput<typeof SendResponseSchema>;

/**
 * `POST /api/chat/prepare`: the chat whose next turn should be fast. `params` as the next send will pass them
 * (its `system_prompt` is part of what is evaluated).
 */
export function prepareRequestSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.object({
    session_id: IdSchema,
    params: v.optional(generationParamsSchema(limits)),
  });
}
export const PrepareRequestSchema = prepareRequestSchema();
export type PrepareRequest = v.InferInput<typeof PrepareRequestSchema>;

/**
 * `preparing`: the model started reading the chat's history; `ready`: it already holds it; `skipped`: nothing was
 * done (the model is busy, or holds no KV cache of its own, as with a remote upstream).
 */
export const PrepareResponseSchema = v.object({ status: v.picklist(['preparing', 'ready', 'skipped']) });
export type PrepareResponse = v.InferOutput<typeof PrepareResponseSchema>;

/** SSE events of `POST /api/chat/stream`, in order: `start`, any number of `token`, then `done` or `error`. */
export const StreamStartEventSchema = v.object({
  type: v.literal('start'),
  session_id: IdSchema,
  user_message: ChatMessageSchema,
  assistant_message_id: IdSchema,
  model_id: v.string(),
});
export const StreamTokenEventSchema = v.object({
  type: v.literal('token'),
  text: v.string(),
});
export const StreamDoneEventSchema = v.object({
  type: v.literal('done'),
  message: ChatMessageSchema,
  stats: GenerationStatsSchema,
});
export const StreamErrorEventSchema = v.object({
  type: v.literal('error'),
  code: v.string(),
  message: v.string(),
  assistant_message_id: v.optional(IdSchema),
});
export const StreamEventSchema = v.variant('type', [
  StreamStartEventSchema,
  StreamTokenEventSchema,
  StreamDoneEventSchema,
  StreamErrorEventSchema,
]);
export type StreamStartEvent = v.InferOutput<typeof StreamStartEventSchema>;
export type StreamTokenEvent = v.InferOutput<typeof StreamTokenEventSchema>;
export type StreamDoneEvent = v.InferOutput<typeof StreamDoneEventSchema>;
export type StreamErrorEvent = v.InferOutput<typeof StreamErrorEventSchema>;
export type StreamEvent = v.InferOutput<typeof StreamEventSchema>;
/** SSE `event:` names; each event's `data:` is the JSON of the matching schema. */
export type StreamEventName = StreamEvent['type'];
