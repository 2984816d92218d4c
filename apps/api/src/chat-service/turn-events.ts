/** What a generation says while it runs, as events in one direction: from the service to whichever route writes them. */
import type { ChatMessage, GenerationStats } from '@chat-studio/protocol';
import type { ToolCall, ToolCallDelta } from '@chat-studio/llm-runtime';
import { createEventChannel } from '../streaming/event-channel.js';

/** Both messages of a stored turn are committed; generation comes next. */
export interface StartEvent {
  type: 'start';
  userMessage: ChatMessage;
  assistantMessageId: string;
  modelId: string;
}

/** What a generation produced, with its figures; `turn` carries the stored messages of a chat turn. */
export interface Generated {
  text: string;
  stats: GenerationStats;
  toolCalls?: ToolCall[];
}

/** The last event of a generation that ended (complete, at `length`, or aborted: `stats.finish_reason` says which). */
export interface DoneEvent extends Generated {
  type: 'done';
  /** The stored turn, when the generation was one. */
  turn?: { user_message: ChatMessage; assistant_message: ChatMessage; stats: GenerationStats };
}

/** The last event of a generation that failed; `assistantMessageId` names the stored reply when there is one. */
export interface TurnErrorEvent {
  type: 'error';
  error: unknown;
  assistantMessageId?: string;
}

/** A generation's events: `start` (stored turns only), `token`s and `tool_call` pieces, then `done` or `error`. */
export type TurnEvent =
  | StartEvent
  | { type: 'token'; text: string }
  | { type: 'tool_call'; delta: ToolCallDelta }
  | DoneEvent
  | TurnErrorEvent;

/** What a producer may emit before it returns; the end event is added from its result or its error. */
export type ProgressEvent = Exclude<TurnEvent, DoneEvent | TurnErrorEvent>;

/**
 * Runs `produce` at once and returns its events: what it emits, then `done` from what it returns or `error` from what
 * it throws (with the reply's id once a `start` was emitted). Exactly one end event, always last.
 *
 * @example
 * const events = generationEvents((emit) => runtime.generate({ ..., onToken: (text) => emit({ type: 'token', text }) }));
 */
export function generationEvents(
  produce: (emit: (event: ProgressEvent) => Promise<void>) => Promise<Omit<DoneEvent, 'type'>>,
): AsyncIterable<TurnEvent> {
  const channel = createEventChannel<TurnEvent>();
  let assistantMessageId: string | undefined;
  // The promise says when the consumer has handled the event (a writer: sent it), for the reply flusher.
  const emit = (event: ProgressEvent): Promise<void> => {
    if (event.type === 'start') assistantMessageId = event.assistantMessageId;
    return channel.push(event);
  };
  let work: Promise<Omit<DoneEvent, 'type'>>;
  try {
    work = produce(emit);
  } catch (error) {
    work = Promise.reject(error);
  }
  work
    .then(
      (done) => void channel.push({ type: 'done', ...done }),
      (error: unknown) =>
        void channel.push({ type: 'error', error, ...(assistantMessageId ? { assistantMessageId } : {}) }),
    )
    .finally(() => channel.close());
  return channel;
}

/** The end of `events`: the `done` event, or the error thrown (for routes that answer with one JSON object). */
export async function lastEvent(events: AsyncIterable<TurnEvent>): Promise<DoneEvent> {
  for await (const event of events) {
    if (event.type === 'done') return event;
    if (event.type === 'error') throw event.error;
  }
  throw new Error('generation ended without a result');
}
