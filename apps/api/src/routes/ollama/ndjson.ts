/** Ollama's reply forms: NDJSON lines while streaming (the last with `done: true` and the figures), or one object. */
import type { Context } from 'hono';
import type { ToolCall } from '@chat-studio/llm-runtime';
import type { GenerationStats } from '@chat-studio/protocol';
import type { TurnEvent } from '../../chat-service/index.js';
import { describeError } from '../../errors/index.js';
import { jsonResponse, ndjsonResponse, type SseEncoder, type SseFrame } from '../../streaming/index.js';

/** Milliseconds → Ollama's nanoseconds. */
const ns = (ms: number) => Math.round(ms * 1e6);

/** The figures Ollama puts on its last line, from Chat Studio's stats. */
export function ollamaStats(stats: GenerationStats) {
  const ttft = stats.time_to_first_token_ms ?? stats.total_ms;
  return {
    done_reason: stats.finish_reason === 'length' ? 'length' : 'stop',
    total_duration: ns(stats.total_ms),
    load_duration: 0,
    prompt_eval_count: stats.prompt_tokens,
    prompt_eval_duration: ns(ttft),
    eval_count: stats.completion_tokens,
    eval_duration: ns(Math.max(0, stats.total_ms - ttft)),
  };
}

/** One generation's events, produced under `signal` (a stored turn's, or a plain generation's). */
export type Generate = (signal: AbortSignal) => AsyncIterable<TurnEvent>;

/** How a route shapes its lines: a piece of text while streaming, and the last (or only) object. */
export interface Shapes {
  piece: (text: string) => Record<string, unknown>;
  final: (
    text: string,
    stats: GenerationStats,
    streamed: boolean,
    toolCalls?: readonly ToolCall[],
  ) => Record<string, unknown>;
  /** The line with the reply's tool calls, streamed whole before the last line (as Ollama sends them). */
  calls?: (toolCalls: readonly ToolCall[]) => Record<string, unknown>;
}

/**
 * Answers as Ollama does: with `stream` (its default) `application/x-ndjson`, one JSON object per line and a last line
 * with `done: true`; an error after the first line is a last `{"error": …}` line. Without, one JSON object.
 */
export async function ollamaReply(
  c: Context,
  streaming: boolean,
  generate: Generate,
  shapes: Shapes,
): Promise<Response> {
  if (!streaming) {
    return jsonResponse(c, {
      events: generate,
      body: (event) =>
        event.type === 'done' ? shapes.final(event.text, event.stats, false, event.toolCalls) : undefined,
    });
  }
  return ndjsonResponse(c, { events: generate, encoder: lineEncoder(shapes) });
}

/** Ollama's lines from a generation's events. */
function lineEncoder(shapes: Shapes): SseEncoder<TurnEvent> {
  const line = (value: unknown): SseFrame[] => [{ data: JSON.stringify(value) }];
  const failure = (error: unknown) => line({ error: describeError(error).message });
  return {
    frames(event) {
      switch (event.type) {
        case 'token':
          return line(shapes.piece(event.text));
        case 'done':
          return [
            ...(event.toolCalls?.length && shapes.calls ? line(shapes.calls(event.toolCalls)) : []),
            ...line(shapes.final(event.text, event.stats, true)),
          ];
        case 'error':
          return failure(event.error);
        default:
          return [];
      }
    },
    fail: failure,
  };
}
