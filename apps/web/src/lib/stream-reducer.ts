/** Pure reducer that folds chat stream events (`start`, `token`, `done`, `error`) into one reply's state. */
import type { ChatMessage, GenerationStats, StreamEvent } from '@chat-studio/protocol';

/** Where a streamed reply is: waiting for `start`, receiving tokens, or finished one way or another. */
export type StreamPhase = 'connecting' | 'streaming' | 'done' | 'error' | 'aborted';

/** Everything the UI shows about one reply while and after it streams. */
export interface StreamState {
  phase: StreamPhase;
  /** The stored user message, from `start`. */
  userMessage: ChatMessage | null;
  /** Id of the assistant message being written, from `start`. */
  assistantId: string | null;
  modelId: string | null;
  /** Reply text so far. */
  text: string;
  /** Token events received. */
  tokens: number;
  /** Clock (ms) when the request was sent. */
  startedAt: number;
  /** Clock (ms) of the first token, `null` before it. */
  firstTokenAt: number | null;
  /** Clock (ms) when the reply ended. */
  endedAt: number | null;
  /** Server figures from `done`. */
  stats: GenerationStats | null;
  /** Final stored assistant message, from `done`. */
  message: ChatMessage | null;
  error: { code: string; message: string } | null;
}

/**
 * A fresh state for a reply requested at `now`.
 *
 * @example
 * let state = createStreamState(performance.now());
 */
export function createStreamState(now: number): StreamState {
  return {
    phase: 'connecting',
    userMessage: null,
    assistantId: null,
    modelId: null,
    text: '',
    tokens: 0,
    startedAt: now,
    firstTokenAt: null,
    endedAt: null,
    stats: null,
    message: null,
    error: null,
  };
}

const isFinished = (s: StreamState) => s.phase === 'done' || s.phase === 'error' || s.phase === 'aborted';

/**
 * Applies one stream event at clock `now`; events after the reply finished are ignored.
 *
 * @example
 * state = applyStreamEvent(state, { type: 'token', text: 'Hi' }, performance.now());
 */
export function applyStreamEvent(state: StreamState, event: StreamEvent, now: number): StreamState {
  if (isFinished(state)) return state;
  switch (event.type) {
    case 'start':
      return {
        ...state,
        phase: 'streaming',
        userMessage: event.user_message,
        assistantId: event.assistant_message_id,
        modelId: event.model_id,
      };
    case 'token':
      return {
        ...state,
        phase: 'streaming',
        text: state.text + event.text,
        tokens: state.tokens + 1,
        firstTokenAt: state.firstTokenAt ?? now,
      };
    case 'done':
      return {
        ...state,
        phase: 'done',
        // The stored message is the truth: it may differ from the concatenated tokens (trimmed, stop sequences).
        text: event.message.content,
        message: event.message,
        assistantId: event.message.id,
        stats: event.stats,
        endedAt: now,
      };
    case 'error':
      return {
        ...state,
        phase: 'error',
        assistantId: event.assistant_message_id ?? state.assistantId,
        error: { code: event.code, message: event.message },
        endedAt: now,
      };
  }
}

/**
 * Marks the reply as stopped by the user at `now`, keeping the text received so far.
 *
 * @example
 * state = abortStream(state, performance.now());
 */
export function abortStream(state: StreamState, now: number): StreamState {
  if (isFinished(state)) return state;
  return { ...state, phase: 'aborted', endedAt: now };
}

/** Speed figures for a reply, live while it streams. */
export interface ReplySpeed {
  /** Milliseconds from request to first token; `null` before it. */
  timeToFirstTokenMs: number | null;
  /** Tokens per second after the first token; `null` until measurable. */
  tokensPerSecond: number | null;
}

/**
 * Time to first token and tokens/s: the server's figures once `done` arrived, otherwise measured here.
 *
 * @example
 * replySpeed(state, performance.now()) // { timeToFirstTokenMs: 120, tokensPerSecond: 48.2 }
 */
export function replySpeed(state: StreamState, now: number): ReplySpeed {
  if (state.stats) {
    return { timeToFirstTokenMs: state.stats.time_to_first_token_ms, tokensPerSecond: state.stats.tokens_per_second };
  }
  const ttft = state.firstTokenAt === null ? null : state.firstTokenAt - state.startedAt;
  const end = state.endedAt ?? now;
  const elapsed = state.firstTokenAt === null ? 0 : end - state.firstTokenAt;
  // One token gives no interval to measure; report once there are at least two.
  const tps = state.tokens > 1 && elapsed > 0 ? ((state.tokens - 1) * 1000) / elapsed : null;
  return { timeToFirstTokenMs: ttft, tokensPerSecond: tps };
}
