import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import {
  MessageAroundPageSchema,
  type ChatMessage,
  type ChatSession,
  type ErrorEnvelope,
  type HealthResponse,
  type MessageAroundPage,
  type Page,
  type SearchHit,
} from '@chat-studio/protocol';
import { createApp } from './create-app.js';
import { openTestStore } from '../test-support.js';

type Ctx = Awaited<ReturnType<typeof openTestStore>>;
let ctx: Ctx;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  ctx = await openTestStore();
  app = createApp({ store: ctx.store, config: ctx.config });
});
afterEach(async () => {
  await ctx.cleanup();
});

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function createSession(title?: string): Promise<ChatSession> {
  const res = await app.request('/api/chat/sessions', json(title === undefined ? {} : { title }));
  expect(res.status).toBe(201);
  return (await res.json()) as ChatSession;
}

async function expectError(res: Response, status: number, code: string): Promise<ErrorEnvelope> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await res.json()) as ErrorEnvelope;
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body;
}

describe('health', () => {
  it('reports database ok and chat degraded without a runtime, on both paths (503: chat would fail)', async () => {
    for (const path of ['/health', '/api/health']) {
      const res = await app.request(path);
      expect(res.status).toBe(503);
      const body = (await res.json()) as HealthResponse;
      expect(body).toMatchObject({ status: 'degraded', database: { ok: true }, model: { state: 'no_model' } });
      expect(body.reason).toMatch(/^Chat service is not available: /);
      expect(res.headers.get('x-request-id')).toBeTruthy();
    }
  });
});

describe('sessions', () => {
  it('creates with the guide’s curl body, reads, renames, pins, lists, deletes', async () => {
    const s = await createSession('Test Session');
    expect(s.title).toBe('Test Session');
    expect(s.pinned).toBe(false);

    const got = await app.request(`/api/chat/sessions/${s.id}`);
    expect(((await got.json()) as ChatSession).id).toBe(s.id);

    const patched = await app.request(`/api/chat/sessions/${s.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Renamed',
        pinned: true,
        settings: { system_prompt: 'Be brief.', temperature: 0.2 },
      }),
    });
    expect(patched.status).toBe(200);
    const p = (await patched.json()) as ChatSession;
    expect(p).toMatchObject({
      title: 'Renamed',
      pinned: true,
      settings: { system_prompt: 'Be brief.', temperature: 0.2 },
    });

    const list = (await (await app.request('/api/chat/sessions')).json()) as Page<ChatSession>;
    expect(list.items.map((x) => x.id)).toContain(s.id);

    const del = await app.request(`/api/chat/sessions/${s.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    await expectError(await app.request(`/api/chat/sessions/${s.id}`), 404, 'not_found');
  });

  it('pages sessions with a cursor, newest first, without duplicates', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await createSession(`s${i}`)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/chat/sessions?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (await app.request(url)).json()) as Page<ChatSession>;
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((x) => x.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });
});

describe('messages and search', () => {
  it('appends, lists both directions, edits, deletes, and search follows', async () => {
    const s = await createSession();
    const contents = ['the quick brown fox', 'jumps over the lazy dog', 'unicode: café 東京 🚀'];
    const made: ChatMessage[] = [];
    for (const [i, content] of contents.entries()) {
      const res = await app.request(
        `/api/chat/sessions/${s.id}/messages`,
        json({ role: i % 2 ? 'assistant' : 'user', content }),
      );
      expect(res.status).toBe(201);
      made.push((await res.json()) as ChatMessage);
    }
    const asc = (await (
      await app.request(`/api/chat/sessions/${s.id}/messages?order=asc`)
    ).json()) as Page<ChatMessage>;
    expect(asc.items.map((m) => m.content)).toEqual(contents);
    const desc = (await (
      await app.request(`/api/chat/sessions/${s.id}/messages?order=desc&limit=2`)
    ).json()) as Page<ChatMessage>;
    expect(desc.items.map((m) => m.content)).toEqual([contents[2], contents[1]]);
    expect(desc.next_cursor).toBeTruthy();

    let hits = (await (await app.request('/api/chat/search?q=lazy')).json()) as Page<SearchHit>;
    expect(hits.items).toHaveLength(1);
    expect(hits.items[0]).toMatchObject({ message_id: made[1]!.id, session_id: s.id });
    const [start, end] = hits.items[0]!.highlights[0]!;
    expect(hits.items[0]!.snippet.slice(start, end).toLowerCase()).toBe('lazy');

    const edit = await app.request(`/api/chat/sessions/${s.id}/messages/${made[1]!.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'sleeps under the tree' }),
    });
    // A new version beside the old one: both are stored and searchable, nothing is overwritten.
    expect(edit.status).toBe(201);
    hits = (await (await app.request('/api/chat/search?q=lazy')).json()) as Page<SearchHit>;
    expect(hits.items.map((h) => h.message_id)).toEqual([made[1]!.id]);
    hits = (await (await app.request('/api/chat/search?q=sleeps')).json()) as Page<SearchHit>;
    expect(hits.items).toHaveLength(1);
    hits = (await (await app.request(`/api/chat/search?q=${encodeURIComponent('東京')}`)).json()) as Page<SearchHit>;
    expect(hits.items).toHaveLength(1);

    // A message goes with everything below it: here both branches.
    const del = await app.request(`/api/chat/sessions/${s.id}/messages/${made[0]!.id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ deleted: 4, current_leaf_id: null });
    hits = (await (await app.request('/api/chat/search?q=fox')).json()) as Page<SearchHit>;
    expect(hits.items).toHaveLength(0);
  });

  it('opens the page around a message, with a cursor each way; a missing or foreign message is 404', async () => {
    const s = await createSession();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await app.request(
        `/api/chat/sessions/${s.id}/messages`,
        json({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` }),
      );
      ids.push(((await res.json()) as ChatMessage).id);
    }
    const res = await app.request(`/api/chat/sessions/${s.id}/messages?around=${ids[12]}&limit=5`);
    expect(res.status).toBe(200);
    const page = (await res.json()) as MessageAroundPage;
    expect(v.is(MessageAroundPageSchema, page)).toBe(true);
    expect(page.items.map((m) => m.id)).toEqual(ids.slice(10, 15));
    expect(page.next_cursor).toBe(page.newer_cursor);
    const older = (await (
      await app.request(`/api/chat/sessions/${s.id}/messages?order=desc&limit=3&cursor=${page.older_cursor}`)
    ).json()) as Page<ChatMessage>;
    expect(older.items.map((m) => m.id)).toEqual([ids[9], ids[8], ids[7]]);
    const newer = (await (
      await app.request(`/api/chat/sessions/${s.id}/messages?order=asc&limit=3&cursor=${page.newer_cursor}`)
    ).json()) as Page<ChatMessage>;
    expect(newer.items.map((m) => m.id)).toEqual([ids[15], ids[16], ids[17]]);

    // Another session of the same user, another user's message, an unknown id: all the same 404.
    const sibling = await createSession();
    const siblingMessage = (await (
      await app.request(`/api/chat/sessions/${sibling.id}/messages`, json({ role: 'user', content: 'x' }))
    ).json()) as ChatMessage;
    const foreignSession = await ctx.store.sessions.create('someone-else');
    const foreign = (await ctx.store.messages.append('someone-else', foreignSession.id, {
      role: 'user',
      content: 'private',
    }))!;
    for (const id of [siblingMessage.id, foreign.id, '01ARZ3NDEKTSV4RRFFQ69G5FAV']) {
      await expectError(await app.request(`/api/chat/sessions/${s.id}/messages?around=${id}`), 404, 'not_found');
    }
    await expectError(
      await app.request(`/api/chat/sessions/${foreignSession.id}/messages?around=${foreign.id}`),
      404,
      'not_found',
    );
    await expectError(await app.request(`/api/chat/sessions/${s.id}/messages?around=nope`), 400, 'validation_error');
    await expectError(
      await app.request(`/api/chat/sessions/${s.id}/messages?around=${ids[3]}&order=desc`),
      400,
      'validation_error',
    );
  });

  it('treats any text as a search query', async () => {
    const s = await createSession();
    await app.request(
      `/api/chat/sessions/${s.id}/messages`,
      json({ role: 'user', content: 'NEAR the AND gate "quoted" stuff' }),
    );
    for (const q of ['"', '*', '(', 'NEAR(', 'AND', '-foo', 'a:b', 'OR NOT', '^x', '")(*', '\u0000', '🚀🚀']) {
      const res = await app.request(`/api/chat/search?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
    }
    const hits = (await (
      await app.request(`/api/chat/search?q=${encodeURIComponent('"quoted" AND')}`)
    ).json()) as Page<SearchHit>;
    expect(hits.items).toHaveLength(1);
  });
});

describe('bad input never gets a 500', () => {
  it('malformed JSON is 400 invalid_json', async () => {
    const res = await app.request('/api/chat/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"title":',
    });
    await expectError(res, 400, 'invalid_json');
  });

  it('wrong types give 400 with the field path', async () => {
    const body = await expectError(
      await app.request('/api/chat/sessions', json({ title: 42 })),
      400,
      'validation_error',
    );
    expect(JSON.stringify(body.error.details)).toContain('"path":"title"');
    const s = await createSession();
    const b2 = await expectError(
      await app.request(`/api/chat/sessions/${s.id}/messages`, json({ role: 'wizard', content: 'x' })),
      400,
      'validation_error',
    );
    expect(JSON.stringify(b2.error.details)).toContain('"path":"role"');
    const b3 = await expectError(
      await app.request(`/api/chat/sessions/${s.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ settings: { temperature: 'hot' } }),
      }),
      400,
      'validation_error',
    );
    expect(JSON.stringify(b3.error.details)).toContain('settings.temperature');
  });

  it('enforces the message length limit and bad query values', async () => {
    const s = await createSession();
    await expectError(
      await app.request(`/api/chat/sessions/${s.id}/messages`, json({ role: 'user', content: 'x'.repeat(100_001) })),
      400,
      'validation_error',
    );
    await expectError(await app.request('/api/chat/sessions?limit=abc'), 400, 'validation_error');
    await expectError(await app.request('/api/chat/sessions?cursor=!!!'), 400, 'validation_error');
    await expectError(await app.request('/api/chat/sessions?cursor=AAAA'), 400, 'validation_error');
    await expectError(await app.request('/api/chat/search'), 400, 'validation_error');
  });

  it('unknown or malformed session ids are 404', async () => {
    await expectError(await app.request('/api/chat/sessions/test/messages'), 404, 'not_found');
    await expectError(await app.request('/api/chat/sessions/01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404, 'not_found');
    await expectError(
      await app.request('/api/chat/sessions/01ARZ3NDEKTSV4RRFFQ69G5FAV/messages', json({ role: 'user', content: 'x' })),
      404,
      'not_found',
    );
    await expectError(await app.request('/api/nope'), 404, 'not_found');
  });

  it('bodies over 1 MiB get 413 and store nothing', async () => {
    const s = await createSession();
    const res = await app.request(
      `/api/chat/sessions/${s.id}/messages`,
      json({ role: 'user', content: 'x'.repeat(1024 * 1024 + 10) }),
    );
    await expectError(res, 413, 'payload_too_large');
    const page = (await (await app.request(`/api/chat/sessions/${s.id}/messages`)).json()) as Page<ChatMessage>;
    expect(page.items).toHaveLength(0);
  });
});

describe('chat without a model', () => {
  it('answers 503 chat_unavailable with the reason while the rest works', async () => {
    const s = await createSession();
    for (const path of ['/api/chat/send', '/api/chat/stream']) {
      const body = await expectError(
        await app.request(path, json({ session_id: s.id, message: 'hi' })),
        503,
        'chat_unavailable',
      );
      expect(body.error.message).toMatch(/^Chat service is not available: /);
    }
    const page = (await (await app.request(`/api/chat/sessions/${s.id}/messages`)).json()) as Page<ChatMessage>;
    expect(page.items).toHaveLength(0);
  });

  it('validates the send body before anything else', async () => {
    await expectError(
      await app.request('/api/chat/send', json({ session_id: 'nope', message: 'hi' })),
      400,
      'validation_error',
    );
    await expectError(await app.request('/api/chat/send', json({ message: '' })), 400, 'validation_error');
  });
});
