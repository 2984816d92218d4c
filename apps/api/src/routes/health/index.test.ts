import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HealthResponse } from '@chat-studio/protocol';
import { createApp } from '../../app/create-app.js';
import { type BackgroundEmbedder, createChunkEmbedder } from '../../meaning/index.js';
import { openTestStore } from '../../test-support.js';

type Ctx = Awaited<ReturnType<typeof openTestStore>>;
let ctx: Ctx;
beforeEach(async () => {
  ctx = await openTestStore();
});
afterEach(async () => {
  await ctx.cleanup();
});

/** An embedder whose status counts how often it was asked; `fail` makes the next answers reject. */
function countingEmbedder() {
  const calls = { n: 0, fail: false };
  const embedder: BackgroundEmbedder = {
    start() {},
    nudge() {},
    drain: async () => 0,
    stop: async () => {},
    async status() {
      calls.n += 1;
      if (calls.fail) throw new Error('store closed');
      return { state: 'idle', reason: null, model: 'm', dims: 8, users: 1, embedded: calls.n, total: 10 };
    },
  };
  return { embedder, calls };
}

describe('GET /health: embedding progress', () => {
  it('is counted once per storage-check interval, not once per request', async () => {
    const { embedder, calls } = countingEmbedder();
    const app = createApp({ store: ctx.store, config: ctx.config, embedder });
    const bodies = await Promise.all(
      Array.from({ length: 5 }, async () => (await (await app.request('/health')).json()) as HealthResponse),
    );
    for (let i = 0; i < 5; i++) bodies.push((await (await app.request('/health')).json()) as HealthResponse);
    expect(calls.n).toBe(1);
    expect(bodies.map((b) => b.meaning_search?.embedded)).toEqual(Array(10).fill(1));
  });

  it('asks again after a failed answer instead of keeping the failure', async () => {
    const { embedder, calls } = countingEmbedder();
    calls.fail = true;
    const app = createApp({ store: ctx.store, config: ctx.config, embedder });
    expect(((await (await app.request('/health')).json()) as HealthResponse).meaning_search).toBeUndefined();
    calls.fail = false;
    expect(((await (await app.request('/health')).json()) as HealthResponse).meaning_search?.embedded).toBe(2);
  });
});

describe('GET /health: chunk indexing of large attachments', () => {
  it('shows files per state and chunks embedded, counted once per storage-check interval', async () => {
    const chunks = ['First part of the log.', 'Second part of the log.', 'Third part of the log.'];
    const input = {
      name: 'big.log',
      mime: 'text/plain',
      bytes: new TextEncoder().encode(chunks.join('')),
      sha256: 'a'.repeat(64),
      text: chunks.join(''),
      tokens: 18,
      chunked: true,
      chunks: chunks.map((text, ordinal) => ({ ordinal, start: 0, end: text.length, heading: null, page: null, text })),
    };
    await ctx.store.attachments.create('u', input, { quotaBytes: 1_000_000 });
    let totals = 0;
    const chunkVectors = {
      ...ctx.store.chunkVectors,
      totals: () => {
        totals += 1;
        return ctx.store.chunkVectors.totals();
      },
    };
    // No runtime: the embedder's status says nothing is embedding; the counts come from the store.
    const chunkEmbedder = createChunkEmbedder({ store: { chunkVectors }, runtime: undefined as never });
    const app = createApp({ store: ctx.store, config: ctx.config, chunkEmbedder });
    const bodies = await Promise.all(
      Array.from({ length: 4 }, async () => (await (await app.request('/health')).json()) as HealthResponse),
    );
    expect(totals).toBe(1);
    for (const body of bodies)
      expect(body.chunk_indexing).toEqual({
        state: 'idle',
        reason: null,
        model: null,
        dims: null,
        files: { ready: 0, indexing: 1, error: 0 },
        chunks: 3,
        embedded: 0,
      });
  });

  it('is absent when the server does not embed chunks', async () => {
    const app = createApp({ store: ctx.store, config: ctx.config });
    expect(((await (await app.request('/health')).json()) as HealthResponse).chunk_indexing).toBeUndefined();
  });
});
