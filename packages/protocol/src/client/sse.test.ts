import { describe, expect, it } from 'vitest';
import { readChatStream, readServerSentEvents } from './sse.js';
import type { StreamEvent } from '../schemas/index.js';

function bodyOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

async function collect(chunks: string[]): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const e of readChatStream(bodyOf(chunks))) events.push(e);
  return events;
}

describe('readChatStream', () => {
  it('parses events split across chunks and skips keep-alive comments', async () => {
    const events = await collect([
      ': keep-alive\n\n',
      'event: token\ndata: {"type":"tok',
      'en","text":"Hel"}\n\nevent: token\r\ndata: {"type":"token","text":"lo \\u00e9"}\r\n\r\n',
    ]);
    expect(events).toEqual([
      { type: 'token', text: 'Hel' },
      { type: 'token', text: 'lo é' },
    ]);
  });

  it('decodes multi-byte characters split between chunks', async () => {
    const bytes = new TextEncoder().encode('data: {"type":"token","text":"東京"}\n\n');
    const cut = 30;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, cut));
        controller.enqueue(bytes.slice(cut));
        controller.close();
      },
    });
    const events: StreamEvent[] = [];
    for await (const e of readChatStream(stream)) events.push(e);
    expect(events).toEqual([{ type: 'token', text: '東京' }]);
  });

  it('reports malformed events as error events instead of throwing', async () => {
    const events = await collect(['data: not json\n\n', 'data: {"type":"token"}\n\n']);
    expect(events.map((e) => e.type)).toEqual(['error', 'error']);
  });
});

describe('readServerSentEvents', () => {
  it('yields raw OpenAI-style data lines split across chunks, skipping comments', async () => {
    const events = [];
    for await (const e of readServerSentEvents(bodyOf([': ping\n\ndata: {"a"', ':1}\n\n', 'data: [DONE]\n\n'])))
      events.push(e);
    expect(events).toEqual([
      { event: undefined, data: '{"a":1}', id: undefined },
      { event: undefined, data: '[DONE]', id: undefined },
    ]);
  });

  it('cancels the body when the reader stops early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: x\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _e of readServerSentEvents(body)) break;
    expect(cancelled).toBe(true);
  });
});
