import * as v from 'valibot';
import { DEFAULT_LIMITS, type ProtocolLimits } from './limits.js';

/** Why a reply ended. */
export const FINISH_REASONS = ['stop', 'length', 'abort', 'error'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

/** Sampling and length parameters for one generation. Every field is optional. */
export function generationParamsSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.object({
    temperature: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(2))),
    top_p: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    top_k: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000))),
    max_tokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(limits.maxTokens))),
    seed: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 32 - 1))),
    stop: v.optional(
      v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(100))), v.maxLength(limits.maxStopSequences)),
    ),
    repeat_penalty: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(5))),
    system_prompt: v.optional(v.pipe(v.string(), v.maxLength(limits.maxSystemPromptLength))),
  });
}
export const GenerationParamsSchema = generationParamsSchema();
export type GenerationParams = v.InferOutput<typeof GenerationParamsSchema>;

/** Figures measured for one reply. */
export const GenerationStatsSchema = v.object({
  prompt_tokens: v.number(),
  completion_tokens: v.number(),
  time_to_first_token_ms: v.nullable(v.number()),
  tokens_per_second: v.nullable(v.number()),
  total_ms: v.number(),
  finish_reason: v.picklist(FINISH_REASONS),
  cached: v.optional(v.boolean()),
  /** Prompt tokens the model already held (the chat's KV cache) and did not evaluate again; local models only. */
  cached_tokens: v.optional(v.number()),
});
export type GenerationStats = v.InferOutput<typeof GenerationStatsSchema>;
