/** OpenAI's Response object for a stored turn: `resp_<assistant message id>`, output one assistant message. */
import type { ChatMessage, GenerationStats } from '@chat-studio/protocol';

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
  /** The chat session the turn is stored in (not in OpenAI's object; lets a client open it in the web app). */
  sessionId: string;
}

export interface OutputState {
  status: ResponseStatus;
  text: string;
  usage: { input: number; output: number; cached: number } | null;
  error?: { code: string; message: string } | null;
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

export function outputText(text: string) {
  return { type: 'output_text' as const, text, annotations: [] as never[], logprobs: [] as never[] };
}

/** The whole Response object as OpenAI shapes it. */
export function responseObject(facts: ResponseFacts, state: OutputState) {
  const itemStatus = state.status === 'completed' ? 'completed' : state.status === 'in_progress' ? 'in_progress' : 'incomplete';
  const output = state.status === 'in_progress' ? [] : [outputMessage(facts.messageId, state.text, itemStatus)];
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
    parallel_tool_calls: false,
    previous_response_id: facts.previousResponseId,
    reasoning: { effort: null, summary: null },
    service_tier: 'default' as const,
    store: true,
    temperature: facts.temperature,
    text: { format: { type: 'text' as const }, verbosity: 'medium' as const },
    tool_choice: 'none' as const,
    tools: [] as never[],
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
    message.status === 'complete' ? (message.finish_reason === 'length' ? 'incomplete' : 'completed') : message.status === 'error' ? 'failed' : 'incomplete';
  const usage =
    message.prompt_tokens !== null && message.completion_tokens !== null ? { input: message.prompt_tokens, output: message.completion_tokens, cached: 0 } : null;
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
    { status, text: message.content, usage },
  );
}
