/** Writing a chat completion as OpenAI does: one JSON object, or SSE chunks with tool-call deltas. */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { GenerateRequest, ToolCall } from '@chat-studio/llm-runtime';
import type { GenerationStats, OpenAiChatCompletion, OpenAiChatCompletionChunk } from '@chat-studio/protocol';
import { toFinishReason, toUsage } from './to-openai.js';
import { toOpenAiToolCallDelta, toOpenAiToolCalls } from './tools/index.js';

type Delta = OpenAiChatCompletionChunk['choices'][number]['delta'];

/** What a completion's generation returns. */
export interface Generated {
  text: string;
  stats: GenerationStats;
  toolCalls?: ToolCall[];
}

/** Runs one generation: text pieces to `onToken`, tool-call pieces to `onToolCall`. */
export type Generate = (
  signal: AbortSignal,
  onToken: (text: string) => void,
  onToolCall: GenerateRequest['onToolCall'],
) => Promise<Generated>;

/** The identity every chunk or object of one completion carries. */
export interface CompletionIds {
  id: string;
  created: number;
  model: string;
}

/** Non-streamed: `content` is null when the reply is only tool calls, as OpenAI sends it. */
export async function sendCompletion(c: Context, ids: CompletionIds, generate: Generate): Promise<Response> {
  const result = await generate(c.req.raw.signal, () => {}, undefined);
  const calls = result.toolCalls?.length ? toOpenAiToolCalls(result.toolCalls) : undefined;
  const completion: OpenAiChatCompletion = {
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
  return c.json(completion);
}

/**
 * Streamed. Generation starts before the response does: a request the runtime refuses before its first piece (a
 * schema keyword, a token id, a busy queue) is still a plain HTTP error, not a 200 stream with an error in it.
 */
export async function streamCompletion(
  c: Context,
  ids: CompletionIds,
  includeUsage: boolean,
  generate: Generate,
): Promise<Response> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  c.req.raw.signal.addEventListener('abort', abort, { once: true });
  const pending: Delta[] = [];
  let sink: ((delta: Delta) => void) | undefined;
  let markStarted = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const emit = (delta: Delta) => {
    if (sink) sink(delta);
    else pending.push(delta);
    markStarted();
  };
  const run = generate(
    controller.signal,
    (text) => emit({ content: text }),
    (delta) => emit({ tool_calls: [toOpenAiToolCallDelta(delta)] }),
  );
  try {
    await Promise.race([started, run]);
  } catch (error) {
    c.req.raw.signal.removeEventListener('abort', abort);
    throw error;
  }
  c.header('Cache-Control', 'no-cache, no-transform');
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    stream.onAbort(abort);
    const chunk = (
      delta: Delta,
      finish: OpenAiChatCompletionChunk['choices'][number]['finish_reason'] = null,
    ): OpenAiChatCompletionChunk => ({
      ...ids,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      ...(includeUsage ? { usage: null } : {}),
    });
    const write = (data: unknown) => stream.writeSSE({ data: typeof data === 'string' ? data : JSON.stringify(data) });
    let writes: Promise<unknown> = write(chunk({ role: 'assistant', content: '' }));
    sink = (delta) => {
      writes = writes.then(() => write(chunk(delta)));
    };
    for (const delta of pending.splice(0)) sink(delta);
    let result: Generated;
    try {
      result = await run;
      await writes;
    } catch (err) {
      await writes.catch(() => {});
      const message = err instanceof Error ? err.message : 'generation failed';
      await write({ error: { message, type: 'server_error', param: null, code: null } }).catch(() => {});
      return;
    } finally {
      c.req.raw.signal.removeEventListener('abort', abort);
    }
    if (controller.signal.aborted) return;
    await write(chunk({}, toFinishReason(result.stats, result.toolCalls)));
    if (includeUsage)
      await write({ ...ids, object: 'chat.completion.chunk', choices: [], usage: toUsage(result.stats) });
    await write('[DONE]');
  });
}
