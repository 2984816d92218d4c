import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LimitsResponse } from '@chat-studio/protocol';
import { createApp } from '../../app/create-app.js';
import { openTestStore } from '../../test-support.js';

type Ctx = Awaited<ReturnType<typeof openTestStore>>;
let ctx: Ctx;

beforeEach(async () => {
  ctx = await openTestStore({ MAX_MESSAGE_LENGTH: '1234' });
});
afterEach(async () => {
  await ctx.cleanup();
});

describe('GET /api/limits', () => {
  it('answers the limits the server enforces, MAX_MESSAGE_LENGTH included', async () => {
    const app = createApp({ store: ctx.store, config: ctx.config });
    const res = await app.request('/api/limits');
    expect(res.status).toBe(200);
    const body = (await res.json()) as LimitsResponse;
    expect(body).toEqual({
      max_message_length: 1234,
      max_title_length: 200,
      max_system_prompt_length: 20_000,
      max_query_length: 500,
      max_body_bytes: ctx.config.maxBodyBytes,
    });
    // The limit it names is the one a send meets: one character more is refused.
    const session = (await (await app.request('/api/chat/sessions', { method: 'POST' })).json()) as { id: string };
    const over = await app.request(`/api/chat/sessions/${session.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'user', content: 'x'.repeat(1235) }),
    });
    expect(over.status).toBe(400);
  });
});
