import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient, ChatApiError, type ChatMessage, type StreamEvent } from '@chat-studio/protocol';
import { startApiServer, tempDir, testModelsDir, waitForModelReady, type ApiServer } from '@chat-studio/test-support';

const MODEL_FILE = 'stories260K.gguf';

function openDb(file: string) {
  return new Database(file, { readonly: true });
}

/** Polls the store until the session's reply has some text stored (at most 30 s), read-only beside the server. */
async function waitForPartialReply(file: string, sessionId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  do {
    await new Promise((r) => setTimeout(r, 100));
    const db = openDb(file);
    try {
      const row = db
        .prepare("SELECT length(content) AS n FROM chat_messages WHERE session_id = ? AND role = 'assistant'")
        .get(sessionId) as { n: number } | undefined;
      if ((row?.n ?? 0) > 0) return;
    } finally {
      db.close();
    }
  } while (Date.now() < deadline);
}

describe('chat with the real model over a real server', () => {
  const tmp = tempDir();
  const dbPath = path.join(tmp.dir, 'chat_history.db');
  let server: ApiServer;
  let client: ReturnType<typeof createChatClient>;

  beforeAll(async () => {
    server = await startApiServer({
      DATABASE_PATH: dbPath,
      MODELS_DIR: testModelsDir(),
      LLAMA_SEQUENCES: '4',
      LLAMA_QUEUE_LIMIT: '0',
      CHAT_CACHE_TTL: '300',
    });
    client = createChatClient({ baseUrl: server.baseUrl });
    await waitForModelReady(server.baseUrl);
  }, 120_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    tmp.cleanup();
  });

  it('lists the test model with its metadata and reports health ok', async () => {
    const { models, active_model_id } = await client.models();
    const model = models.find((m) => m.file?.endsWith(MODEL_FILE));
    expect(model).toBeDefined();
    expect(model!.status).toBe('available');
    expect(model!.architecture).toBe('llama');
    expect(active_model_id).toBe(model!.id);
    expect((await client.health()).status).toBe('ok');
    const { providers } = await client.providers();
    expect(providers.map((p) => p.type)).toContain('llama-cpp');
  });

  it('send stores the user message and the reply with stats', async () => {
    const session = await client.createSession();
    const res = await client.send({
      session_id: session.id,
      message: 'Once upon a time',
      params: { max_tokens: 24, temperature: 0.8 },
    });
    expect(res.user_message.content).toBe('Once upon a time');
    expect(res.assistant_message.status).toBe('complete');
    expect(res.assistant_message.content.length).toBeGreaterThan(0);
    expect(res.stats.completion_tokens).toBeGreaterThan(0);
    expect(res.stats.completion_tokens).toBeLessThanOrEqual(24);
    expect(res.stats.prompt_tokens).toBeGreaterThan(0);
    const page = await client.listMessages(session.id);
    expect(page.items.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(page.items[1]!.content).toBe(res.assistant_message.content);
    // The title comes from the first exchange, off the request path.
    await expect.poll(async () => (await client.getSession(session.id)).title).toBe('Once upon a time');
  });

  it('streams token by token over SSE and the stored reply equals the streamed text', async () => {
    const session = await client.createSession();
    const events: StreamEvent[] = [];
    for await (const event of client.stream({
      session_id: session.id,
      message: 'Tell me a story',
      params: { max_tokens: 40 },
    })) {
      events.push(event);
    }
    expect(events[0]!.type).toBe('start');
    const tokens = events.filter((e) => e.type === 'token');
    expect(tokens.length).toBeGreaterThan(1);
    const done = events.at(-1)!;
    expect(done.type).toBe('done');
    if (done.type !== 'done') return;
    const streamed = tokens.map((e) => (e.type === 'token' ? e.text : '')).join('');
    expect(done.message.content).toBe(streamed);
    expect(done.stats.time_to_first_token_ms).not.toBeNull();
    expect(done.stats.tokens_per_second).toBeGreaterThan(0);
    const stored = (await client.listMessages(session.id)).items[1]!;
    expect(stored.content).toBe(streamed);
    expect(stored.finish_reason).toBe(done.stats.finish_reason);
  });

  it('a client that disconnects mid-stream aborts generation and leaves a partial reply', async () => {
    const session = await client.createSession();
    const controller = new AbortController();
    let tokens = 0;
    let assistantId = '';
    try {
      for await (const event of client.stream(
        { session_id: session.id, message: 'Once upon a time there was', params: { max_tokens: 4000 } },
        { signal: controller.signal },
      )) {
        if (event.type === 'start') assistantId = event.assistant_message_id;
        if (event.type === 'token' && ++tokens === 5) controller.abort();
      }
    } catch (err) {
      expect((err as Error).name).toBe('AbortError');
    }
    expect(assistantId).not.toBe('');
    await expect
      .poll(
        async () => (await client.listMessages(session.id)).items.find((m) => m.id === assistantId)?.finish_reason,
        { timeout: 10_000 },
      )
      .toBe('abort');
    const reply = (await client.listMessages(session.id)).items.find((m) => m.id === assistantId)!;
    expect(reply.status).toBe('partial');
    expect(reply.content.length).toBeGreaterThan(0);
    await expect.poll(async () => (await client.llmStatus()).sequences_in_use, { timeout: 15_000 }).toBe(0);
  });

  it('four concurrent streams all complete', async () => {
    const sessions = await Promise.all([0, 1, 2, 3].map(() => client.createSession()));
    const results = await Promise.all(
      sessions.map(async (s) => {
        const events: StreamEvent[] = [];
        for await (const e of client.stream({
          session_id: s.id,
          message: 'Once upon a time',
          params: { max_tokens: 24 },
        }))
          events.push(e);
        return events;
      }),
    );
    for (const events of results) {
      expect(events[0]!.type).toBe('start');
      expect(events.some((e) => e.type === 'token')).toBe(true);
      expect(events.at(-1)!.type).toBe('done');
    }
  });

  it('a fifth stream past the queue bound gets 503 with Retry-After while four run, and is served once they end', async () => {
    const sessions = await Promise.all([0, 1, 2, 3].map(() => client.createSession()));
    const controllers = sessions.map(() => new AbortController());
    const started: Promise<void>[] = [];
    const runs = sessions.map((s, i) => {
      let markStarted!: () => void;
      started.push(new Promise<void>((r) => (markStarted = r)));
      return (async () => {
        let tokens = 0;
        try {
          for await (const e of client.stream(
            // Held open until the test hangs up: in its worker thread the model does not wait for this process to
            // read the tokens, so only a reply that cannot end in the test's time keeps four sequences busy (32,768
            // tokens run through context shifts for minutes); the hang-up then ends all four at once.
            { session_id: s.id, message: 'Once upon a time', params: { max_tokens: 32_768 } },
            { signal: controllers[i]!.signal },
          )) {
            if (e.type === 'token' && ++tokens === 1) markStarted();
          }
        } catch (err) {
          if ((err as Error).name !== 'AbortError') throw err;
        }
        return tokens;
      })();
    });
    await Promise.all(started);
    const fifth = await client.createSession();
    const refused = await client.send({ session_id: fifth.id, message: 'me too' }).catch((e: unknown) => e);
    for (const controller of controllers) controller.abort();
    expect(refused).toBeInstanceOf(ChatApiError);
    expect((refused as ChatApiError).status).toBe(503);
    expect(Number((refused as ChatApiError).headers?.get('retry-after'))).toBeGreaterThan(0);
    expect((await client.listMessages(fifth.id)).items).toHaveLength(0);
    for (const tokens of await Promise.all(runs)) expect(tokens).toBeGreaterThan(0);

    // The four were cut short, not finished: each reply is stored as far as it got, and their sequences come back.
    for (const s of sessions) {
      await expect
        .poll(async () => (await client.listMessages(s.id)).items[1]?.finish_reason, { timeout: 20_000 })
        .toBe('abort');
    }
    await expect.poll(async () => (await client.llmStatus()).sequences_in_use, { timeout: 20_000 }).toBe(0);
    const served = await client.send({ session_id: fifth.id, message: 'me too', params: { max_tokens: 4 } });
    expect(served.assistant_message.status).toBe('complete');
  });

  it('answers an identical deterministic request from the cache', async () => {
    const params = { max_tokens: 16, temperature: 0 };
    const a = await client.send({ session_id: (await client.createSession()).id, message: 'The cat', params });
    const b = await client.send({ session_id: (await client.createSession()).id, message: 'The cat', params });
    expect(b.assistant_message.content).toBe(a.assistant_message.content);
    expect(b.stats.cached).toBe(true);
  });

  it('prepare reads a stored chat into the model, so its next turn evaluates only the new message', async () => {
    // Two chats with the same stored history that no sequence holds (written through the API, not generated).
    const seed = async () => {
      const session = await client.createSession();
      for (let turn = 1; turn <= 6; turn++) {
        await client.appendMessage(session.id, {
          role: 'user',
          content: `Turn ${turn}: where did the little dog run?`,
        });
        await client.appendMessage(session.id, {
          role: 'assistant',
          content: `The little dog ran to the big park number ${turn} and played.`,
        });
      }
      return session.id;
    };
    const prepared = await seed();
    const unprepared = await seed();
    const params = { max_tokens: 8, temperature: 0 };

    expect(await client.prepare({ session_id: prepared, params })).toEqual({ status: 'preparing' });
    const warm = await client.send({ session_id: prepared, message: 'And then?', params });
    // One more token keeps the response cache out of it; the first 8 must be the same.
    const cold = await client.send({
      session_id: unprepared,
      message: 'And then?',
      params: { ...params, max_tokens: 9 },
    });
    expect(cold.stats.cached).toBeUndefined();
    expect(cold.assistant_message.content.startsWith(warm.assistant_message.content)).toBe(true);
    expect(warm.stats.prompt_tokens).toBe(cold.stats.prompt_tokens);
    expect(warm.stats.prompt_tokens).toBeGreaterThan(200);
    // All but the new message came from the prepared KV cache; the other chat evaluated everything.
    expect(warm.stats.cached_tokens).toBeGreaterThan(warm.stats.prompt_tokens - 30);
    expect(cold.stats.cached_tokens).toBeLessThan(10);
    // Right after a reply the model holds the chat: nothing to do.
    expect(await client.prepare({ session_id: prepared, params })).toEqual({ status: 'ready' });
    await expect(client.prepare({ session_id: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('a server killed with SIGKILL mid-stream', () => {
  it('keeps the user message, the reply so far and an intact database', async () => {
    const tmp = tempDir();
    const dbPath = path.join(tmp.dir, 'chat_history.db');
    const env = { DATABASE_PATH: dbPath, MODELS_DIR: testModelsDir(), STREAM_FLUSH_MS: '100' };
    const server = await startApiServer(env);
    try {
      await waitForModelReady(server.baseUrl);
      const client = createChatClient({ baseUrl: server.baseUrl });
      const session = await client.createSession();
      let tokens = 0;
      const stream = client.stream({
        session_id: session.id,
        message: 'Once upon a time',
        params: { max_tokens: 10_000 },
      });
      for await (const event of stream) {
        if (event.type === 'token' && ++tokens === 20) {
          // Wait until the reply so far is on disk (a flush interval on an idle machine; longer on a loaded one, where
          // the model in its worker thread may have sent these 20 tokens in one batch), then kill without warning.
          await waitForPartialReply(dbPath, session.id);
          server.child.kill('SIGKILL');
          break;
        }
      }
      await server.stop('SIGKILL');
      const db = openDb(dbPath);
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const rows = db
          .prepare('SELECT role, status, content FROM chat_messages WHERE session_id = ? ORDER BY rowid')
          .all(session.id) as Pick<ChatMessage, 'role' | 'status' | 'content'>[];
        expect(rows[0]).toMatchObject({ role: 'user', status: 'complete', content: 'Once upon a time' });
        expect(rows[1]).toMatchObject({ role: 'assistant', status: 'partial' });
        expect(rows[1]!.content.length).toBeGreaterThan(0);
      } finally {
        db.close();
      }
      // And the server starts again on the same file and serves the history.
      const again = await startApiServer(env);
      try {
        const page = await createChatClient({ baseUrl: again.baseUrl }).listMessages(session.id);
        expect(page.items.map((m) => m.role)).toEqual(['user', 'assistant']);
      } finally {
        await again.stop('SIGKILL');
      }
    } finally {
      await server.stop('SIGKILL');
      tmp.cleanup();
    }
  }, 60_000);
});

describe('a server stopped with SIGTERM mid-stream', () => {
  it('aborts the stream, stores the partial reply, closes the database and exits 0', async () => {
    const tmp = tempDir();
    const dbPath = path.join(tmp.dir, 'chat_history.db');
    const server = await startApiServer({
      DATABASE_PATH: dbPath,
      MODELS_DIR: testModelsDir(),
      STREAM_FLUSH_MS: '60000',
      STREAM_FLUSH_TOKENS: '0',
    });
    try {
      await waitForModelReady(server.baseUrl);
      const client = createChatClient({ baseUrl: server.baseUrl });
      const session = await client.createSession();
      let received = '';
      let assistantId = '';
      let exit: Promise<number | null> | undefined;
      const events: StreamEvent['type'][] = [];
      try {
        for await (const event of client.stream({
          session_id: session.id,
          message: 'Once upon a time',
          params: { max_tokens: 10_000 },
        })) {
          events.push(event.type);
          if (event.type === 'start') assistantId = event.assistant_message_id;
          if (event.type === 'token') {
            received += event.text;
            // The flush interval is a minute: what reaches the database must come from the shutdown path itself.
            if (received.length > 40 && !exit) exit = server.stop('SIGTERM');
          }
        }
      } catch {
        // The server may close the socket before the final event arrives.
      }
      expect(await exit).toBe(0);
      expect(server.output()).toContain('stopped');
      const db = openDb(dbPath);
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const reply = db
          .prepare('SELECT status, content, finish_reason FROM chat_messages WHERE id = ?')
          .get(assistantId) as Pick<ChatMessage, 'status' | 'content' | 'finish_reason'>;
        expect(reply).toMatchObject({ status: 'partial', finish_reason: 'abort' });
        expect(reply.content.startsWith(received.slice(0, 40))).toBe(true);
      } finally {
        db.close();
      }
    } finally {
      await server.stop('SIGKILL');
      tmp.cleanup();
    }
  });
});

describe('chat unavailable', () => {
  it('with a corrupt .gguf answers 503 with the reason while sessions work and health is degraded', async () => {
    const tmp = tempDir();
    const models = path.join(tmp.dir, 'models');
    mkdirSync(models);
    writeFileSync(path.join(models, 'broken.gguf'), Buffer.from('this is not a gguf file at all'));
    const server = await startApiServer({ DATABASE_PATH: path.join(tmp.dir, 'db.sqlite'), MODELS_DIR: models });
    try {
      const client = createChatClient({ baseUrl: server.baseUrl });
      const { models: list } = await client.models();
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ status: 'broken' });
      expect(list[0]!.error).toBeTruthy();
      const session = await client.createSession({ title: 'still works' });
      expect((await client.listSessions()).items.map((s) => s.id)).toContain(session.id);
      const err = (await client
        .send({ session_id: session.id, message: 'hi' })
        .catch((e: unknown) => e)) as ChatApiError;
      expect(err.status).toBe(503);
      expect(err.code).toBe('chat_unavailable');
      expect(err.message).toMatch(/^Chat service is not available: .*broken/);
      const health = await client.health();
      expect(health.status).toBe('degraded');
      expect(health.reason).toMatch(/broken/);
    } finally {
      await server.stop('SIGKILL');
      tmp.cleanup();
    }
  });

  it('switching to an unknown model is 404 and switching between two copies works', async () => {
    const tmp = tempDir();
    const models = path.join(tmp.dir, 'models');
    mkdirSync(models);
    copyFileSync(path.join(testModelsDir(), MODEL_FILE), path.join(models, 'first.gguf'));
    copyFileSync(path.join(testModelsDir(), MODEL_FILE), path.join(models, 'second.gguf'));
    const server = await startApiServer({
      DATABASE_PATH: path.join(tmp.dir, 'db.sqlite'),
      MODELS_DIR: models,
      CHAT_MODEL: 'first',
    });
    try {
      const client = createChatClient({ baseUrl: server.baseUrl });
      await waitForModelReady(server.baseUrl);
      expect((await client.llmStatus()).model_id).toBe('first');
      const missing = (await client.setActiveModel('nope').catch((e: unknown) => e)) as ChatApiError;
      expect(missing.status).toBe(404);
      const session = await client.createSession();
      // Switch while a stream runs: the stream ends cleanly (done, or an aborted partial reply), never hangs.
      const streaming = (async () => {
        const events: StreamEvent[] = [];
        for await (const e of client.stream({ session_id: session.id, message: 'Once', params: { max_tokens: 400 } }))
          events.push(e);
        return events;
      })();
      await new Promise((r) => setTimeout(r, 100));
      const switched = await client.setActiveModel('second');
      expect(switched.model.id).toBe('second');
      const events = await streaming;
      expect(['done', 'error']).toContain(events.at(-1)!.type);
      expect((await client.llmStatus()).model_id).toBe('second');
      const after = await client.send({ session_id: session.id, message: 'Again', params: { max_tokens: 8 } });
      expect(after.assistant_message.model_id).toBe('second');
    } finally {
      await server.stop('SIGKILL');
      tmp.cleanup();
    }
  }, 60_000);
});
