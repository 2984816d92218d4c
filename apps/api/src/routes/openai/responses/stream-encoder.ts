/** The Responses API's streamed events, from a stored turn's events. */
import type { TurnEvent, TurnResult } from '../../../chat-service/index.js';
import { describeError } from '../../../errors/index.js';
import type { SseEncoder, SseFrame } from '../../../streaming/index.js';
import {
  outputMessage,
  outputText,
  responseObject,
  statusOf,
  type OutputState,
  type ResponseFacts,
} from './response-object.js';

/** The final state of a response from its stored turn. */
export function finalState(result: Pick<TurnResult, 'assistant_message' | 'stats'>): OutputState {
  const stats = result.stats;
  return {
    status: statusOf(stats),
    text: result.assistant_message.content,
    usage: { input: stats.prompt_tokens, output: stats.completion_tokens, cached: stats.cached_tokens ?? 0 },
  };
}

/**
 * The documented event sequence: response.created, response.in_progress, response.output_item.added,
 * response.content_part.added, response.output_text.delta…, response.output_text.done, response.content_part.done,
 * response.output_item.done, then response.completed (or response.incomplete at max_output_tokens, or
 * response.failed). Each event carries its `sequence_number`.
 */
export function responseEncoder(factsFor: (messageId: string) => ResponseFacts): SseEncoder<TurnEvent> {
  let sequence = 0;
  let facts: ResponseFacts | undefined;
  let text = '';
  const send = (type: string, payload: Record<string, unknown>): SseFrame => ({
    event: type,
    data: JSON.stringify({ type, sequence_number: sequence++, ...payload }),
  });
  const at = (f: ResponseFacts) => ({ item_id: `msg_${f.messageId}`, output_index: 0, content_index: 0 });
  const failure = (error: unknown): SseFrame[] => {
    const report = describeError(error);
    if (!facts) return [send('error', { code: report.code, message: report.message, param: null })];
    const failed = responseObject(facts, {
      status: 'failed',
      text,
      usage: null,
      error: { code: 'server_error', message: report.message },
    });
    return [send('response.failed', { response: failed })];
  };
  return {
    frames(event) {
      switch (event.type) {
        case 'start': {
          const f = factsFor(event.assistantMessageId);
          facts = f;
          const begun = responseObject(f, { status: 'in_progress', text: '', usage: null });
          return [
            send('response.created', { response: begun }),
            send('response.in_progress', { response: begun }),
            send('response.output_item.added', {
              output_index: 0,
              item: outputMessage(f.messageId, '', 'in_progress'),
            }),
            send('response.content_part.added', { ...at(f), part: outputText('') }),
          ];
        }
        case 'token':
          text += event.text;
          return facts ? [send('response.output_text.delta', { ...at(facts), delta: event.text, logprobs: [] })] : [];
        case 'done':
          return facts && event.turn ? finished(facts, finalState(event.turn)) : [];
        case 'error':
          return failure(event.error);
        default:
          return [];
      }
    },
    fail: failure,
  };

  function finished(f: ResponseFacts, state: OutputState): SseFrame[] {
    const last =
      state.status === 'completed'
        ? 'response.completed'
        : state.status === 'failed'
          ? 'response.failed'
          : 'response.incomplete';
    return [
      send('response.output_text.done', { ...at(f), text: state.text, logprobs: [] }),
      send('response.content_part.done', { ...at(f), part: outputText(state.text) }),
      send('response.output_item.done', {
        output_index: 0,
        item: outputMessage(f.messageId, state.text, state.status === 'completed' ? 'completed' : 'incomplete'),
      }),
      send(last, { response: responseObject(f, state) }),
    ];
  }
}
