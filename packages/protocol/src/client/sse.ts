import { createParser } from 'eventsource-parser';
import * as v from 'valibot';
import { StreamEventSchema, type StreamEvent } from '../schemas/index.js';

/**
 * Reads a `text/event-stream` body and yields the typed chat stream events; comments (keep-alives) are skipped.
 * Events whose JSON does not match the protocol are reported as `error` events rather than thrown mid-stream.
 */
export async function* readChatStream(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const queue: StreamEvent[] = [];
  const parser = createParser({
    onEvent(message) {
      let data: unknown;
      try {
        data = JSON.parse(message.data);
      } catch {
        queue.push({ type: 'error', code: 'invalid_event', message: `Unparseable ${message.event ?? 'message'} event` });
        return;
      }
      const parsed = v.safeParse(StreamEventSchema, data);
      queue.push(
        parsed.success
          ? parsed.output
          : { type: 'error', code: 'invalid_event', message: `Unexpected ${message.event ?? 'message'} event` },
      );
    },
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length > 0) yield queue.shift()!;
    }
    while (queue.length > 0) yield queue.shift()!;
  } finally {
    // Cancelling tells the server the client left, which aborts generation there.
    await reader.cancel().catch(() => {});
  }
}
