/** The Responses API request: which fields work, which are refused, and its input turned into chat messages. */
import * as v from 'valibot';
import type { ResponseFormat } from '@chat-studio/llm-runtime';
// The schema check of node-llama-cpp's grammar, before anything is stored (its types stay off the main entry).
// The subpath without node-llama-cpp: the main thread never imports it (issue #18).
import { toGrammarSchema } from '@chat-studio/llm-runtime/structured';
import type { GenerationParams, ProtocolLimits } from '@chat-studio/protocol';
import { refuse, type Refusals } from '../endpoint-support/index.js';
import type { FunctionOutput, InputMessage } from './function-items.js';

export type { InputMessage } from './function-items.js';

/** Fields of OpenAI's request that name features Chat Studio does not have; each is a 400 naming it. */
export const REFUSED: Refusals = {
  background: 'responses run in the foreground',
  conversation: "use 'previous_response_id'; every response is stored in one of your chat sessions",
  context_management: 'the context is managed by dropping the oldest turns when it fills',
  include: 'no extra output (reasoning, logprobs, sources) is available',
  max_tool_calls:
    'only function tools run here, and the client runs them; use parallel_tool_calls: false for one call per response',
  prompt: 'stored prompt templates do not exist here',
  prompt_cache_key: 'the KV cache is kept per chat session, without keys',
  prompt_cache_retention: 'the KV cache is kept per chat session, without keys',
  reasoning: 'no reasoning options are available for local models',
  service_tier: 'there is one service tier',
  top_logprobs: 'token log-probabilities are not available from this runtime',
};

const textPart = v.object({ type: v.picklist(['input_text', 'output_text']), text: v.string() });

/** A function call of an earlier response, replayed by the client (`id` and `status` come back with it). */
function functionCallSchema(limits: ProtocolLimits) {
  return v.strictObject({
    type: v.literal('function_call'),
    call_id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
    name: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
    arguments: v.pipe(v.string(), v.maxLength(limits.maxMessageLength)),
    id: v.optional(v.nullable(v.string())),
    status: v.optional(v.nullable(v.string())),
  });
}

/** The output of a function call, sent back by the client: a string or text parts. */
function functionCallOutputSchema(limits: ProtocolLimits) {
  return v.strictObject({
    type: v.literal('function_call_output'),
    call_id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
    output: v.union([
      v.pipe(v.string(), v.maxLength(limits.maxMessageLength)),
      v.array(v.looseObject({ type: v.string() })),
    ]),
    id: v.optional(v.nullable(v.string())),
    status: v.optional(v.nullable(v.string())),
  });
}

/** One message item of `input` (`id` and `status` come back with items a client replays from an earlier output). */
function messageSchema(limits: ProtocolLimits) {
  return v.strictObject({
    type: v.optional(v.literal('message')),
    role: v.picklist(['user', 'assistant', 'system', 'developer']),
    content: v.union([
      v.pipe(v.string(), v.maxLength(limits.maxMessageLength)),
      v.pipe(v.array(v.looseObject({ type: v.string() })), v.minLength(1)),
    ]),
    id: v.optional(v.string()),
    status: v.optional(v.string()),
  });
}

/** The request body Chat Studio serves (fields in {@link REFUSED} never reach it). */
export function responsesSchema(limits: ProtocolLimits) {
  const text = v.pipe(v.string(), v.maxLength(limits.maxMessageLength));
  return v.object({
    model: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
    input: v.union([
      text,
      v.pipe(v.array(v.looseObject({ type: v.optional(v.string()) })), v.minLength(1), v.maxLength(1000)),
    ]),
    instructions: v.optional(v.pipe(v.string(), v.maxLength(limits.maxSystemPromptLength))),
    previous_response_id: v.optional(v.pipe(v.string(), v.maxLength(100))),
    max_output_tokens: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(limits.maxTokens))),
    temperature: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(2))),
    top_p: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
    stream: v.optional(v.boolean()),
    stream_options: v.optional(v.strictObject({ include_obfuscation: v.optional(v.literal(false)) })),
    store: v.optional(
      v.literal(
        true,
        'responses are always stored (as a turn of one of your chat sessions); store must be true or unset',
      ),
    ),
    metadata: v.optional(
      v.pipe(v.record(v.string(), v.string()), v.maxEntries(0, 'metadata is not stored here; send none')),
    ),
    text: v.optional(
      v.strictObject({
        format: v.optional(
          v.variant(
            'type',
            [
              v.strictObject({ type: v.literal('text') }),
              v.strictObject({ type: v.literal('json_object') }),
              v.strictObject({
                type: v.literal('json_schema'),
                name: v.pipe(v.string(), v.regex(/^[a-zA-Z0-9_-]{1,64}$/)),
                schema: v.record(v.string(), v.unknown()),
                description: v.optional(v.string()),
                strict: v.optional(v.nullable(v.boolean())),
              }),
            ],
            "text.format.type must be 'text', 'json_object' or 'json_schema'",
          ),
        ),
        verbosity: v.optional(v.literal('medium')),
      }),
    ),
    tools: v.optional(v.pipe(v.array(v.looseObject({ type: v.string() })), v.maxLength(128))),
    tool_choice: v.optional(v.unknown()),
    parallel_tool_calls: v.optional(v.boolean()),
    user: v.optional(v.pipe(v.string(), v.maxLength(256))),
    safety_identifier: v.optional(v.pipe(v.string(), v.maxLength(256))),
    truncation: v.optional(
      v.literal('auto', "the oldest turns are dropped when the context fills: truncation 'auto' (or unset)"),
    ),
  });
}

export type ResponsesBody = v.InferOutput<ReturnType<typeof responsesSchema>>;

/**
 * `input` as chat messages: a string is one user message; items are messages (`input_text`/`output_text` parts
 * joined), function calls (joined to the assistant message before them) and function call outputs (consecutive ones
 * make one message). Other item types (images, files, built-in tool calls) are refused with `param` naming the item.
 */
export function toInputMessages(input: ResponsesBody['input'], limits: ProtocolLimits): InputMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const messages: InputMessage[] = [];
  input.forEach((item, i) => {
    const last = messages.at(-1);
    if (item.type === 'function_call') {
      const call = parseItem(functionCallSchema(limits), item, i, 'function call');
      const toolCall = { id: call.call_id, name: call.name, arguments: call.arguments };
      if (last?.role === 'assistant') last.toolCalls = [...(last.toolCalls ?? []), toolCall];
      else messages.push({ role: 'assistant', content: '', toolCalls: [toolCall] });
    } else if (item.type === 'function_call_output') {
      const output = parseItem(functionCallOutputSchema(limits), item, i, 'function call output');
      const entry: FunctionOutput = { call_id: output.call_id, output: outputText(output.output, i) };
      if (last?.toolOutputs) last.toolOutputs.push(entry);
      else messages.push({ role: 'user', content: '', toolOutputs: [entry] });
    } else if (item.type === undefined || item.type === 'message') {
      messages.push(toMessage(parseItem(messageSchema(limits), item, i, 'message'), i));
    } else {
      refuse(
        `input[${i}].type`,
        `input item type '${item.type}' is not supported; only messages, function_call and function_call_output are`,
      );
    }
  });
  return messages;
}

function parseItem<T extends v.GenericSchema>(schema: T, item: unknown, i: number, what: string): v.InferOutput<T> {
  const parsed = v.safeParse(schema, item);
  if (parsed.success) return parsed.output;
  const path = v.getDotPath(parsed.issues[0]);
  return refuse(
    `input[${i}]${path ? `.${path}` : ''}`,
    `input[${i}] is not a valid ${what}: ${path ? `${path}: ` : ''}${parsed.issues[0].message}`,
  );
}

function toMessage(message: v.InferOutput<ReturnType<typeof messageSchema>>, i: number): InputMessage {
  let content = '';
  if (typeof message.content === 'string') content = message.content;
  else {
    for (const [j, part] of message.content.entries()) {
      const text = v.safeParse(textPart, part);
      if (!text.success)
        refuse(
          `input[${i}].content[${j}]`,
          `content part type '${part.type}' is not supported; only input_text and output_text are`,
        );
      content += text.output.text;
    }
  }
  return { role: message.role === 'developer' ? 'system' : message.role, content };
}

/** A function call output's text: a string, or input_text parts joined (images and files are refused). */
function outputText(output: string | { type: string }[], i: number): string {
  if (typeof output === 'string') return output;
  return output
    .map((part, j) => {
      const text = v.safeParse(v.object({ type: v.literal('input_text'), text: v.string() }), part);
      if (!text.success)
        refuse(`input[${i}].output[${j}]`, `output part type '${part.type}' is not supported; only input_text is`);
      return text.output.text;
    })
    .join('');
}

/** Sampling and length for the turn; `instructions` is this turn's system prompt. */
export function toParams(body: ResponsesBody): GenerationParams {
  const params: GenerationParams = {};
  if (body.max_output_tokens !== undefined) params.max_tokens = body.max_output_tokens;
  if (body.temperature !== undefined) params.temperature = body.temperature;
  if (body.top_p !== undefined) params.top_p = body.top_p;
  if (body.instructions !== undefined) params.system_prompt = body.instructions;
  // JSON mode: a grammar keeps the reply one valid JSON object.
  if (body.text?.format?.type === 'json_object') params.json_mode = true;
  return params;
}

/**
 * `text.format` json_schema as the runtime's response format, enforced by a grammar; a schema keyword the grammar
 * cannot express is a 400 naming `text.format.schema` before anything is stored. (json_object is `json_mode`.)
 */
export function toResponseFormat(body: ResponsesBody): ResponseFormat | undefined {
  const format = body.text?.format;
  if (format?.type !== 'json_schema') return undefined;
  toGrammarSchema(format.schema, 'text.format.schema');
  return { type: 'json_schema', schema: format.schema };
}
