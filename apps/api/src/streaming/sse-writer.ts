/** The one server-sent-events writer: every streaming route hands it an event iterable and an encoder. */
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';

/** One SSE message: `event:` (optional) and `data:`. */
export interface SseFrame {
  event?: string;
  data: string;
}

/** An event that ends a stream with a failure; the encoder describes it, the writer never throws it mid-stream. */
export interface ErrorEvent {
  type: 'error';
  error: unknown;
}

/** How one route's events become frames. Encoders may keep state (sequence numbers, ids); one per response. */
export interface SseEncoder<E> {
  /** Frames sent as soon as the stream opens, before the first event's. */
  begin?(): SseFrame[];
  /** Frames for one event; none to skip it. An {@link ErrorEvent} is encoded here too, and is the last event. */
  frames(event: E): SseFrame[];
  /** Frames after the last event when the stream ended without an error event and the client is still there. */
  end?(): SseFrame[];
  /** Frames for an error thrown by the iterable itself (a defect, or a producer that throws instead of yielding). */
  fail(error: unknown): SseFrame[];
}

/** Options of {@link sseResponse}. */
export interface SseResponseOptions<E> {
  /** The events, produced under `signal`, which aborts when the client hangs up. */
  events: (signal: AbortSignal) => AsyncIterable<E>;
  encoder: SseEncoder<E>;
  /** Interval of `: keep-alive` comments, so proxies keep an idle stream open. Defaults to none. */
  keepAliveMs?: number;
  /**
   * Answer only once an event has something to send: a failure before that (a refusal, a busy queue) is thrown and
   * becomes a plain HTTP error instead of a 200 stream with an error in it. Defaults to opening at once.
   */
  openOnFirstFrame?: boolean;
}

/** True for an {@link ErrorEvent}. */
export function isErrorEvent(event: unknown): event is ErrorEvent {
  return (
    typeof event === 'object' && event !== null && (event as { type?: unknown }).type === 'error' && 'error' in event
  );
}

/**
 * Streams `events` as SSE. A client that hangs up aborts the `signal` given to `events` (the producer stores what it
 * has) and nothing more is written; an error event or a thrown error is described by the encoder, never a bare close.
 */
export async function sseResponse<E>(c: Context, options: SseResponseOptions<E>): Promise<Response> {
  const { encoder } = options;
  const controller = new AbortController();
  const abort = () => controller.abort();
  const request = c.req.raw.signal;
  if (request.aborted) abort();
  else request.addEventListener('abort', abort, { once: true });
  const iterator = options.events(controller.signal)[Symbol.asyncIterator]();
  let buffered: SseFrame[] = [];
  let ended = false;
  if (options.openOnFirstFrame) {
    try {
      ({ buffered, ended } = await firstFrames(iterator, encoder));
    } catch (error) {
      request.removeEventListener('abort', abort);
      await iterator.return?.();
      throw error;
    }
  }
  c.header('Cache-Control', 'no-cache, no-transform');
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    stream.onAbort(abort);
    const keepAlive = options.keepAliveMs
      ? setInterval(() => void stream.write(': keep-alive\n\n').catch(() => {}), options.keepAliveMs)
      : undefined;
    keepAlive?.unref();
    const write = (frames: SseFrame[]) => writeFrames(stream, frames, controller.signal);
    try {
      await write([...(encoder.begin?.() ?? []), ...buffered]);
      let failed = false;
      while (!ended && !controller.signal.aborted) {
        const next = await iterator.next();
        if (next.done) break;
        failed = isErrorEvent(next.value);
        await write(encoder.frames(next.value));
        if (failed) break;
      }
      if (!failed) await write(encoder.end?.() ?? []);
    } catch (error) {
      await write(encoder.fail(error)).catch(() => {});
    } finally {
      if (keepAlive) clearInterval(keepAlive);
      request.removeEventListener('abort', abort);
      await iterator.return?.();
    }
  });
}

/** Reads events until one has frames; an error event before that is thrown (the caller answers with HTTP). */
async function firstFrames<E>(
  iterator: AsyncIterator<E>,
  encoder: SseEncoder<E>,
): Promise<{ buffered: SseFrame[]; ended: boolean }> {
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { buffered: [], ended: true };
    if (isErrorEvent(next.value)) throw next.value.error;
    const frames = encoder.frames(next.value);
    if (frames.length > 0) return { buffered: frames, ended: false };
  }
}

/** Writes in order; after the client left nothing is written (the socket is gone). */
async function writeFrames(stream: SSEStreamingApi, frames: SseFrame[], signal: AbortSignal): Promise<void> {
  for (const frame of frames) {
    if (signal.aborted) return;
    await stream.writeSSE(frame.event === undefined ? { data: frame.data } : { event: frame.event, data: frame.data });
  }
}
