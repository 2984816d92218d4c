/** Writing a chat completion as OpenAI does: one JSON object, or SSE chunks with tool-call deltas. */
import type { Context } from 'hono';
import type { OpenAiChatCompletion, OpenAiChatCompletionChunk } from '@chat-studio/protocol';
import type { DoneEvent, TurnEvent } from '../../chat-service/index.js';
import { describeError, toOpenAiError } from '../../errors/index.js';
import { jsonResponse, sseResponse, type SseEncoder, type SseFrame } from '../../streaming/index.js';
import { toFinishReason, toUsage } from './to-openai.js';
import { toOpenAiToolCallDelta, toOpenAiToolCalls } from './tools/index.js';

type Delta = OpenAiChatCompletionChunk['choices'][number]['delta'];

/** One completion's events, produced under `signal`. */
export type CompletionEvents = (signal: AbortSignal) => AsyncIterable<TurnEvent>;

/** The identity every chunk or object of one completion carries. */
export interface CompletionIds {
  id: string;
  created: number;
  model: string;
}

/** Non-streamed: `content` is null when the reply is only tool calls, as OpenAI sends it. */
export function sendCompletion(c: Context, ids: CompletionIds, events: CompletionEvents): Promise<Response> {
  return jsonResponse(c, { events, body: (event) => (event.type === 'done' ? completionOf(ids, event) : undefined) });
}

/** The completion object from the generation's end. */
function completionOf(ids: CompletionIds, result: DoneEvent): OpenAiChatCompletion {
  const calls = result.toolCalls?.length ? toOpenAiToolCalls(result.toolCalls) : undefined;
  return {
    ...ids,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: calls && result.text === '' ? null : result.text,
          refusal: null,
          ...(calls ? { tool_calls: calls } : {}),
        },
        finish_reason: toFinishReason(result.stats, calls),
        logprobs: null,
      },
    ],
    usage: toUsage(result.stats),
  };
}

/**
 * Streamed. Generation starts before the response does: a request the runtime refuses before its first piece (a
 * schema keyword, a token id, a busy queue) is still a plain HTTP error, not a 200 stream with an error in it.
 */
export function streamCompletion(
  c: Context,
  ids: CompletionIds,
  includeUsage: boolean,
  events: CompletionEvents,
  keepAliveMs?: number,
): Promise<Response> {
  return sseResponse(c, {
    events,
    encoder: chunkEncoder(ids, includeUsage),
    openOnFirstFrame: true,
    ...(keepAliveMs ? { keepAliveMs } : {}),
  });
}

/** `chat.completion.chunk`s: a role chunk, content and tool-call deltas, the finish chunk, usage, then `[DONE]`. */
export function chunkEncoder(ids: CompletionIds, includeUsage: boolean): SseEncoder<TurnEvent> {
  const json = (data: unknown): SseFrame[] => [{ data: JSON.stringify(data) }];
  const chunk = (
    delta: Delta,
    finish: OpenAiChatCompletionChunk['choices'][number]['finish_reason'] = null,
  ): SseFrame[] =>
    json({
      ...ids,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      ...(includeUsage ? { usage: null } : {}),
    } satisfies OpenAiChatCompletionChunk);
  // The error OpenAI clients read mid-stream: the described error, never a raw message.
  const failure = (error: unknown) => json(toOpenAiError(describeError(error)));
  return {
    begin: () => chunk({ role: 'assistant', content: '' }),
    frames(event) {
      switch (event.type) {
        case 'token':
          return chunk({ content: event.text });
        case 'tool_call':
          return chunk({ tool_calls: [toOpenAiToolCallDelta(event.delta)] });
        case 'done':
          return [
            ...chunk({}, toFinishReason(event.stats, event.toolCalls)),
            ...(includeUsage
              ? json({ ...ids, object: 'chat.completion.chunk', choices: [], usage: toUsage(event.stats) })
              : []),
          ];
        case 'error':
          return failure(event.error);
        default:
          return [];
      }
    },
    end: () => [{ data: '[DONE]' }],
    fail: failure,
  };
}
