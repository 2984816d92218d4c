import { createParser } from 'eventsource-parser';
import * as v from 'valibot';
import { StreamEventSchema, type StreamEvent } from '../schemas/index.js';

/** One server-sent event as read off the wire: `event` is undefined for plain `data:` messages. */
export interface ServerSentEvent {
  event: string | undefined;
  data: string;
  id: string | undefined;
}

/**
 * Reads any `text/event-stream` body (OpenAI's `data: {...}` chunks, for one) and yields its raw events;
 * comments (keep-alives) are skipped. Returning early cancels the body, which tells the server the client left.
 *
 * @example
 * for await (const { data } of readServerSentEvents(response.body!)) {
 *   if (data === '[DONE]') break;
 *   console.log(JSON.parse(data));
 * }
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const queue: ServerSentEvent[] = [];
  const parser = createParser({
    onEvent: (message) => queue.push({ event: message.event, data: message.data, id: message.id }),
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
    await reader.cancel().catch(() => {});
  }
}

/** One chat stream event from a raw SSE message; malformed ones become `error` events rather than throwing. */
function toChatEvent(message: ServerSentEvent): StreamEvent {
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return { type: 'error', code: 'invalid_event', message: `Unparseable ${message.event ?? 'message'} event` };
  }
  const parsed = v.safeParse(StreamEventSchema, data);
  return parsed.success
    ? parsed.output
    : { type: 'error', code: 'invalid_event', message: `Unexpected ${message.event ?? 'message'} event` };
}

/**
 * Reads a `text/event-stream` body and yields the typed chat stream events; comments (keep-alives) are skipped.
 * Events whose JSON does not match the protocol are reported as `error` events rather than thrown mid-stream.
 * Stopping early cancels the body, which tells the server the client left and aborts generation there.
 *
 * @example
 * for await (const event of readChatStream(response.body!)) if (event.type === 'token') process.stdout.write(event.text);
 */
export async function* readChatStream(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  for await (const message of readServerSentEvents(body)) yield toChatEvent(message);
}
