/** Ollama's reply forms: NDJSON lines while streaming (the last with `done: true` and the figures), or one object. */
import type { Context } from 'hono';
import { stream as honoStream } from 'hono/streaming';
import type { ToolCall } from '@chat-studio/llm-runtime';
import type { GenerationStats } from '@chat-studio/protocol';

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

/** One generation's text and stats, produced while calling `onToken` per piece. */
export type Generate = (
  signal: AbortSignal,
  onToken: (text: string) => void,
) => Promise<{ text: string; stats: GenerationStats; toolCalls?: ToolCall[] | undefined }>;

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
    const result = await generate(c.req.raw.signal, () => {});
    return c.json(shapes.final(result.text, result.stats, false, result.toolCalls));
  }
  c.header('Content-Type', 'application/x-ndjson');
  c.header('Cache-Control', 'no-cache, no-transform');
  c.header('X-Accel-Buffering', 'no');
  return honoStream(c, async (out) => {
    const controller = new AbortController();
    out.onAbort(() => controller.abort());
    const line = (value: unknown) => out.write(`${JSON.stringify(value)}\n`);
    let writes: Promise<unknown> = Promise.resolve();
    try {
      const result = await generate(controller.signal, (text) => {
        writes = writes.then(() => line(shapes.piece(text)));
      });
      await writes;
      if (controller.signal.aborted) return;
      if (result.toolCalls?.length && shapes.calls) await line(shapes.calls(result.toolCalls));
      await line(shapes.final(result.text, result.stats, true));
    } catch (err) {
      await writes.catch(() => {});
      await line({ error: err instanceof Error ? err.message : 'generation failed' }).catch(() => {});
    }
  });
}
