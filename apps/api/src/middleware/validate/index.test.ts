import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatSession, ErrorEnvelope } from '@chat-studio/protocol';
import { createApp } from '../../app/create-app.js';
import { openTestStore } from '../../test-support.js';
import { illFormedTextPath } from './index.js';

let ctx: Awaited<ReturnType<typeof openTestStore>>;
let app: ReturnType<typeof createApp>;
beforeEach(async () => {
  ctx = await openTestStore();
  app = createApp({ store: ctx.store, config: ctx.config });
});
afterEach(() => ctx.cleanup());

const send = (method: string, path: string, body: string) =>
  app.request(path, { method, headers: { 'content-type': 'application/json' }, body });

async function errorOf(res: Response): Promise<[number, string]> {
  return [res.status, ((await res.json()) as ErrorEnvelope).error.code];
}

describe('JSON bodies', () => {
  it('refuses lone surrogates with 400 invalid_text and stores nothing altered', async () => {
    // JSON escapes are how a lone surrogate reaches the server: UTF-8 on the wire cannot carry one.
    expect(await errorOf(await send('POST', '/api/chat/sessions', '{"title":"x\\ud800y"}'))).toEqual([
      400,
      'invalid_text',
    ]);
    const created = (await (await send('POST', '/api/chat/sessions', '{"title":"ok"}')).json()) as ChatSession;
    const res = await send(
      'POST',
      `/api/chat/sessions/${created.id}/messages`,
      '{"role":"user","content":"a\\udc00b"}',
    );
    const body = (await res.json()) as ErrorEnvelope;
    expect([res.status, body.error.code]).toEqual([400, 'invalid_text']);
    expect(body.error.message).toMatch(/content/);
    // A proper pair (an emoji written as escapes) is fine.
    const ok = await send(
      'POST',
      `/api/chat/sessions/${created.id}/messages`,
      '{"role":"user","content":"\\ud83d\\ude42"}',
    );
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { content: string }).content).toBe('🙂');
  });

  it('refuses an array or a bare value where an object belongs', async () => {
    const created = (await (await send('POST', '/api/chat/sessions', '{}')).json()) as ChatSession;
    for (const body of ['[]', '[{"title":"x"}]', '"title"', '42', 'null']) {
      expect(await errorOf(await send('PATCH', `/api/chat/sessions/${created.id}`, body))).toEqual([
        400,
        'validation_error',
      ]);
      expect(await errorOf(await send('POST', '/api/chat/sessions', body))).toEqual([400, 'validation_error']);
    }
    // An empty body still means {} (POST /api/chat/sessions works without one).
    expect((await app.request('/api/chat/sessions', { method: 'POST' })).status).toBe(201);
  });

  it('finds ill-formed text in keys and nested values', () => {
    expect(illFormedTextPath({ a: ['ok', { b: 'x\ud800' }] })).toBe('a.1.b');
    expect(illFormedTextPath({ 'k\udfff': 1 })).toBe('k\udfff');
    expect(illFormedTextPath({ a: '🙂', b: ['\ud83d\ude42'] })).toBeUndefined();
  });
});
