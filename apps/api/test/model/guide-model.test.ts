/**
 * Issue #19.6, #19.7 and #14.2 with the real model: top-level generation fields are honoured, Server-Timing has
 * db and gen, and a streamed reply that cannot be stored says so in its error event.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openChatStore, type ChatStore } from '@chat-studio/chat-store';
import { createLlmRuntime, type LlmRuntime } from '@chat-studio/llm-runtime';
import type { ChatSession, SendResponse } from '@chat-studio/protocol';
import { LOCAL_USER } from '@chat-studio/security';
import {
  startApiServer,
  tempDir,
  testModelsDir,
  waitFor,
  waitForModelReady,
  type ApiServer,
} from '@chat-studio/test-support';
import { createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import { createMetrics } from '../../src/observability/index.js';
import { post } from './model-requests.js';

describe('requests as the guide writes them, with the real model over a real server', () => {
  const tmp = tempDir();
  let server: ApiServer;

  beforeAll(async () => {
    server = await startApiServer({
      DATABASE_PATH: path.join(tmp.dir, 'chat_history.db'),
      MODELS_DIR: testModelsDir(),
    });
    await waitForModelReady(server.baseUrl, { timeoutMs: 120_000 });
  }, 150_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    tmp.cleanup();
  });

  async function newSession(): Promise<ChatSession> {
    return (await (await fetch(`${server.baseUrl}/api/chat/sessions`, post({}))).json()) as ChatSession;
  }

  it('top-level max_tokens, temperature and top_p are honoured like params (send and stream)', async () => {
    const s = await newSession();
    const res = await fetch(
      `${server.baseUrl}/api/chat/send`,
      post({ session_id: s.id, message: 'Once upon a time', max_tokens: 5, temperature: 0.7, top_p: 0.9, seed: 1 }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as SendResponse;
    expect(body.stats.completion_tokens).toBeGreaterThan(0);
    expect(body.stats.completion_tokens).toBeLessThanOrEqual(5);

    const stream = await fetch(
      `${server.baseUrl}/api/chat/stream`,
      post({ session_id: s.id, message: 'And then', max_tokens: 3, seed: 2 }),
    );
    const text = await stream.text();
    const done = text.split('\n').find((line) => line.startsWith('data:') && line.includes('"type":"done"'));
    expect(done, text).toBeDefined();
    const event = JSON.parse(done!.slice(5)) as { stats: { completion_tokens: number } };
    expect(event.stats.completion_tokens).toBeLessThanOrEqual(3);
  });

  it('Server-Timing on a reply has db and gen beside total', async () => {
    const s = await newSession();
    const res = await fetch(
      `${server.baseUrl}/api/chat/send`,
      post({ session_id: s.id, message: 'Tell me', max_tokens: 8 }),
    );
    expect(res.status).toBe(200);
    const timing = res.headers.get('server-timing') ?? '';
    expect(timing).toMatch(/(^|,\s*)db;dur=[\d.]+/);
    expect(timing).toMatch(/(^|,\s*)gen;dur=[\d.]+/);
    expect(timing).toMatch(/total;dur=/);
  });
});

describe('a streamed reply that cannot be stored', () => {
  const tmp = tempDir();
  let store: ChatStore;
  let runtime: LlmRuntime;

  beforeAll(async () => {
    store = await openChatStore({ path: path.join(tmp.dir, 'chat_history.db'), busyTimeoutMs: 200 });
    runtime = createLlmRuntime({ modelsDir: testModelsDir(), threads: 1 });
    await runtime.start();
    await waitFor(
      () => runtime.status().state === 'ready' || runtime.status().state === 'error',
      120_000,
      'the model to load',
    );
    expect(runtime.status().reason).toBeNull();
  }, 150_000);
  afterAll(async () => {
    await runtime?.close();
    await store?.close();
    tmp.cleanup();
  });

  it('says so in its error event (code and "could not be stored"), and the user message is kept', async () => {
    const dbPath = store.path;
    const other = new Database(dbPath);
    // Another connection takes the write lock as generation starts, after both messages were committed.
    const locking = new Proxy(runtime, {
      get(target, prop) {
        if (prop === 'generate') {
          return (request: Parameters<LlmRuntime['generate']>[0]) => {
            other.exec('BEGIN IMMEDIATE');
            return target.generate(request);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const app = createApp({
      store,
      runtime: locking,
      config: loadConfig({ DATABASE_PATH: dbPath }),
      metrics: createMetrics({ defaultMetrics: false }),
    });
    const s = (await (await app.request('/api/chat/sessions', post({}))).json()) as ChatSession;
    const res = await app.request(
      '/api/chat/stream',
      post({ session_id: s.id, message: 'Once upon a time', max_tokens: 8 }),
    );
    const text = await res.text();
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
    const error = text.split('\n').find((line) => line.startsWith('data:') && line.includes('"type":"error"'));
    expect(error, text).toBeDefined();
    const event = JSON.parse(error!.slice(5)) as { code: string; message: string; assistant_message_id?: string };
    expect(event.code).toBe('database_busy');
    expect(event.message).toMatch(/^The reply could not be stored: /);
    expect(event.assistant_message_id).toBeDefined();
    const page = await store.messages.list(LOCAL_USER.id, s.id, {});
    expect(page?.items.map((m) => m.content)).toContain('Once upon a time');
  });
});
