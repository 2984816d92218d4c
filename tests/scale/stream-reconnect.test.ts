import path from 'node:path';
import { createChatClient, type ChatClient, type ChatMessage, type StreamEvent } from '@chat-studio/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createScratchDatabase,
  REPO_ROOT,
  scaleServices,
  startApi,
  type ApiProcess,
  type ScratchDatabase,
  redisKeyPrefix,
} from './services.js';

const services = scaleServices();
const MODELS_DIR = process.env.TEST_MODELS_DIR ?? path.resolve(REPO_ROOT, '../shared/models');
// Short enough that a 1500-token reply (1–4 s here) is flushed several times while it streams.
const FLUSH_MS = 150;
const LONG = { max_tokens: 1500 };

/** Consumes a stream in the background, keeping what has arrived so far readable while it runs. */
function follow(client: ChatClient, sessionId: string, signal?: AbortSignal) {
  const state = {
    text: '',
    tokens: 0,
    assistantId: '',
    firstTokenAt: 0,
    done: undefined as Extract<StreamEvent, { type: 'done' }> | undefined,
  };
  const finished = (async () => {
    for await (const e of client.stream(
      { session_id: sessionId, message: 'Once upon a time', params: LONG },
      { signal },
    )) {
      if (e.type === 'start') state.assistantId = e.assistant_message_id;
      else if (e.type === 'token') {
        if (state.tokens === 0) state.firstTokenAt = performance.now();
        state.text += e.text;
        state.tokens++;
      } else if (e.type === 'done') state.done = e;
      else if (e.type === 'error') throw new Error(`stream error ${e.code}: ${e.message}`);
    }
  })();
  return { state, finished };
}

/** Polls `probe` until `ok` holds for its result, which it returns. */
async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last saw ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function assistantOn(client: ChatClient, sessionId: string, id: string): Promise<ChatMessage | undefined> {
  const page = await client.listMessages(sessionId, { order: 'desc', limit: 50 });
  return page.items.find((m) => m.id === id);
}

describe.skipIf(!services)(
  'a stream belongs to one API process; another process serves its stored reply',
  { timeout: 30_000 },
  () => {
    let database: ScratchDatabase;
    let a: ApiProcess;
    let b: ApiProcess;
    let onA: ChatClient;
    let onB: ChatClient;

    beforeAll(async () => {
      database = await createScratchDatabase(services!.databaseAdminUrl);
      const env = {
        DATABASE_URL: database.url,
        REDIS_URL: services!.redisUrl,
        REDIS_KEY_PREFIX: redisKeyPrefix,
        MODELS_DIR,
        LLAMA_THREADS: '1',
        RATE_LIMIT_CHAT: '1000/minute',
        STREAM_FLUSH_MS: String(FLUSH_MS),
      };
      // One after the other: both migrate the same empty database, and the advisory lock would serialise them anyway.
      a = await startApi(env);
      b = await startApi(env);
      onA = createChatClient({ baseUrl: a.baseUrl });
      onB = createChatClient({ baseUrl: b.baseUrl });
      // Not `!== 'loading'`: before its first scan of the folder the runtime may report `no_model` for a moment.
      const status = await until(
        `the model in ${MODELS_DIR} to load on A`,
        () => onA.llmStatus(),
        (s) => s.state === 'ready' || s.state === 'error',
        20_000,
      );
      if (status.state !== 'ready')
        throw new Error(`no model on A (${status.state}): is there a GGUF file in ${MODELS_DIR}? Set TEST_MODELS_DIR.`);
    }, 120_000);

    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await database?.drop();
    });

    it('mid-stream, B shows the partial reply A has flushed; after the end, the complete one', async () => {
      const session = await onA.createSession({ title: 'long story' });
      const { state, finished } = follow(onA, session.id);
      await until(
        'tokens from A',
        () => state.tokens,
        (n) => n >= 20,
      );
      // At least one flush interval (plus slack) after the first token, so a flush with text has happened.
      await new Promise((r) => setTimeout(r, Math.max(0, state.firstTokenAt + FLUSH_MS * 2 + 50 - performance.now())));

      const midway = await assistantOn(onB, session.id, state.assistantId);
      const streamingStill = state.done === undefined;
      const streamedThen = state.text;
      expect(streamingStill, 'the reply ended before B was asked: the test measured nothing').toBe(true);
      expect(midway, b.output()).toBeDefined();
      expect(midway!.status).toBe('partial');
      expect(midway!.finish_reason ?? null).toBeNull();
      expect(midway!.content).not.toBe('');

      await finished;
      const full = state.text;
      const stats = state.done!.stats;
      expect(['length', 'stop']).toContain(stats.finish_reason);
      // What B saw is the start of what A streamed (a flush may hold a few tokens the socket had not delivered yet).
      expect(full.startsWith(midway!.content)).toBe(true);
      expect(midway!.content.length).toBeLessThan(full.length);
      expect(midway!.content.length).toBeLessThanOrEqual(streamedThen.length + 64);

      const final = await assistantOn(onB, session.id, state.assistantId);
      expect(final).toMatchObject({
        status: 'complete',
        content: full,
        finish_reason: stats.finish_reason,
        completion_tokens: stats.completion_tokens,
      });
      expect(final!.content).toBe(state.done!.message.content);
    });

    it('a client that drops its connection to A finds the reply on B as partial, finish_reason abort', async () => {
      const session = await onA.createSession({ title: 'dropped' });
      const controller = new AbortController();
      const { state, finished } = follow(onA, session.id, controller.signal);
      await until(
        'tokens from A',
        () => state.tokens,
        (n) => n >= 50,
      );
      controller.abort();
      await finished.catch(() => {});
      const seen = state.text;

      const stored = (await until(
        'B to show the aborted reply',
        () => assistantOn(onB, session.id, state.assistantId),
        (m) => m?.finish_reason === 'abort',
      ))!;
      expect(stored.status).toBe('partial');
      // The server keeps whatever it generated before it saw the disconnect: at least what reached the client.
      expect(stored.content.startsWith(seen)).toBe(true);
      expect(seen).not.toBe('');
      expect(stored.completion_tokens ?? 0).toBeLessThan(1500);
      // A stopped generating: its one sequence is free again.
      await until(
        'A to free its sequence',
        () => onA.llmStatus(),
        (s) => s.sequences_in_use === 0,
        5_000,
      );
    });
  },
);
