/** The Responses API request: which fields work, which are refused, and its input turned into chat messages. */
import * as v from 'valibot';
import type { GenerationParams, ProtocolLimits } from '@chat-studio/protocol';
import { refuse, type Refusals } from '../endpoint-support/index.js';

/** A chat message from a Responses `input`. */
export interface InputMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Fields of OpenAI's request that name features Chat Studio does not have; each is a 400 naming it. */
export const REFUSED: Refusals = {
  background: 'responses run in the foreground',
  conversation: "use 'previous_response_id'; every response is stored in one of your chat sessions",
  context_management: 'the context is managed by dropping the oldest turns when it fills',
  include: 'no extra output (reasoning, logprobs, sources) is available',
  max_tool_calls: 'function tools are not supported on /v1/responses yet',
  parallel_tool_calls: 'function tools are not supported on /v1/responses yet',
  prompt: 'stored prompt templates do not exist here',
  prompt_cache_key: 'the KV cache is kept per chat session, without keys',
  prompt_cache_retention: 'the KV cache is kept per chat session, without keys',
  reasoning: 'no reasoning options are available for local models',
  safety_identifier: 'requests are attributed to the authenticated user',
  service_tier: 'there is one service tier',
  tool_choice: 'function tools are not supported on /v1/responses yet',
  tools: 'function tools are not supported on /v1/responses yet',
  top_logprobs: 'token log-probabilities are not available from this runtime',
  user: 'requests are attributed to the authenticated user',
};

const textPart = v.object({ type: v.picklist(['input_text', 'output_text']), text: v.string() });

/** One message item of `input` (`id` and `status` come back with items a client replays from an earlier output). */
function messageSchema(limits: ProtocolLimits) {
  return v.strictObject({
    type: v.optional(v.literal('message')),
    role: v.picklist(['user', 'assistant', 'system', 'developer']),
    content: v.union([v.pipe(v.string(), v.maxLength(limits.maxMessageLength)), v.pipe(v.array(v.looseObject({ type: v.string() })), v.minLength(1))]),
    id: v.optional(v.string()),
    status: v.optional(v.string()),
  });
}

/** The request body Chat Studio serves (fields in {@link REFUSED} never reach it). */
export function responsesSchema(limits: ProtocolLimits) {
  const text = v.pipe(v.string(), v.maxLength(limits.maxMessageLength));
  return v.object({
    model: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
    input: v.union([text, v.pipe(v.array(v.looseObject({ type: v.optional(v.string()) })), v.minLength(1), v.maxLength(1000))]),
    instructions: v.optional(v.pipe(v.string(), v.maxLength(limits.maxSystemPromptLength))),
    previous_response_id: v.optional(v.pipe(v.string(), v.maxLength(100))),
    max_output_tokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(limits.maxTokens))),
    temperature: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(2))),
    top_p: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    stream: v.optional(v.boolean()),
    stream_options: v.optional(v.strictObject({ include_obfuscation: v.optional(v.literal(false)) })),
    store: v.optional(v.literal(true, 'responses are always stored (as a turn of one of your chat sessions); store must be true or unset')),
    metadata: v.optional(v.pipe(v.record(v.string(), v.string()), v.maxEntries(0, 'metadata is not stored here; send none'))),
    text: v.optional(v.strictObject({ format: v.optional(v.strictObject({ type: v.literal('text', "only text output is available on /v1/responses yet") })), verbosity: v.optional(v.literal('medium')) })),
    truncation: v.optional(v.literal('auto', "the oldest turns are dropped when the context fills: truncation 'auto' (or unset)")),
  });
}

export type ResponsesBody = v.InferOutput<ReturnType<typeof responsesSchema>>;

/**
 * `input` as chat messages: a string is one user message; items are messages (`input_text`/`output_text` parts
 * joined). Other item types (function calls, images, files) are refused with `param` naming the item.
 */
export function toInputMessages(input: ResponsesBody['input'], limits: ProtocolLimits): InputMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const schema = messageSchema(limits);
  return input.map((item, i) => {
    if (item.type !== undefined && item.type !== 'message') refuse(`input[${i}].type`, `input item type '${item.type}' is not supported; only messages are`);
    const parsed = v.safeParse(schema, item);
    if (!parsed.success) {
      const path = v.getDotPath(parsed.issues[0]);
      refuse(`input[${i}]${path ? `.${path}` : ''}`, `input[${i}] is not a valid message: ${path ? `${path}: ` : ''}${parsed.issues[0].message}`);
    }
    const message = parsed.output;
    let content = '';
    if (typeof message.content === 'string') content = message.content;
    else {
      for (const [j, part] of message.content.entries()) {
        const text = v.safeParse(textPart, part);
        if (!text.success) refuse(`input[${i}].content[${j}]`, `content part type '${part.type}' is not supported; only input_text and output_text are`);
        content += text.output.text;
      }
    }
    return { role: message.role === 'developer' ? 'system' : message.role, content };
  });
}

/** Sampling and length for the turn; `instructions` is this turn's system prompt. */
export function toParams(body: ResponsesBody): GenerationParams {
  const params: GenerationParams = {};
  if (body.max_output_tokens !== undefined) params.max_tokens = body.max_output_tokens;
  if (body.temperature !== undefined) params.temperature = body.temperature;
  if (body.top_p !== undefined) params.top_p = body.top_p;
  if (body.instructions !== undefined) params.system_prompt = body.instructions;
  return params;
}
