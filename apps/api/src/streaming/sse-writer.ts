/** The one server-sent-events writer: every streaming route hands it an event iterable and an encoder. */
import type { Context } from 'hono';
import { stream as honoStream, streamSSE } from 'hono/streaming';
import type { StreamingApi } from 'hono/utils/stream';

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
export function sseResponse<E>(c: Context, options: SseResponseOptions<E>): Promise<Response> {
  return encodedResponse(c, options, (body) =>
    streamSSE(c, async (stream) => {
      const keepAlive = options.keepAliveMs
        ? setInterval(() => void stream.write(': keep-alive\n\n').catch(() => {}), options.keepAliveMs)
        : undefined;
      keepAlive?.unref();
      try {
        await body(stream, (frame) =>
          stream.writeSSE(frame.event === undefined ? { data: frame.data } : { event: frame.event, data: frame.data }),
        );
      } finally {
        if (keepAlive) clearInterval(keepAlive);
      }
    }),
  );
}

/**
 * The same for newline-delimited JSON (Ollama's streams): each frame's `data` is one line; `event` is not used and
 * there is no keep-alive (NDJSON has no comment line).
 */
export function ndjsonResponse<E>(c: Context, options: Omit<SseResponseOptions<E>, 'keepAliveMs'>): Promise<Response> {
  c.header('Content-Type', 'application/x-ndjson');
  return encodedResponse(c, options, (body) =>
    honoStream(c, (out) => body(out, (frame) => out.write(`${frame.data}\n`))),
  );
}

type Body = (stream: StreamingApi, write: (frame: SseFrame) => Promise<unknown>) => Promise<void>;

/** The writer's one loop, whatever the framing: abort wiring, first-frame refusal, events in order, errors. */
async function encodedResponse<E>(
  c: Context,
  options: Omit<SseResponseOptions<E>, 'keepAliveMs'>,
  respond: (body: Body) => Response,
): Promise<Response> {
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
  return respond(async (stream, writeFrame) => {
    stream.onAbort(abort);
    // After the client left nothing is written: the socket is gone.
    const write = async (frames: SseFrame[]) => {
      for (const frame of frames) if (!controller.signal.aborted) await writeFrame(frame);
    };
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
