/**
 * Search by meaning end to end in-process: a real SQLite store, the real test model embedding in the background, the
 * app's search route in each mode and its settings. The test model's vectors are meaningless but deterministic: a
 * query equal to a message's text ranks that message first.
 */
import { createLlmRuntime, type LlmRuntime } from '@chat-studio/llm-runtime';
import { LOCAL_USER } from '@chat-studio/security';
import { testModelsDir } from '@chat-studio/test-support';
import type { SearchHit } from '@chat-studio/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app/create-app.js';
import { openTestStore } from '../test-support.js';
import { createBackgroundEmbedder, fuseByRank, type BackgroundEmbedder } from './index.js';

const TEXTS = [
  'the flaky login test fails on Mondays',
  'a recipe for banana bread with walnuts',
  'quarterly tax forms are due in April',
  'Lily went to the park with her dog',
];

describe('fuseByRank', () => {
  const hit = (id: string): SearchHit => ({
    message_id: id,
    session_id: 's',
    session_title: '',
    role: 'user',
    snippet: id,
    highlights: [],
    created_at: new Date(0).toISOString(),
    rank: 0,
  });
  it('puts a hit found by both lists first, and ranks lower-is-better', () => {
    const fused = fuseByRank(
      [
        [hit('a'), hit('b')],
        [hit('c'), hit('b')],
      ],
      10,
    );
    expect(fused.map((h) => h.message_id)).toEqual(['b', 'a', 'c']);
    expect(fused[0]?.rank).toBeLessThan(fused[1]?.rank ?? 0);
  });
});

describe('search by meaning (real model, real store)', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  let runtime: LlmRuntime;
  let embedder: BackgroundEmbedder;
  let app: ReturnType<typeof createApp>;
  const ids = new Map<string, string>();
  let othersId = '';

  beforeAll(async () => {
    t = await openTestStore({ MODELS_DIR: testModelsDir() });
    runtime = createLlmRuntime({ ...t.config.runtime });
    await runtime.start();
    await runtime.whenLoaded();
    embedder = createBackgroundEmbedder({ store: t.store, runtime, batchSize: 3 });
    app = createApp({ store: t.store, runtime, config: t.config, embedder });
    const session = await t.store.sessions.create(LOCAL_USER.id, { title: 'Mine' });
    for (const content of TEXTS) {
      const m = await t.store.messages.append(LOCAL_USER.id, session.id, { role: 'user', content });
      if (m) ids.set(content, m.id);
    }
    // Another user with the very same text, opted in too: never found by the local user.
    const other = await t.store.sessions.create('someone-else', { title: 'Theirs' });
    othersId = (await t.store.messages.append('someone-else', other.id, { role: 'user', content: TEXTS[0] ?? '' }))
      ?.id as string;
    await t.store.vectors.setEnabled('someone-else', true);
  }, 120_000);

  afterAll(async () => {
    await embedder?.stop();
    await runtime?.close();
    await t?.cleanup();
  });

  const search = async (query: string) => {
    const res = await app.request(`/api/chat/search?${new URLSearchParams(query)}`);
    return { status: res.status, body: (await res.json()) as { items: SearchHit[]; error?: { message: string } } };
  };

  it('refuses mode=meaning until the user turns it on, naming the field', async () => {
    const { status, body } = await search('q=login&mode=meaning');
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('mode');
    expect((await search('q=login&mode=sideways')).status).toBe(400);
  });

  it('embeds history in the background once turned on, with progress', async () => {
    const res = await app.request('/api/chat/search/settings', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ meaning_search: true }),
    });
    expect(res.status).toBe(200);
    expect(await embedder.drain()).toBeGreaterThanOrEqual(TEXTS.length);
    const settings = (await (await app.request('/api/chat/search/settings')).json()) as {
      meaning_search: boolean;
      embedding: { embedded: number; total: number; model: string };
    };
    expect(settings.meaning_search).toBe(true);
    expect(settings.embedding).toMatchObject({ embedded: TEXTS.length, total: TEXTS.length });
    expect(settings.embedding.model).toMatch(/stories260K/);
    const health = (await (await app.request('/health')).json()) as { meaning_search?: { embedded: number } };
    expect(health.meaning_search?.embedded).toBe(TEXTS.length + 1);
  }, 120_000);

  it('finds each message by its own text first, and never another user’s', async () => {
    for (const text of TEXTS) {
      const { status, body } = await search(`q=${text}&mode=meaning&limit=10`);
      expect(status).toBe(200);
      expect(body.items[0]?.message_id).toBe(ids.get(text));
      expect(body.items[0]?.rank).toBeCloseTo(0, 3);
      expect(body.items[0]?.session_title).toBe('Mine');
      expect(body.items.map((h) => h.message_id)).not.toContain(othersId);
    }
  });

  it('fuses words and meaning by default once turned on, with the same hit shape', async () => {
    const text = TEXTS[1] ?? '';
    const { status, body } = await search(`q=${text}`);
    expect(status).toBe(200);
    expect(body.items[0]?.message_id).toBe(ids.get(text));
    expect(body.items[0]?.highlights.length).toBeGreaterThan(0);
    expect(body.items.map((h) => h.message_id)).not.toContain(othersId);
    expect((await search('q=banana&mode=fused&cursor=abc')).status).toBe(400);
  });
});
