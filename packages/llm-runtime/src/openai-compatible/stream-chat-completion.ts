import { readServerSentEvents, type FinishReason, type OpenAiUsage } from '@chat-studio/protocol';
import { errorReason } from '../errors/index.js';
import type { GenerateRequest } from '../provider/index.js';
import type { Upstream } from './upstream-pool.js';

/** What one attempt on one upstream came to. */
export type AttemptOutcome =
  | {
      kind: 'finished';
      text: string;
      finish: FinishReason;
      usage: OpenAiUsage | null;
      /** Content deltas received; the token count when the upstream sent no usage (an aborted stream). */
      deltas: number;
      firstTokenAt: number | null;
      endedAt: number;
      /** Set when the stream broke after the first token (finish `error`): the upstream's fault. */
      brokenBecause?: string;
    }
  | {
      kind: 'failed';
      /**
       * `upstream`: its fault (connect error, 5xx, auth, broken stream), counts against its health;
       * `busy`: 429, try another; `stale`: it no longer serves the model; `request`: any upstream would refuse it.
       */
      cause: 'upstream' | 'busy' | 'stale' | 'request';
      reason: string;
      status?: number;
    };

/** Inputs of {@link streamChatCompletion}. */
export interface StreamAttempt {
  upstream: Upstream;
  /** The model id as the upstream names it. */
  model: string;
  request: GenerateRequest;
  defaultMaxTokens: number;
  /** Aborts the attempt: the request's own signal joined with the provider's closing signal. */
  signal: AbortSignal;
  /** Longest wait for response headers. */
  responseTimeoutMs: number;
}

/**
 * POSTs one streaming chat completion to one upstream and feeds `onToken` from its `data:` chunks.
 * Never throws: every way it can end is an {@link AttemptOutcome}, so the caller decides about retries.
 * Aborting the signal aborts the fetch, which closes the connection, which makes the upstream stop generating.
 */
export async function streamChatCompletion(attempt: StreamAttempt): Promise<AttemptOutcome> {
  const { upstream, request, signal } = attempt;
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', forward, { once: true });
  const timer = setTimeout(
    () => controller.abort(new Error(`no response within ${attempt.responseTimeoutMs} ms`)),
    attempt.responseTimeoutMs,
  );
  let text = '';
  let deltas = 0;
  let firstTokenAt: number | null = null;
  let usage: OpenAiUsage | null = null;
  let finish: FinishReason | null = null;
  const finished = (reason: FinishReason, brokenBecause?: string): AttemptOutcome => ({
    kind: 'finished',
    text,
    finish: reason,
    usage,
    deltas,
    firstTokenAt,
    endedAt: performance.now(),
    ...(brokenBecause ? { brokenBecause } : {}),
  });
  try {
    let response: Response;
    try {
      response = await fetch(`${upstream.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: {
          ...requestHeaders(upstream.apiKey, 'text/event-stream'),
          // For the upstream's log: a Chat Studio upstream believes it only from a service key.
          ...(request.endUser ? { 'x-chat-studio-on-behalf-of': request.endUser } : {}),
        },
        body: JSON.stringify(requestBody(attempt)),
        signal: controller.signal,
      });
    } catch (error) {
      if (signal.aborted) return finished('abort');
      return { kind: 'failed', cause: 'upstream', reason: fetchFailure(error, controller.signal) };
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) {
      const reason = await httpFailure(response);
      return { kind: 'failed', cause: classify(response.status), reason, status: response.status };
    }
    if (!response.body) return { kind: 'failed', cause: 'upstream', reason: 'the response had no body' };
    const read = await readDeltas(response.body, attempt, controller.signal, (piece) => {
      firstTokenAt ??= performance.now();
      text += piece;
      deltas++;
      request.onToken?.(piece);
    });
    usage = read.usage;
    finish = read.finish;
    const { done } = read;
    let streamError = read.streamError;
    if (signal.aborted) return finished('abort');
    if (streamError === undefined && !done && finish === null)
      streamError = 'the stream ended before the reply was finished';
    if (streamError !== undefined) {
      if (text === '') return { kind: 'failed', cause: 'upstream', reason: streamError };
      return finished('error', streamError);
    }
    return finished(finish ?? 'stop');
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forward);
  }
}

/** What the `data:` chunks of a stream came to; see {@link readDeltas}. */
interface StreamRead {
  /** `[DONE]` arrived. */
  done: boolean;
  finish: FinishReason | null;
  usage: OpenAiUsage | null;
  /** Why the stream is unusable from here on: a chunk that is not JSON, an error chunk, a broken connection. */
  streamError?: string;
}

/**
 * Reads the server-sent events of a streaming chat completion, passing each content delta to `onPiece`, until
 * `[DONE]`, a bad or error chunk, the end of the body, or an abort (chunks parsed after it are dropped).
 */
async function readDeltas(
  body: ReadableStream<Uint8Array>,
  attempt: StreamAttempt,
  fetchSignal: AbortSignal,
  onPiece: (piece: string) => void,
): Promise<StreamRead> {
  const { signal } = attempt;
  const read: StreamRead = { done: false, finish: null, usage: null };
  try {
    for await (const event of readServerSentEvents(body)) {
      if (signal.aborted) break;
      if (event.data === '[DONE]') {
        read.done = true;
        break;
      }
      const chunk = parseChunk(event.data);
      if (!chunk) return { ...read, streamError: 'the upstream sent a chunk that is not JSON' };
      if (chunk.error) {
        return { ...read, streamError: `the upstream failed mid-stream: ${chunk.error.message ?? 'unknown error'}` };
      }
      const choice = chunk.choices?.[0];
      const piece = choice?.delta?.content;
      if (typeof piece === 'string' && piece.length > 0) onPiece(piece);
      if (choice?.finish_reason) read.finish = choice.finish_reason === 'length' ? 'length' : 'stop';
      if (chunk.usage) read.usage = chunk.usage;
    }
  } catch (error) {
    if (!signal.aborted) read.streamError = fetchFailure(error, fetchSignal);
  }
  return read;
}

/** Headers for every call to an upstream. */
export function requestHeaders(apiKey: string | undefined, accept = 'application/json'): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept,
    ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
  };
}

/** The short reason for a failed fetch: undici hides the socket error (ECONNREFUSED, reset) in `cause`. */
export function fetchFailure(error: unknown, signal?: AbortSignal): string {
  if (signal?.aborted && signal.reason instanceof Error) return signal.reason.message;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return errorReason(cause);
}

/** `HTTP <status>: <message>` from an OpenAI-style error body, or the start of whatever the body is. */
export async function httpFailure(response: Response): Promise<string> {
  const body = await response.text().catch(() => '');
  let message = body.slice(0, 300).trim();
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const candidate = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof candidate === 'string') message = candidate;
  } catch {
    // not JSON: keep the text
  }
  return message ? `HTTP ${response.status}: ${message}` : `HTTP ${response.status}`;
}

function classify(status: number): 'upstream' | 'busy' | 'stale' | 'request' {
  if (status === 429) return 'busy';
  if (status === 404) return 'stale';
  if (status === 401 || status === 403 || status === 408 || status >= 500) return 'upstream';
  return 'request';
}

interface Chunk {
  choices?: { delta?: { content?: unknown }; finish_reason?: string | null }[];
  usage?: OpenAiUsage | null;
  error?: { message?: string };
}

function parseChunk(data: string): Chunk | null {
  try {
    const value: unknown = JSON.parse(data);
    return value && typeof value === 'object' ? (value as Chunk) : null;
  } catch {
    return null;
  }
}

function requestBody({ model, request, defaultMaxTokens }: StreamAttempt): Record<string, unknown> {
  const params = request.params ?? {};
  const messages = params.system_prompt
    ? [{ role: 'system', content: params.system_prompt }, ...request.messages]
    : request.messages;
  return {
    model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: params.max_tokens ?? defaultMaxTokens,
    ...(params.temperature !== undefined ? { temperature: params.temperature } : {}),
    ...(params.top_p !== undefined ? { top_p: params.top_p } : {}),
    ...(params.seed !== undefined ? { seed: params.seed } : {}),
    ...(params.frequency_penalty !== undefined ? { frequency_penalty: params.frequency_penalty } : {}),
    ...(params.presence_penalty !== undefined ? { presence_penalty: params.presence_penalty } : {}),
    ...(params.stop?.length ? { stop: params.stop } : {}),
    // Not OpenAI's own, but llama.cpp's server and vLLM read them; sent only when a request sets them.
    ...(params.top_k !== undefined ? { top_k: params.top_k } : {}),
    ...(params.repeat_penalty !== undefined ? { repeat_penalty: params.repeat_penalty } : {}),
  };
}
