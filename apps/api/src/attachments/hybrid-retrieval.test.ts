/**
 * Hybrid retrieval end to end in-process, on SQLite and (when it runs here) PostgreSQL: real stores, the real test
 * model embedding chunks in the background, the summary's progress, words while vectors are missing, vector rank
 * fused in once they exist, the right file's chunks only, ownership, and the sources of a planned turn. The test
 * model's vectors are meaningless but deterministic: a chunk's own text ranks it first.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { openChatStore, type ChatStore, type NewAttachment } from '@chat-studio/chat-store';
import { createLlmRuntime, type LlmRuntime } from '@chat-studio/llm-runtime';
import { LOCAL_USER } from '@chat-studio/security';
import {
  createScratchDatabase,
  postgresUnavailable,
  tempDir,
  testModelsDir,
  type ScratchDatabase,
} from '@chat-studio/test-support';
import type { AttachmentSummary } from '@chat-studio/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app/create-app.js';
import { loadConfig } from '../config/index.js';
import { createChunkEmbedder, type ChunkEmbedder } from '../meaning/index.js';
import { chunkMeaning, planTurn, retrieveChunks } from './index.js';

const QUOTA = { quotaBytes: 10_000_000 };
const ME = LOCAL_USER.id;
const CHUNKS = [
  'Lily went to the park with her dog and they played with a red ball.',
  'The login test is flaky because the session cookie expires during the run.',
  'Quarterly tax forms are due in April, with receipts kept for seven years.',
  'A recipe for banana bread needs ripe bananas, flour, butter and walnuts.',
  'The server listens on port 3000 unless PORT says otherwise.',
];

/** A chunked text file of `chunks` (no headings: a chunk is embedded as its text alone). */
function chunkedFile(name: string, chunks: readonly string[]): NewAttachment {
  const text = chunks.join('\n');
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return {
    name,
    mime: 'text/plain',
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    text,
    tokens: null,
    chunked: true,
    chunks: chunks.map((chunk, ordinal) => {
      const start = at;
      at += chunk.length + 1;
      return { ordinal, start, end: start + chunk.length, heading: null, page: null, text: chunk };
    }),
  };
}

interface Backend {
  name: string;
  open(dir: string): Promise<{ store: ChatStore; drop(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    open: async (dir) => ({ store: await openChatStore({ path: path.join(dir, 'chat.db') }), drop: async () => {} }),
  },
];
if (postgresUnavailable() === undefined)
  backends.push({
    name: 'postgres',
    async open() {
      const db: ScratchDatabase = await createScratchDatabase({ prefix: 'api_hybrid' });
      return { store: await openChatStore({ url: db.url }), drop: () => db.drop() };
    },
  });

describe.each(backends)('hybrid retrieval with the test model ($name)', (backend) => {
  const tmp = tempDir();
  let store: ChatStore;
  let drop: () => Promise<void>;
  let runtime: LlmRuntime;
  let embedder: ChunkEmbedder;
  let app: ReturnType<typeof createApp>;
  let mine: AttachmentSummary;
  let second: AttachmentSummary;
  let theirs: AttachmentSummary;

  beforeAll(async () => {
    ({ store, drop } = await backend.open(tmp.dir));
    const config = loadConfig({
      DATABASE_PATH: path.join(tmp.dir, 'chat.db'),
      WEB_DIST: path.join(tmp.dir, 'no-web'),
      MODELS_DIR: testModelsDir(),
    });
    runtime = createLlmRuntime({ ...config.runtime });
    await runtime.start();
    await runtime.whenLoaded();
    embedder = createChunkEmbedder({ store, runtime, batchSize: 2 });
    app = createApp({ store, runtime, config, chunkEmbedder: embedder });
    mine = await store.attachments.create(ME, chunkedFile('notes.txt', CHUNKS), QUOTA);
    second = await store.attachments.create(ME, chunkedFile('other.txt', ['Nothing here.', 'Or here either.']), QUOTA);
    // Another user's file with the very same text: never retrieved for the local user.
    theirs = await store.attachments.create('someone-else', chunkedFile('theirs.txt', CHUNKS), QUOTA);
  }, 120_000);

  afterAll(async () => {
    await embedder?.stop();
    await runtime?.close();
    await store?.close();
    await drop?.();
    tmp.cleanup();
  });

  const summary = async (id: string) => {
    const res = await app.request(`/api/attachments/${id}`);
    expect(res.status).toBe(200);
    return (await res.json()) as AttachmentSummary;
  };

  it('retrieves by words while a file is indexing, and by its opening chunks when no word matches', async () => {
    expect(await summary(mine.id)).toMatchObject({
      state: 'indexing',
      chunked: true,
      index: { chunks: CHUNKS.length, embedded: 0, reason: null },
    });
    const meaning = chunkMeaning(store, runtime);
    const hits = await retrieveChunks(
      store.attachments,
      { userId: ME, attachmentIds: [mine.id], query: 'why is the login test flaky?', limit: 3 },
      meaning,
    );
    expect(hits[0]).toMatchObject({ attachment_id: mine.id, ordinal: 1 });
    const none = await retrieveChunks(
      store.attachments,
      { userId: ME, attachmentIds: [mine.id], query: 'zqxj vbnm', limit: 2 },
      meaning,
    );
    expect(none.map((h) => h.ordinal)).toEqual([0, 1]);
  });

  it('embeds the chunks in the background to ready, with progress', async () => {
    expect(await embedder.drain()).toBe(CHUNKS.length * 2 + 2);
    expect(embedder.status()).toEqual({ state: 'idle', reason: null });
    expect(await summary(mine.id)).toMatchObject({
      state: 'ready',
      index: { chunks: CHUNKS.length, embedded: CHUNKS.length, reason: null },
    });
    expect((await summary(second.id)).state).toBe('ready');
    expect((await store.chunkVectors.model())?.dims).toBeGreaterThan(0);
  });

  it('ranks a chunk first for its own text, within the given files of their owner only', async () => {
    const meaning = chunkMeaning(store, runtime);
    for (const [ordinal, text] of CHUNKS.entries()) {
      const byMeaning = await meaning.search({
        userId: ME,
        attachmentIds: [mine.id, second.id],
        query: text,
        limit: 3,
      });
      expect(byMeaning[0]).toMatchObject({ attachment_id: mine.id, ordinal, name: 'notes.txt' });
    }
    // No shared word: vector rank alone answers, with chunks of the files asked about and nothing else.
    const hits = await retrieveChunks(
      store.attachments,
      { userId: ME, attachmentIds: [second.id], query: 'zqxj vbnm', limit: 4 },
      meaning,
    );
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.attachment_id === second.id)).toBe(true);
    expect(await meaning.search({ userId: ME, attachmentIds: [theirs.id], query: CHUNKS[1] ?? '', limit: 3 })).toEqual(
      [],
    );
    const fused = await retrieveChunks(
      store.attachments,
      { userId: ME, attachmentIds: [mine.id, theirs.id], query: CHUNKS[3] ?? '', limit: 3 },
      meaning,
    );
    expect(fused[0]).toMatchObject({ attachment_id: mine.id, ordinal: 3 });
    expect(fused.every((h) => h.attachment_id === mine.id)).toBe(true);
    expect(fused[0]?.rank).toBeLessThan(fused[1]?.rank ?? 0);
  });

  it('gives a planned turn the retrieved chunks, listed as its sources', async () => {
    const plan = await planTurn(
      {
        store: store.attachments,
        countTokens: (text) => runtime.countTokens(text),
        contextSize: () => 200,
        meaning: chunkMeaning(store, runtime),
      },
      { userId: ME, history: [], message: CHUNKS[4] ?? '', attachments: [{ ...mine, tokens: 100_000 }] },
    );
    expect(plan.sources.length).toBeGreaterThan(0);
    expect(plan.sources.every((s) => s.attachment_id === mine.id && s.name === 'notes.txt')).toBe(true);
    const source = plan.sources.find((s) => s.ordinal === 4);
    expect(source).toMatchObject({ start: mine.size - (CHUNKS[4]?.length ?? 0), end: mine.size });
    expect(plan.messages.at(-1)?.content).toContain(CHUNKS[4]);
  });
});

describe('chunk embedding without a model', () => {
  const tmp = tempDir();
  let store: ChatStore;
  let runtime: LlmRuntime;

  beforeAll(async () => {
    store = await openChatStore({ path: path.join(tmp.dir, 'chat.db') });
    // Never started: no model can embed (and none is loading).
    runtime = createLlmRuntime({ ...loadConfig({ MODELS_DIR: path.join(tmp.dir, 'no-models') }).runtime });
  });
  afterAll(async () => {
    await runtime.close();
    await store.close();
    tmp.cleanup();
  });

  it('marks the file error with the reason, and still retrieves by words', async () => {
    const file = await store.attachments.create(ME, chunkedFile('notes.txt', CHUNKS), QUOTA);
    const embedder = createChunkEmbedder({ store, runtime });
    expect(await embedder.drain()).toBe(0);
    expect(embedder.status().state).toBe('off');
    const found = await store.attachments.get(ME, file.id);
    expect(found?.state).toBe('error');
    expect(found?.index?.reason).toMatch(/No model can embed now.*searched by words/);
    const hits = await retrieveChunks(
      store.attachments,
      { userId: ME, attachmentIds: [file.id], query: 'banana bread recipe', limit: 2 },
      chunkMeaning(store, runtime),
    );
    expect(hits[0]).toMatchObject({ attachment_id: file.id, ordinal: 3 });
    await embedder.stop();
  });
});
