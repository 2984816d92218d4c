import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { startApiServer, tempDir, type ApiServer } from '@chat-studio/test-support';
import { settleRequestBody } from './index.js';

/** What a keep-alive Node `fetch` client sees for each of `n` POSTs of `body`: the status and error code, or the socket error. */
async function outcomes(url: string, body: string, n: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = (await res.json()) as { error?: { code?: string } };
      seen.push(`${res.status} ${json.error?.code ?? ''}`.trim());
    } catch (error) {
      seen.push(`socket ${String((error as { cause?: { code?: string } }).cause?.code ?? error)}`);
    }
  }
  return seen;
}

describe('early refusals on a keep-alive connection (real server)', () => {
  const tmp = tempDir();
  let server: ApiServer;
  beforeAll(async () => {
    server = await startApiServer({
      DATABASE_PATH: path.join(tmp.dir, 'chat.db'),
      MODELS_DIR: path.join(tmp.dir, 'no-models'),
      RATE_LIMIT_API: '3/minute',
    });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    tmp.cleanup();
  });

  it('lets the client read the JSON error of a 413 sent before the body was read', async () => {
    // 2 MB against the 1 MiB limit: refused on Content-Length alone, while the client is still sending.
    const body = JSON.stringify({ title: 'x'.repeat(2_000_000) });
    const seen = await outcomes(`${server.baseUrl}/api/chat/sessions`, body, 10);
    expect(seen).toEqual(Array.from({ length: 10 }, () => '413 payload_too_large'));
  }, 120_000);

  it('and of a 429', async () => {
    const body = JSON.stringify({ title: 'y'.repeat(900_000) });
    const seen = await outcomes(`${server.baseUrl}/api/chat/sessions`, body, 12);
    // The 413 test above counted against the same per-user limit: every answer here is 429 or an accepted 201.
    expect(seen.filter((s) => s.startsWith('socket'))).toEqual([]);
    expect(seen.filter((s) => s === '429 rate_limited').length).toBeGreaterThan(8);
  }, 120_000);
});

describe('settleRequestBody (in process)', () => {
  /** An app whose one route settles the body with a 50 ms wait, then refuses; and a body that sends `bytes`. */
  const refuse = new Hono().post('/', async (c) => {
    await settleRequestBody(c, 1024, 50);
    return c.json({ error: { code: 'payload_too_large' } }, 413);
  });
  const body = (bytes: number, end: boolean) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        if (bytes > 0) controller.enqueue(new Uint8Array(bytes));
        if (end) controller.close();
      },
    });
  const post = (stream: ReadableStream<Uint8Array>, length: number) =>
    refuse.request('/', {
      method: 'POST',
      body: stream,
      headers: { 'content-length': String(length) },
      duplex: 'half',
    });

  it('drains a small body that arrives, and keeps the connection', async () => {
    const res = await post(body(100, true), 100);
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBeNull();
  });

  it('closes the connection when the body does not arrive in time, or is declared past the limit', async () => {
    const slow = await post(body(10, false), 100);
    expect(slow.headers.get('connection')).toBe('close');
    const large = await post(body(0, false), 2048);
    expect(large.headers.get('connection')).toBe('close');
  });
});
