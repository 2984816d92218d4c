import * as v from 'valibot';
import { DEFAULT_LIMITS, type ProtocolLimits } from './limits.js';

/**
 * The subset of OpenAI's chat completions request that Chat Studio serves. Unknown fields are
 * ignored (clients send many); known fields of the wrong type are a 400.
 */
export function openAiChatRequestSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  const text = v.pipe(v.string(), v.maxLength(limits.maxMessageLength));
  const contentPart = v.looseObject({ type: v.string(), text: v.optional(text) });
  return v.object({
    model: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
    messages: v.pipe(
      v.array(
        v.looseObject({
          role: v.picklist(['system', 'developer', 'user', 'assistant']),
          content: v.nullish(v.union([text, v.array(contentPart)])),
        }),
      ),
      v.minLength(1, 'messages must not be empty'),
      v.maxLength(10_000),
    ),
    temperature: v.nullish(v.pipe(v.number(), v.minValue(0), v.maxValue(2))),
    top_p: v.nullish(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    max_tokens: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(limits.maxTokens))),
    max_completion_tokens: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(limits.maxTokens))),
    stop: v.nullish(
      v.union([
        v.pipe(v.string(), v.maxLength(100)),
        v.pipe(v.array(v.pipe(v.string(), v.maxLength(100))), v.maxLength(limits.maxStopSequences)),
      ]),
    ),
    seed: v.nullish(v.pipe(v.number(), v.integer())),
    n: v.nullish(v.pipe(v.number(), v.integer())),
    stream: v.nullish(v.boolean()),
    stream_options: v.nullish(v.looseObject({ include_usage: v.nullish(v.boolean()) })),
    frequency_penalty: v.nullish(v.number()),
    presence_penalty: v.nullish(v.number()),
    user: v.nullish(v.string()),
  });
}
export const OpenAiChatRequestSchema = openAiChatRequestSchema();
export type OpenAiChatRequest = v.InferOutput<typeof OpenAiChatRequestSchema>;

export type OpenAiFinishReason = 'stop' | 'length';

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** As OpenAI reports prompt caching: prompt tokens served from the cache (here, the chat's KV cache). */
  prompt_tokens_details?: { cached_tokens: number };
}

export interface OpenAiChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: { index: number; message: { role: 'assistant'; content: string; refusal: null }; finish_reason: OpenAiFinishReason; logprobs: null }[];
  usage: OpenAiUsage;
}

export interface OpenAiChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: { index: number; delta: { role?: 'assistant'; content?: string }; finish_reason: OpenAiFinishReason | null; logprobs: null }[];
  usage?: OpenAiUsage | null;
}

export interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** OpenAI's error body: `{ "error": { "message", "type", "param", "code" } }`. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}
