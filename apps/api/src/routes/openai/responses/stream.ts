/**
 * A streamed response in OpenAI's event order: response.created, response.in_progress, then per output item
 * response.output_item.added … response.output_item.done (a message: content_part.added, output_text.delta…,
 * output_text.done, content_part.done; a function call: function_call_arguments.delta…, function_call_arguments.done),
 * then response.completed (or response.incomplete at max_output_tokens, or response.failed). Each event carries its
 * `sequence_number`.
 */
import type { SSEStreamingApi } from 'hono/streaming';
import type { ToolCall, ToolCallDelta } from '@chat-studio/llm-runtime';
import type { TurnResult } from '../../../chat-service/index.js';
import {
  outputFunctionCall,
  outputMessage,
  outputText,
  responseObject,
  type OutputState,
  type ResponseFacts,
} from './response-object.js';

type Send = (type: string, payload: Record<string, unknown>) => Promise<unknown>;

/** Runs the turn with the hooks that stream it. */
export type RunTurn = (
  signal: AbortSignal,
  hooks: {
    onStart: (info: { assistantMessageId: string }) => Promise<void>;
    onToken: (text: string) => void;
    onToolCall: (delta: ToolCallDelta) => void;
  },
) => Promise<TurnResult>;

/**
 * The output items' events. The message item opens at once when no tools are offered, else at the first text (a
 * reply that is only function calls has no message item); each function call is an item of its own.
 */
function outputEvents(send: Send, messageId: string) {
  let next = 0;
  let message: { index: number; text: string; open: boolean } | undefined;
  const calls: { index: number; call: ToolCall }[] = [];
  const at = () => ({ item_id: `msg_${messageId}`, output_index: message!.index, content_index: 0 });
  const openMessage = () => {
    message = { index: next++, text: '', open: true };
    void send('response.output_item.added', {
      output_index: message.index,
      item: outputMessage(messageId, '', 'in_progress'),
    });
    void send('response.content_part.added', { ...at(), part: outputText('') });
  };
  const closeMessage = (text: string, status: 'completed' | 'incomplete') => {
    if (!message?.open) return;
    message.open = false;
    void send('response.output_text.done', { ...at(), text, logprobs: [] });
    void send('response.content_part.done', { ...at(), part: outputText(text) });
    void send('response.output_item.done', {
      output_index: message.index,
      item: outputMessage(messageId, text, status),
    });
  };
  const openCall = (n: number, call: ToolCall) => {
    const entry = { index: next++, call: { ...call, arguments: '' } };
    calls[n] = entry;
    void send('response.output_item.added', {
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
      if (!message) openMessage();
      message!.text += delta;
      void send('response.output_text.delta', { ...at(), delta, logprobs: [] });
    },
    toolCall(delta: ToolCallDelta) {
      let entry = calls[delta.index];
      if (!entry) {
        closeMessage(message?.text ?? '', 'completed');
        entry = openCall(delta.index, { id: delta.id ?? '', name: delta.name ?? '', arguments: '' });
      }
      if (delta.arguments === '') return;
      entry.call.arguments += delta.arguments;
      const itemId = `fc_${messageId}_${delta.index}`;
      void send('response.function_call_arguments.delta', {
        item_id: itemId,
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
        void send('response.function_call_arguments.done', {
          item_id: `fc_${messageId}_${n}`,
          output_index: entry.index,
          arguments: call.arguments,
          name: call.name,
        });
        void send('response.output_item.done', {
          output_index: entry.index,
          item: outputFunctionCall(messageId, n, call, status),
        });
      });
    },
  };
}

/** Streams one turn; `finalState` reads the stored result as the response's output. */
export async function streamTurn(
  stream: SSEStreamingApi,
  run: RunTurn,
  factsFor: (messageId: string) => ResponseFacts,
  finalState: (result: TurnResult) => OutputState,
  eagerMessage: boolean,
): Promise<void> {
  const controller = new AbortController();
  stream.onAbort(() => controller.abort());
  let sequence = 0;
  let writes: Promise<unknown> = Promise.resolve();
  const send: Send = (type, payload) => {
    const data = JSON.stringify({ type, sequence_number: sequence++, ...payload });
    writes = writes.then(() => stream.writeSSE({ event: type, data }));
    return writes;
  };
  let facts: ResponseFacts | undefined;
  let events: ReturnType<typeof outputEvents> | undefined;
  let text = '';
  try {
    const result = await run(controller.signal, {
      onStart: async ({ assistantMessageId }) => {
        facts = factsFor(assistantMessageId);
        const begun = responseObject(facts, { status: 'in_progress', text: '', usage: null });
        void send('response.created', { response: begun });
        void send('response.in_progress', { response: begun });
        events = outputEvents(send, facts.messageId);
        events.start(eagerMessage);
        await writes;
      },
      onToken: (delta) => {
        text += delta;
        events?.text(delta);
      },
      onToolCall: (delta) => events?.toolCall(delta),
    });
    await writes;
    if (controller.signal.aborted || !facts || !events) return;
    const state = finalState(result);
    events.finish(state);
    await send(
      state.status === 'completed'
        ? 'response.completed'
        : state.status === 'failed'
          ? 'response.failed'
          : 'response.incomplete',
      { response: responseObject(facts, state) },
    );
  } catch (err) {
    await writes.catch(() => {});
    const message = err instanceof Error ? err.message : 'generation failed';
    const code = (err as { code?: unknown }).code;
    if (facts) {
      const failed = responseObject(facts, {
        status: 'failed',
        text,
        usage: null,
        error: { code: 'server_error', message },
      });
      await send('response.failed', { response: failed }).catch(() => {});
    } else {
      await send('error', { code: typeof code === 'string' ? code : 'server_error', message, param: null }).catch(
        () => {},
      );
    }
  }
}
