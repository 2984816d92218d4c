/** OpenAI's Response object for a stored turn: `resp_<assistant message id>`, output one assistant message. */
import type { ToolCall } from '@chat-studio/llm-runtime';
import type { ChatMessage, GenerationStats } from '@chat-studio/protocol';
import { fromStored } from './function-items.js';
import type { ToolSettings } from './function-tools.js';

export const RESPONSE_ID_PREFIX = 'resp_';

/** The response id of a stored reply. */
export function responseId(assistantMessageId: string): string {
  return `${RESPONSE_ID_PREFIX}${assistantMessageId}`;
}

/** The stored reply's message id, or null for an id that is not one of ours. */
export function messageIdOf(responseIdValue: string): string | null {
  return responseIdValue.startsWith(RESPONSE_ID_PREFIX) ? responseIdValue.slice(RESPONSE_ID_PREFIX.length) : null;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** `text.format` as the request gave it: plain text, JSON mode, or JSON valid against a schema. */
export type TextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      schema: Record<string, unknown>;
      description?: string;
      strict?: boolean | null;
    };

/** What one response says about itself besides its output. */
export interface ResponseFacts {
  messageId: string;
  createdAt: number;
  model: string;
  instructions: string | null;
  previousResponseId: string | null;
  maxOutputTokens: number | null;
  temperature: number | null;
  topP: number | null;
  /** `json_object` when JSON mode was asked for. */
  format?: TextFormat;
  /** The chat session the turn is stored in (not in OpenAI's object; lets a client open it in the web app). */
  sessionId: string;
  /** The function tools offered, echoed back; none when absent. */
  tools?: ToolSettings;
}

export interface OutputState {
  status: ResponseStatus;
  text: string;
  usage: { input: number; output: number; cached: number } | null;
  error?: { code: string; message: string } | null;
  /** Function calls the model made; each is an output item after the message. */
  toolCalls?: readonly ToolCall[];
}

/** The output message item (`msg_<message id>`). */
export function outputMessage(messageId: string, text: string, status: 'in_progress' | 'completed' | 'incomplete') {
  return {
    id: `msg_${messageId}`,
    type: 'message' as const,
    status,
    role: 'assistant' as const,
    content: status === 'in_progress' && text === '' ? [] : [outputText(text)],
  };
}

/** A function call output item (`fc_<message id>_<n>`). */
export function outputFunctionCall(
  messageId: string,
  n: number,
  call: ToolCall,
  status: 'in_progress' | 'completed' | 'incomplete',
) {
  return {
    type: 'function_call' as const,
    id: `fc_${messageId}_${n}`,
    call_id: call.id,
    name: call.name,
    arguments: call.arguments,
    status,
  };
}

/**
 * The output items of a finished response: the assistant message (left out when the reply is only function calls),
 * then one item per function call.
 */
export function outputItems(messageId: string, state: OutputState, status: 'completed' | 'incomplete') {
  const calls = state.toolCalls ?? [];
  return [
    ...(state.text !== '' || calls.length === 0 ? [outputMessage(messageId, state.text, status)] : []),
    ...calls.map((call, n) => outputFunctionCall(messageId, n, call, status)),
  ];
}

export function outputText(text: string) {
  return { type: 'output_text' as const, text, annotations: [] as never[], logprobs: [] as never[] };
}

/** The whole Response object as OpenAI shapes it. */
export function responseObject(facts: ResponseFacts, state: OutputState) {
  const output =
    state.status === 'in_progress'
      ? []
      : outputItems(facts.messageId, state, state.status === 'completed' ? 'completed' : 'incomplete');
  return {
    id: responseId(facts.messageId),
    object: 'response' as const,
    created_at: facts.createdAt,
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.status === 'incomplete' ? { reason: 'max_output_tokens' as const } : null,
    instructions: facts.instructions,
    max_output_tokens: facts.maxOutputTokens,
    metadata: {},
    model: facts.model,
    output,
    parallel_tool_calls: facts.tools?.parallelToolCalls ?? true,
    previous_response_id: facts.previousResponseId,
    reasoning: { effort: null, summary: null },
    service_tier: 'default' as const,
    store: true,
    temperature: facts.temperature,
    text: { format: facts.format ?? { type: 'text' as const }, verbosity: 'medium' as const },
    tool_choice: facts.tools?.toolChoice ?? 'auto',
    tools: facts.tools?.tools ?? [],
    top_p: facts.topP,
    truncation: 'auto' as const,
    usage: state.usage
      ? {
          input_tokens: state.usage.input,
          input_tokens_details: { cached_tokens: state.usage.cached },
          output_tokens: state.usage.output,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: state.usage.input + state.usage.output,
        }
      : null,
    user: null,
    chat_session_id: facts.sessionId,
  };
}

/** `completed`, or `incomplete` when the reply hit max_output_tokens (or was cut off). */
export function statusOf(stats: Pick<GenerationStats, 'finish_reason'>): ResponseStatus {
  if (stats.finish_reason === 'stop') return 'completed';
  if (stats.finish_reason === 'error') return 'failed';
  return 'incomplete';
}

/** A stored reply as a Response (for GET /v1/responses/{id}); what was not stored reads as null. */
export function storedResponse(message: ChatMessage) {
  const status: ResponseStatus =
    message.status === 'complete'
      ? message.finish_reason === 'length'
        ? 'incomplete'
        : 'completed'
      : message.status === 'error'
        ? 'failed'
        : 'incomplete';
  const usage =
    message.prompt_tokens !== null && message.completion_tokens !== null
      ? { input: message.prompt_tokens, output: message.completion_tokens, cached: 0 }
      : null;
  const stored = fromStored('assistant', message.content);
  return responseObject(
    {
      messageId: message.id,
      createdAt: Math.floor(Date.parse(message.created_at) / 1000),
      model: message.model_id ?? 'unknown',
      instructions: null,
      previousResponseId: null,
      maxOutputTokens: null,
      temperature: null,
      topP: null,
      sessionId: message.session_id,
    },
    { status, text: stored.content, usage, ...(stored.toolCalls ? { toolCalls: stored.toolCalls } : {}) },
  );
}
