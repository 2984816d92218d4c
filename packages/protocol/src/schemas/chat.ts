import * as v from 'valibot';
import { IdSchema } from './common.js';
import { DEFAULT_LIMITS, type ProtocolLimits } from './limits.js';
import { GenerationStatsSchema, generationParamsSchema, type GenerationParams } from './generation.js';
import { ChatMessageSchema, messageContentSchema } from './message.js';
import { AttachmentIdsSchema } from './attachment.js';

/**
 * Body of `POST /api/chat/send` and `POST /api/chat/stream`. Generation fields (`temperature`, `max_tokens`, `top_p`
 * and every other field of `params`) may also be written at the top level, as OpenAI-style clients and the
 * troubleshooting guide do; they are merged into `params`. The same field at both places with different values is a
 * 400, and so is any field this schema does not know (every field works or is refused), also inside `params`.
 */
export function sendRequestSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  const generation = generationParamsSchema(limits).entries;
  return v.pipe(
    v.strictObject(
      {
        session_id: IdSchema,
        message: v.pipe(messageContentSchema(limits), v.minLength(1, 'Message is empty')),
        params: v.optional(v.strictObject(generation, unknownField)),
        /** Ids of the caller's unsent attachments, bound to the new user message. */
        attachments: v.optional(AttachmentIdsSchema),
        ...generation,
      },
      unknownField,
    ),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const { session_id, message, params, attachments, ...topLevel } = dataset.value;
      const merged: Record<string, unknown> = { ...params };
      for (const [key, value] of Object.entries(topLevel)) {
        if (value === undefined) continue;
        if (key in merged && JSON.stringify(merged[key]) !== JSON.stringify(value)) {
          addIssue({
            message: `Field "${key}" is given both at the top level and in params, with different values`,
            path: [topLevelKey(dataset.value, key)],
          });
          return NEVER;
        }
        merged[key] = value;
      }
      return {
        session_id,
        message,
        params: merged as GenerationParams,
        ...(attachments ? { attachments } : {}),
      };
    }),
  );
}

/** The issue message for a field the schema does not know; valibot puts the field in the issue's path. */
function unknownField(issue: v.StrictObjectIssue): string {
  return issue.expected === 'never' ? `Unknown field ${issue.received}` : issue.message;
}

/** A path item for an issue about `key` of `input`, so `getDotPath` names it. */
function topLevelKey(input: Record<string, unknown>, key: string): v.ObjectPathItem {
  return { type: 'object', origin: 'value', input, key, value: input[key] };
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
 * (its `system_prompt` is part of what is evaluated); `attachments`: the unsent files the composer has staged, whose
 * `<file>` blocks open the next user turn (evaluated too). A field it does not know is a 400 naming it.
 */
export function prepareRequestSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.strictObject(
    {
      session_id: IdSchema,
      params: v.optional(generationParamsSchema(limits)),
      attachments: v.optional(AttachmentIdsSchema),
    },
    unknownField,
  );
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
