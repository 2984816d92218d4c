/**
 * Pure reducer for one turn of a chat (a question and its reply): every transition of the messages the list shows,
 * from the local placeholders to the stored messages, folded from what the request reported. The stream's own
 * state (text, phase, speed) is {@link applyStreamEvent}'s; this adds the two messages around it.
 */
import type { ChatMessage, GenerationStats, SendResponse, StreamEvent } from '@chat-studio/protocol';
import { abortStream, applyStreamEvent, createStreamState, type StreamState } from './stream-reducer.js';

/**
 * A turn that adds a sibling instead of appending: an edit (a new version of a user message, and its reply) or a
 * regenerated reply (to `question`, beside the reply that was there). Both stream; the old versions stay stored.
 */
export type Branching =
  | { kind: 'edit'; messageId: string; siblings: number }
  | { kind: 'regenerate'; messageId: string; question: ChatMessage; siblings: number };

/** One turn as the page shows it. */
export interface Turn {
  /** The reply's stream state (text so far, phase, speed figures). */
  state: StreamState;
  /** The question: local until `start`, then the stored one (a regenerated reply's question is stored already). */
  user: ChatMessage;
  /** The reply: local until `start`, then the stored placeholder, then the final message. */
  reply: ChatMessage;
  /** `undefined` for a plain send. */
  branching: Branching | undefined;
  /** The sentence shown under a reply that failed or was cut off; `null` while it is fine. */
  replyError: string | null;
  /** Nothing was stored: the exchange leaves the list (and the text goes back to the composer). */
  withdrawn: boolean;
}

/** What happened to the request. */
export type TurnEvent =
  /** An event of the reply's stream. */
  | { type: 'stream'; event: StreamEvent }
  /** The whole reply arrived from `/api/chat/send`. */
  | { type: 'sent'; response: SendResponse }
  /** The stream closed (after at least one event). */
  | { type: 'ended' }
  /** The reader stopped the reply. */
  | { type: 'aborted' }
  /** The request failed; before `start` nothing was stored, after it the text so far is kept. */
  | { type: 'failed'; code: string; message: string };

/** The sentence under a reply whose stream closed before `done`. */
export const DISCONNECTED_TEXT = 'The connection closed before the reply finished.';

/**
 * A turn just sent: `user` and `reply` are the local placeholders (for a regenerated reply, `user` is its question).
 *
 * @example
 * const turn = createTurn({ user, reply, branching: undefined, now: performance.now() });
 */
export function createTurn(options: {
  user: ChatMessage;
  reply: ChatMessage;
  branching: Branching | undefined;
  now: number;
}): Turn {
  const { user, reply, branching, now } = options;
  return { state: createStreamState(now), user, reply, branching, replyError: null, withdrawn: false };
}

/**
 * Applies one event at clock `now`.
 *
 * @example
 * turn = applyTurnEvent(turn, { type: 'stream', event }, performance.now());
 */
export function applyTurnEvent(turn: Turn, event: TurnEvent, now: number): Turn {
  // A reply that finished stays as it ended: a stop or a broken connection after `done` changes nothing.
  if (isFinished(turn)) return turn;
  switch (event.type) {
    case 'stream':
      return applyStream(turn, event.event, now);
    case 'sent':
      return applySent(turn, event.response, now);
    case 'ended':
      return applyEnded(turn, now);
    case 'aborted':
      return applyAborted(turn, now);
    case 'failed':
      return applyFailed(turn, event, now);
  }
}

/** Ids of the messages a withdrawn turn takes out of the list (a regenerated reply's question stays). */
export function withdrawnIds(turn: Turn): string[] {
  return turn.branching?.kind === 'regenerate' ? [turn.reply.id] : [turn.user.id, turn.reply.id];
}

function isFinished(turn: Turn): boolean {
  const { phase } = turn.state;
  return phase === 'done' || phase === 'error' || phase === 'aborted';
}

/** Where a sibling made now stands: last of one more than before (‹ 3 / 3 ›, without another request). */
function newestSibling(m: ChatMessage, siblings: number): ChatMessage {
  return siblings > 0 ? { ...m, sibling_position: siblings + 1, sibling_count: siblings + 1 } : m;
}

function decorateUser(turn: Turn, m: ChatMessage): ChatMessage {
  return turn.branching?.kind === 'edit' ? newestSibling(m, turn.branching.siblings) : m;
}

function decorateReply(turn: Turn, m: ChatMessage): ChatMessage {
  return turn.branching?.kind === 'regenerate' ? newestSibling(m, turn.branching.siblings) : m;
}

/** The stored reply with the server's figures filled in where the message lacks them. */
function withStats(message: ChatMessage, stats: GenerationStats | null): ChatMessage {
  if (!stats) return message;
  return {
    ...message,
    time_to_first_token_ms: message.time_to_first_token_ms ?? stats.time_to_first_token_ms,
    tokens_per_second: message.tokens_per_second ?? stats.tokens_per_second,
    completion_tokens: message.completion_tokens ?? stats.completion_tokens,
    prompt_tokens: message.prompt_tokens ?? stats.prompt_tokens,
    finish_reason: message.finish_reason ?? stats.finish_reason,
  };
}

function applyStream(turn: Turn, event: StreamEvent, now: number): Turn {
  const state = applyStreamEvent(turn.state, event, now);
  switch (event.type) {
    case 'start': {
      // A regenerated reply's question was stored long ago: `start` repeats it, undecorated.
      const user = turn.branching?.kind === 'regenerate' ? turn.user : decorateUser(turn, event.user_message);
      const reply = decorateReply(turn, { ...turn.reply, id: event.assistant_message_id, model_id: event.model_id });
      return { ...turn, state, user, reply };
    }
    case 'token':
      return { ...turn, state };
    case 'done':
      return { ...turn, state, reply: decorateReply(turn, withStats(event.message, event.stats)) };
    case 'error': {
      const reply: ChatMessage = { ...turn.reply, content: state.text, status: 'error', finish_reason: 'error' };
      return { ...turn, state, reply, replyError: event.message };
    }
  }
}

function applySent(turn: Turn, response: SendResponse, now: number): Turn {
  const reply = withStats(response.assistant_message, response.stats);
  const state: StreamState = {
    ...turn.state,
    phase: 'done',
    text: reply.content,
    message: reply,
    stats: response.stats,
    endedAt: now,
  };
  return { ...turn, state, user: response.user_message, reply };
}

function applyEnded(turn: Turn, now: number): Turn {
  const state: StreamState = {
    ...turn.state,
    phase: 'error',
    error: { code: 'disconnected', message: 'Connection lost' },
    endedAt: now,
  };
  const reply: ChatMessage = { ...turn.reply, content: state.text, status: 'partial' };
  return { ...turn, state, reply, replyError: DISCONNECTED_TEXT };
}

function applyAborted(turn: Turn, now: number): Turn {
  const state = abortStream(turn.state, now);
  // Stopped before `start`: the server stored nothing, so nothing stays on screen.
  if (!state.userMessage) return { ...turn, state, withdrawn: true };
  const reply: ChatMessage = { ...turn.reply, content: state.text, status: 'partial', finish_reason: 'abort' };
  return { ...turn, state, reply };
}

function applyFailed(turn: Turn, event: { code: string; message: string }, now: number): Turn {
  const state: StreamState = {
    ...turn.state,
    phase: 'error',
    error: { code: event.code, message: event.message },
    endedAt: now,
  };
  if (!turn.state.userMessage) return { ...turn, state, withdrawn: true };
  const reply: ChatMessage = { ...turn.reply, content: state.text, status: 'error' };
  return { ...turn, state, reply, replyError: event.message };
}
