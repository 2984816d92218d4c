/** The one SSE writer and its event channel, in process: framing, keep-alive, errors mid-stream, refusal, abort. */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  createEventChannel,
  jsonResponse,
  ndjsonResponse,
  sseResponse,
  type SseEncoder,
  type SseResponseOptions,
} from './index.js';

type Event = { type: 'text'; text: string } | { type: 'quiet' } | { type: 'error'; error: unknown };

/** Writes `event: text` frames, `: begin`-like frames around them, and the error's message. */
const encoder: SseEncoder<Event> = {
  begin: () => [{ data: 'begin' }],
  frames: (event) =>
    event.type === 'text'
      ? [{ event: 'text', data: JSON.stringify({ text: event.text }) }]
      : event.type === 'error'
        ? [{ event: 'error', data: String((event.error as Error).message) }]
        : [],
  end: () => [{ data: '[DONE]' }],
  fail: (error) => [{ event: 'failed', data: (error as Error).message }],
};

function appWith(options: Omit<SseResponseOptions<Event>, 'encoder'> & { encoder?: SseEncoder<Event> }) {
  const app = new Hono().get('/', (c) => sseResponse(c, { encoder, ...options }));
  app.onError((err, c) => c.json({ error: err.message }, 500));
  return app;
}

async function* of(...events: Event[]): AsyncGenerator<Event> {
  for (const event of events) yield event;
}

describe('sseResponse', () => {
  it('frames every event as SSE, begin first and end last, with no-cache headers', async () => {
    const res = await appWith({
      events: () => of({ type: 'text', text: 'a' }, { type: 'quiet' }, { type: 'text', text: 'b' }),
    }).request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('cache-control')).toMatch(/^no-cache/);
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(await res.text()).toBe(
      'data: begin\n\nevent: text\ndata: {"text":"a"}\n\nevent: text\ndata: {"text":"b"}\n\ndata: [DONE]\n\n',
    );
  });

  it('an error event mid-stream is described and ends the stream, without the end frames', async () => {
    const res = await appWith({
      events: () =>
        of({ type: 'text', text: 'a' }, { type: 'error', error: new Error('boom') }, { type: 'text', text: 'never' }),
    }).request('/');
    expect(await res.text()).toBe('data: begin\n\nevent: text\ndata: {"text":"a"}\n\nevent: error\ndata: boom\n\n');
  });

  it('an error thrown by the iterable is written by the encoder, never a bare close', async () => {
    async function* throwing(): AsyncGenerator<Event> {
      yield { type: 'text', text: 'a' };
      throw new Error('defect');
    }
    const res = await appWith({ events: throwing }).request('/');
    expect(await res.text()).toBe('data: begin\n\nevent: text\ndata: {"text":"a"}\n\nevent: failed\ndata: defect\n\n');
  });

  it('openOnFirstFrame: an error before anything to send is thrown (an HTTP error), not a 200 stream', async () => {
    const res = await appWith({
      events: () => of({ type: 'quiet' }, { type: 'error', error: new Error('refused') }),
      openOnFirstFrame: true,
    }).request('/');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'refused' });
    const ok = await appWith({
      events: () => of({ type: 'quiet' }, { type: 'text', text: 'a' }),
      openOnFirstFrame: true,
    }).request('/');
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('data: begin\n\nevent: text\ndata: {"text":"a"}\n\ndata: [DONE]\n\n');
  });

  it('sends keep-alive comments while the producer is quiet', async () => {
    const channel = createEventChannel<Event>();
    const res = await appWith({ events: () => channel, keepAliveMs: 10 }).request('/');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes(': keep-alive\n\n')) text += decoder.decode((await reader.read()).value);
    channel.push({ type: 'text', text: 'late' });
    channel.close();
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
    expect(text).toMatch(/^data: begin\n\n(: keep-alive\n\n)+event: text\ndata: \{"text":"late"\}\n\n/);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('a client that hangs up aborts the producer and nothing more is written', async () => {
    const channel = createEventChannel<Event>();
    let producerSignal: AbortSignal | undefined;
    const res = await appWith({
      events: (signal) => {
        producerSignal = signal;
        return channel;
      },
    }).request('/');
    const reader = res.body!.getReader();
    channel.push({ type: 'text', text: 'a' });
    let text = '';
    while (!text.includes('"a"')) text += new TextDecoder().decode((await reader.read()).value);
    expect(producerSignal?.aborted).toBe(false);
    await reader.cancel();
    await expect.poll(() => producerSignal?.aborted).toBe(true);
    // The producer goes on (it stores what it has); its later events have nowhere to go and are dropped.
    channel.push({ type: 'text', text: 'b' });
    channel.close();
  });

  it('the request signal aborts the producer too (a client gone before the stream opened)', async () => {
    const controller = new AbortController();
    let producerSignal: AbortSignal | undefined;
    const app = appWith({
      events: (signal) => {
        producerSignal = signal;
        return of({ type: 'text', text: 'a' });
      },
    });
    controller.abort();
    const res = await app.request('/', { signal: controller.signal });
    await res.text().catch(() => '');
    expect(producerSignal?.aborted).toBe(true);
  });
});

describe('ndjsonResponse', () => {
  it('writes one line per frame with the NDJSON content type, the error as the last line', async () => {
    const app = new Hono().get('/', (c) =>
      ndjsonResponse(c, {
        events: () => of({ type: 'text', text: 'a' }, { type: 'error', error: new Error('boom') }),
        encoder: {
          frames: (event) => [{ data: JSON.stringify(event.type === 'error' ? { error: 'boom' } : event) }],
          fail: () => [],
        },
      }),
    );
    const res = await app.request('/');
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(await res.text()).toBe('{"type":"text","text":"a"}\n{"error":"boom"}\n');
  });
});

describe('jsonResponse', () => {
  const app = (events: (signal: AbortSignal) => AsyncIterable<Event>) => {
    const hono = new Hono().post('/', (c) =>
      jsonResponse(c, { events, body: (event) => (event.type === 'text' ? { text: event.text } : undefined) }),
    );
    hono.onError((err, c) => c.json({ error: err.message }, 503));
    return hono;
  };

  it('answers with the last body an event gave, as one JSON object', async () => {
    const res = await app(() =>
      of({ type: 'text', text: 'a' }, { type: 'quiet' }, { type: 'text', text: 'b' }),
    ).request('/', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ text: 'b' });
  });

  it('an error event is thrown to the error handler (its status), never a 200 with half a result', async () => {
    const res = await app(() => of({ type: 'text', text: 'a' }, { type: 'error', error: new Error('busy') })).request(
      '/',
      { method: 'POST' },
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'busy' });
    const empty = await app(() => of({ type: 'quiet' })).request('/', { method: 'POST' });
    expect(await empty.json()).toEqual({ error: 'the events ended without a result' });
  });

  it("hands the producer the request's signal: a client that hangs up aborts it", async () => {
    const controller = new AbortController();
    let producerSignal: AbortSignal | undefined;
    controller.abort();
    await Promise.resolve(
      app((signal) => {
        producerSignal = signal;
        return of({ type: 'text', text: 'a' });
      }).request('/', { method: 'POST', signal: controller.signal }),
    ).catch(() => undefined);
    expect(producerSignal?.aborted).toBe(true);
  });
});

describe('createEventChannel', () => {
  it('delivers what was pushed, in order, to a later reader; then ends', async () => {
    const channel = createEventChannel<number>();
    channel.push(1);
    channel.push(2);
    setTimeout(() => {
      channel.push(3);
      channel.close();
      channel.push(4);
    }, 5);
    const seen: number[] = [];
    for await (const n of channel) seen.push(n);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('a reader that stops drops later pushes (no unbounded buffer for nobody)', async () => {
    const channel = createEventChannel<number>();
    channel.push(1);
    for await (const n of channel) {
      expect(n).toBe(1);
      break;
    }
    channel.push(2);
    const again: number[] = [];
    for await (const n of channel) again.push(n);
    expect(again).toEqual([]);
  });
});
