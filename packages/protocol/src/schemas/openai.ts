import * as v from 'valibot';
import { DEFAULT_LIMITS, type ProtocolLimits } from './limits.js';
import { LogitBiasSchema, PenaltySchema, SeedSchema } from './generation.js';

/** A tool or function name as OpenAI allows it. */
const FunctionNameSchema = v.pipe(
  v.string(),
  v.regex(/^[a-zA-Z0-9_-]{1,64}$/, 'function names are 1-64 letters, digits, _ or -'),
);
const NamedFunctionSchema = v.strictObject({
  type: v.literal('function'),
  function: v.strictObject({ name: FunctionNameSchema }),
});

/**
 * OpenAI's chat completions request as Chat Studio reads it. Every field of OpenAI's `ChatCompletionCreateParams`
 * is known here; the ones Chat Studio cannot honour are typed loosely and refused by the API's field policy with a
 * 400 naming them. Any other field is a 400 too (strict objects): nothing is accepted and ignored. `top_k` and
 * `repeat_penalty` are extensions, as llama.cpp's server reads them.
 */
export function openAiChatRequestSchema(limits: ProtocolLimits = DEFAULT_LIMITS) {
  const text = v.pipe(v.string(), v.maxLength(limits.maxMessageLength));
  const contentPart = v.looseObject({ type: v.string(), text: v.optional(text) });
  const content = v.union([text, v.array(contentPart)]);
  const name = v.optional(v.string());
  const toolCall = v.strictObject({
    id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
    type: v.literal('function'),
    function: v.strictObject({
      name: FunctionNameSchema,
      arguments: v.pipe(v.string(), v.maxLength(limits.maxMessageLength)),
    }),
  });
  const message = v.variant('role', [
    v.strictObject({ role: v.literal('system'), content, name }),
    v.strictObject({ role: v.literal('developer'), content, name }),
    v.strictObject({ role: v.literal('user'), content, name }),
    v.strictObject({
      role: v.literal('assistant'),
      content: v.nullish(content),
      refusal: v.nullish(text),
      tool_calls: v.optional(v.pipe(v.array(toolCall), v.maxLength(128))),
      name,
      audio: v.nullish(v.unknown()),
      function_call: v.nullish(v.unknown()),
    }),
    v.strictObject({
      role: v.literal('tool'),
      content,
      tool_call_id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
    }),
    v.strictObject({ role: v.literal('function'), content: v.nullish(v.string()), name: v.string() }),
  ]);
  const tool = v.variant('type', [
    v.strictObject({
      type: v.literal('function'),
      function: v.strictObject({
        name: FunctionNameSchema,
        description: v.optional(v.pipe(v.string(), v.maxLength(limits.maxSystemPromptLength))),
        parameters: v.optional(v.record(v.string(), v.unknown())),
        strict: v.nullish(v.boolean()),
      }),
    }),
    v.looseObject({ type: v.literal('custom') }),
  ]);
  const toolChoice = v.union([
    v.picklist(['none', 'auto', 'required']),
    NamedFunctionSchema,
    v.strictObject({
      type: v.literal('allowed_tools'),
      allowed_tools: v.strictObject({ mode: v.picklist(['auto', 'required']), tools: v.array(NamedFunctionSchema) }),
    }),
    v.looseObject({ type: v.literal('custom') }),
  ]);
  const responseFormat = v.variant('type', [
    v.strictObject({ type: v.literal('text') }),
    v.strictObject({ type: v.literal('json_object') }),
    v.strictObject({
      type: v.literal('json_schema'),
      json_schema: v.strictObject({
        name: v.pipe(v.string(), v.maxLength(64)),
        description: v.optional(v.string()),
        schema: v.optional(v.record(v.string(), v.unknown())),
        strict: v.nullish(v.boolean()),
      }),
    }),
  ]);
  return v.strictObject({
    model: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
    messages: v.pipe(v.array(message), v.minLength(1, 'messages must not be empty'), v.maxLength(10_000)),
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
    seed: v.nullish(SeedSchema),
    n: v.nullish(v.pipe(v.number(), v.integer())),
    stream: v.nullish(v.boolean()),
    stream_options: v.nullish(
      v.strictObject({ include_usage: v.nullish(v.boolean()), include_obfuscation: v.nullish(v.boolean()) }),
    ),
    frequency_penalty: v.nullish(PenaltySchema),
    presence_penalty: v.nullish(PenaltySchema),
    logit_bias: v.nullish(LogitBiasSchema),
    logprobs: v.nullish(v.boolean()),
    top_logprobs: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(20))),
    tools: v.optional(v.pipe(v.array(tool), v.maxLength(128))),
    tool_choice: v.optional(toolChoice),
    parallel_tool_calls: v.nullish(v.boolean()),
    response_format: v.optional(responseFormat),
    prompt_cache_key: v.nullish(v.pipe(v.string(), v.maxLength(200))),
    prompt_cache_retention: v.nullish(v.picklist(['in-memory', '24h'])),
    user: v.nullish(v.pipe(v.string(), v.maxLength(200))),
    safety_identifier: v.nullish(v.pipe(v.string(), v.maxLength(200))),
    service_tier: v.nullish(v.string()),
    store: v.nullish(v.boolean()),
    metadata: v.nullish(v.record(v.string(), v.string())),
    modalities: v.nullish(v.array(v.string())),
    // Known to OpenAI, never honoured here: typed loosely so the field policy can name them in its 400.
    audio: v.nullish(v.unknown()),
    functions: v.nullish(v.unknown()),
    function_call: v.nullish(v.unknown()),
    prediction: v.nullish(v.unknown()),
    reasoning_effort: v.nullish(v.unknown()),
    verbosity: v.nullish(v.unknown()),
    web_search_options: v.nullish(v.unknown()),
    // llama.cpp server extensions.
    top_k: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000))),
    repeat_penalty: v.nullish(v.pipe(v.number(), v.minValue(0), v.maxValue(5))),
  });
}
export const OpenAiChatRequestSchema = openAiChatRequestSchema();
export type OpenAiChatRequest = v.InferOutput<typeof OpenAiChatRequestSchema>;

export type OpenAiFinishReason = 'stop' | 'length' | 'tool_calls';

/** A tool call in a reply: `arguments` is JSON text. */
export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A streamed piece of a tool call: `index`, `id` and `name` first, then `arguments` in pieces. */
export interface OpenAiToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

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
  choices: {
    index: number;
    message: { role: 'assistant'; content: string | null; refusal: null; tool_calls?: OpenAiToolCall[] };
    finish_reason: OpenAiFinishReason;
    logprobs: null;
  }[];
  usage: OpenAiUsage;
}

export interface OpenAiChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: {
    index: number;
    delta: { role?: 'assistant'; content?: string | null; tool_calls?: OpenAiToolCallDelta[] };
    finish_reason: OpenAiFinishReason | null;
    logprobs: null;
  }[];
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
