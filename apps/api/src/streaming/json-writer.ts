/** The one writer's JSON form: routes that answer with one object read the same event iterable the streams write. */
import type { Context } from 'hono';
import { isErrorEvent } from './sse-writer.js';

/** Options of {@link jsonResponse}. */
export interface JsonResponseOptions<E, T> {
  /** The events, produced under the request's signal: a client that hangs up aborts the producer, as on a stream. */
  events: (signal: AbortSignal) => AsyncIterable<E>;
  /** The body an event gives (the end event's), else undefined; the last body given is sent. */
  body: (event: E) => T | undefined;
}

/**
 * Reads `events` to their end and answers with one JSON object: the last body an event gave. An error event (or an
 * error thrown by the iterable) is thrown, so the app's error handler answers with the described error and its status,
 * as it does for any refusal; events that ended without a body are a defect (500).
 *
 * @example
 * return jsonResponse(c, {
 *   events: (signal) => turns.stream(principal, turn, message, signal),
 *   body: (event) => (event.type === 'done' ? event.turn : undefined),
 * });
 */
export async function jsonResponse<E, T extends object>(
  c: Context,
  options: JsonResponseOptions<E, T>,
): Promise<Response> {
  let body: T | undefined;
  for await (const event of options.events(c.req.raw.signal)) {
    if (isErrorEvent(event)) throw event.error;
    body = options.body(event) ?? body;
  }
  if (body === undefined) throw new Error('the events ended without a result');
  return c.json(body);
}
