/**
 * A streamed response in OpenAI's event order, as an encoder for the one SSE writer: response.created,
 * response.in_progress, then per output item response.output_item.added … response.output_item.done (a message:
 * content_part.added, output_text.delta…, output_text.done, content_part.done; a function call:
 * function_call_arguments.delta…, function_call_arguments.done), then response.completed (or response.incomplete at
 * max_output_tokens, or response.failed). Each event carries its `sequence_number`.
 */
import type { ToolCall, ToolCallDelta } from '@chat-studio/llm-runtime';
import type { DoneEvent, TurnEvent } from '../../../chat-service/index.js';
import { describeError } from '../../../errors/index.js';
import type { SseEncoder, SseFrame } from '../../../streaming/index.js';
import {
  outputFunctionCall,
  outputMessage,
  outputText,
  responseObject,
  type OutputState,
  type ResponseFacts,
} from './response-object.js';

type Send = (type: string, payload: Record<string, unknown>) => void;

/** The stored turn a `done` event carries. */
export type StoredTurn = NonNullable<DoneEvent['turn']>;

/** Options of {@link responseEncoder}. */
export interface ResponseEncoderOptions {
  /** The response's facts, once the reply's id is known (at `start`). */
  factsFor: (messageId: string) => ResponseFacts;
  /** The response's output as stored, from the finished turn. */
  finalState: (turn: StoredTurn) => OutputState;
  /** Open the message item at once (no tools offered); else at the first text. */
  eagerMessage: boolean;
}

/**
 * The output items' events. The message item opens at once when no tools are offered, else at the first text (a
 * reply that is only function calls has no message item); each function call is an item of its own.
 */
function outputEvents(send: Send, messageId: string) {
  let next = 0;
  let message: { index: number; text: string; open: boolean } | undefined;
  const calls: { index: number; call: ToolCall }[] = [];
  const at = (index: number) => ({ item_id: `msg_${messageId}`, output_index: index, content_index: 0 });
  const openMessage = () => {
    const opened = { index: next++, text: '', open: true };
    message = opened;
    send('response.output_item.added', {
      output_index: opened.index,
      item: outputMessage(messageId, '', 'in_progress'),
    });
    send('response.content_part.added', { ...at(opened.index), part: outputText('') });
    return opened;
  };
  const closeMessage = (text: string, status: 'completed' | 'incomplete') => {
    if (!message?.open) return;
    message.open = false;
    send('response.output_text.done', { ...at(message.index), text, logprobs: [] });
    send('response.content_part.done', { ...at(message.index), part: outputText(text) });
    send('response.output_item.done', { output_index: message.index, item: outputMessage(messageId, text, status) });
  };
  const openCall = (n: number, call: ToolCall) => {
    const entry = { index: next++, call: { ...call, arguments: '' } };
    calls[n] = entry;
    send('response.output_item.added', {
      output_index: entry.index,
      item: outputFunctionCall(messageId, n, entry.call, 'in_progress'),
    });
    return entry;
  };
  return {
    start: (eager: boolean) => eager && openMessage(),
    text(delta: string) {
      // Text after a call began (not seen from the runtime) is still in the final response's message item.
      if (calls.length > 0) return;
      const current = message ?? openMessage();
      current.text += delta;
      send('response.output_text.delta', { ...at(current.index), delta, logprobs: [] });
    },
    toolCall(delta: ToolCallDelta) {
      let entry = calls[delta.index];
      if (!entry) {
        closeMessage(message?.text ?? '', 'completed');
        entry = openCall(delta.index, { id: delta.id ?? '', name: delta.name ?? '', arguments: '' });
      }
      if (delta.arguments === '') return;
      entry.call.arguments += delta.arguments;
      send('response.function_call_arguments.delta', {
        item_id: `fc_${messageId}_${delta.index}`,
        output_index: entry.index,
        delta: delta.arguments,
      });
    },
    /** Closes every item with its final content; items not streamed yet are opened first. */
    finish(state: OutputState) {
      const status = state.status === 'completed' ? 'completed' : 'incomplete';
      const final = state.toolCalls ?? [];
      if (!message && (state.text !== '' || final.length === 0)) openMessage();
      closeMessage(state.text, status);
      final.forEach((call, n) => {
        const entry = calls[n] ?? openCall(n, call);
        send('response.function_call_arguments.done', {
          item_id: `fc_${messageId}_${n}`,
          output_index: entry.index,
          arguments: call.arguments,
          name: call.name,
        });
        send('response.output_item.done', {
          output_index: entry.index,
          item: outputFunctionCall(messageId, n, call, status),
        });
      });
    },
  };
}

/** The event that ends a response of `status`. */
function lastEventType(status: OutputState['status']): string {
  if (status === 'completed') return 'response.completed';
  return status === 'failed' ? 'response.failed' : 'response.incomplete';
}

/**
 * The Responses API's events from a stored turn's events, numbered in order. An error is the described error (code and
 * message as on every stream): `response.failed` once the response exists, else an `error` event.
 *
 * @example
 * return sseResponse(c, { events, encoder: responseEncoder({ factsFor, finalState, eagerMessage: true }) });
 */
export function responseEncoder(options: ResponseEncoderOptions): SseEncoder<TurnEvent> {
  let sequence = 0;
  let pending: SseFrame[] = [];
  const send: Send = (type, payload) => {
    pending.push({ event: type, data: JSON.stringify({ type, sequence_number: sequence++, ...payload }) });
  };
  const take = (): SseFrame[] => {
    const frames = pending;
    pending = [];
    return frames;
  };
  let facts: ResponseFacts | undefined;
  let items: ReturnType<typeof outputEvents> | undefined;
  let text = '';
  const failure = (error: unknown): SseFrame[] => {
    const report = describeError(error);
    if (!facts) {
      send('error', { code: report.code, message: report.message, param: null });
      return take();
    }
    const error_ = { code: 'server_error', message: report.message };
    send('response.failed', {
      response: responseObject(facts, { status: 'failed', text, usage: null, error: error_ }),
    });
    return take();
  };
  const start = (messageId: string) => {
    const begun = options.factsFor(messageId);
    facts = begun;
    const response = responseObject(begun, { status: 'in_progress', text: '', usage: null });
    send('response.created', { response });
    send('response.in_progress', { response });
    items = outputEvents(send, begun.messageId);
    items.start(options.eagerMessage);
  };
  return {
    frames(event) {
      switch (event.type) {
        case 'start':
          start(event.assistantMessageId);
          break;
        case 'token':
          text += event.text;
          items?.text(event.text);
          break;
        case 'tool_call':
          items?.toolCall(event.delta);
          break;
        case 'done':
          if (facts && items && event.turn) {
            const state = options.finalState(event.turn);
            items.finish(state);
            send(lastEventType(state.status), { response: responseObject(facts, state) });
          }
          break;
        case 'error':
          return failure(event.error);
      }
      return take();
    },
    fail: failure,
  };
}
