import * as v from 'valibot';

export const MODEL_STATUSES = ['available', 'broken'] as const;

/** A model file found by a provider, read without loading it. */
export const ModelInfoSchema = v.object({
  id: v.string(),
  name: v.string(),
  provider: v.string(),
  file: v.nullable(v.string()),
  size_bytes: v.nullable(v.number()),
  architecture: v.nullable(v.string()),
  parameters: v.nullable(v.number()),
  quantization: v.nullable(v.string()),
  context_length: v.nullable(v.number()),
  has_chat_template: v.boolean(),
  status: v.picklist(MODEL_STATUSES),
  error: v.nullable(v.string()),
  active: v.boolean(),
});
export type ModelInfo = v.InferOutput<typeof ModelInfoSchema>;

export const ModelListSchema = v.object({ models: v.array(ModelInfoSchema), active_model_id: v.nullable(v.string()) });
export type ModelList = v.InferOutput<typeof ModelListSchema>;

/** Health of one remote (OpenAI-compatible) upstream server. */
export const UpstreamHealthSchema = v.object({
  base_url: v.string(),
  /** In rotation: its last check or request succeeded, or it failed fewer than the allowed times in a row. */
  healthy: v.boolean(),
  consecutive_failures: v.number(),
  /** Requests it is serving now. */
  outstanding: v.number(),
  last_error: v.nullable(v.string()),
  /** ISO time of the last health check or request outcome; null before the first. */
  last_checked_at: v.nullable(v.string()),
});
export type UpstreamHealth = v.InferOutput<typeof UpstreamHealthSchema>;

export const ProviderInfoSchema = v.object({
  id: v.string(),
  type: v.string(),
  name: v.string(),
  status: v.picklist(['ready', 'loading', 'idle', 'unavailable', 'error']),
  models: v.number(),
  reason: v.nullable(v.string()),
  /** Remote upstreams only: where it is and how it has been answering. */
  health: v.optional(UpstreamHealthSchema),
});
export type ProviderInfo = v.InferOutput<typeof ProviderInfoSchema>;
export const ProviderListSchema = v.object({ providers: v.array(ProviderInfoSchema) });
export type ProviderList = v.InferOutput<typeof ProviderListSchema>;

/** `no_model`: nothing to load; `loading`: see `load_progress` (0..1); `error`: see `reason`. */
export const LLM_STATES = ['no_model', 'loading', 'ready', 'error'] as const;
export type LlmState = (typeof LLM_STATES)[number];

export const LlmStatusSchema = v.object({
  state: v.picklist(LLM_STATES),
  model_id: v.nullable(v.string()),
  load_progress: v.number(),
  reason: v.nullable(v.string()),
  queue_depth: v.number(),
  queue_limit: v.number(),
  sequences_in_use: v.number(),
  sequences_total: v.number(),
  threads: v.nullable(v.number()),
  gpu: v.nullable(v.string()),
  /** Tokens of context each sequence of the loaded model has (LLAMA_CONTEXT_SIZE or the model's); null when none is loaded or the model is remote. */
  context_size: v.optional(v.nullable(v.number())),
});
export type LlmStatus = v.InferOutput<typeof LlmStatusSchema>;

export const SetActiveModelRequestSchema = v.object({
  model_id: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
});
export type SetActiveModelRequest = v.InferInput<typeof SetActiveModelRequestSchema>;
