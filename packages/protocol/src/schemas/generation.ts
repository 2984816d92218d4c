import * as v from 'valibot';
import { DEFAULT_LIMITS, type ProtocolLimits } from './limits.js';

/** Why a reply ended. */
export const FINISH_REASONS = ['stop', 'length', 'abort', 'error'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

/** Largest `seed` on every route: llama.cpp seeds are unsigned 32-bit. */
export const SEED_MAX = 2 ** 32 - 1;

/** `seed` as every route accepts it: an integer from 0 to {@link SEED_MAX}. */
export const SeedSchema = v.pipe(
  v.number(),
  v.integer(),
  v.minValue(0, 'seed must be at least 0'),
  v.maxValue(SEED_MAX, `seed must be at most ${SEED_MAX}`),
);

/** OpenAI's range for `frequency_penalty` and `presence_penalty`. */
export const PenaltySchema = v.pipe(v.number(), v.minValue(-2), v.maxValue(2));

/** Most entries in one `logit_bias` map (OpenAI's limit). */
export const MAX_LOGIT_BIAS_ENTRIES = 300;

/** `logit_bias`: token id (as a string) → bias from -100 (never) to 100, added to the token's logit. */
export const LogitBiasSchema = v.pipe(
  v.record(
    v.pipe(v.string(), v.regex(/^\d{1,9}$/, 'logit_bias keys must be token ids')),
    v.pipe(v.number(), v.minValue(-100), v.maxValue(100)),
  ),
  v.check(
    (bias) => Object.keys(bias).length <= MAX_LOGIT_BIAS_ENTRIES,
    `logit_bias takes at most ${MAX_LOGIT_BIAS_ENTRIES} tokens`,
  ),
);

/** Sampling and length parameters for one generation. Every field is optional. */
export function generationParamsSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  return v.object({
    temperature: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(2))),
    top_p: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    top_k: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000))),
    max_tokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(limits.maxTokens))),
    /** Without one, every generation draws a fresh random seed. */
    seed: v.optional(SeedSchema),
    stop: v.optional(
      v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(100))), v.maxLength(limits.maxStopSequences)),
    ),
    repeat_penalty: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(5))),
    /** Lowers a token's logit by this times the number of times it appeared in the last 64 tokens (OpenAI's meaning). */
    frequency_penalty: v.optional(PenaltySchema),
    /** Lowers the logit of every token that appeared in the last 64 tokens by this much. */
    presence_penalty: v.optional(PenaltySchema),
    logit_bias: v.optional(LogitBiasSchema),
    /** JSON mode: the reply is constrained by a grammar to one valid JSON object. */
    json_mode: v.optional(v.boolean()),
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
