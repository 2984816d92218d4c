/**
 * Crash recovery: a reply left `partial` by a SIGKILLed process is marked `interrupted` (with what was stored) by
 * the next start, counted in the log and /metrics; a SIGTERM mid-stream sends the client an error event first.
 */
import path from 'node:path';
import { openChatStore } from '@chat-studio/chat-store';
import { createChatClient, type ChatClient, type StreamEvent } from '@chat-studio/protocol';
import { startApiServer, tempDir, testModelsDir, type ApiServer } from '@chat-studio/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LONG = { max_tokens: 3000 };

/** Consumes a stream in the background, keeping what has arrived readable while it runs. */
function follow(client: ChatClient, sessionId: string) {
  const state = {
    text: '',
    tokens: 0,
    assistantId: '',
    events: [] as StreamEvent['type'][],
    error: undefined as Extract<StreamEvent, { type: 'error' }> | undefined,
  };
  const finished = (async () => {
    for await (const e of client.stream({ session_id: sessionId, message: 'Once upon a time', params: LONG })) {
      state.events.push(e.type);
      if (e.type === 'start') state.assistantId = e.assistant_message_id;
      else if (e.type === 'token') {
        state.text += e.text;
        state.tokens++;
      } else if (e.type === 'error') state.error = e;
    }
  })();
  // Handled at once: a killed server rejects it while the test is still awaiting something else.
  finished.catch(() => {});
  return { state, finished };
}

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('crash recovery on one SQLite database', { timeout: 300_000 }, () => {
  const tmp = tempDir('chat-crash-');
  const dbPath = path.join(tmp.dir, 'chat.db');
  const env = {
    DATABASE_PATH: dbPath,
    MODELS_DIR: testModelsDir(),
    STREAM_FLUSH_MS: '100',
    LOGS_DIR: path.join(tmp.dir, 'logs'),
    WEB_DIST: path.join(tmp.dir, 'no-web'),
  };
  let server: ApiServer | undefined;

  const read = async (id: string) => {
    const store = await openChatStore({ path: dbPath, readonly: true });
    try {
      return await store.messages.get('00000000000000000000000000', id);
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    server = await startApiServer(env, { waitForModel: true, timeoutMs: 120_000 });
  }, 150_000);
  afterAll(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  it('SIGKILL mid-stream, then a restart marks the reply interrupted with the text stored', async () => {
    const client = createChatClient({ baseUrl: server!.baseUrl });
    const session = await client.createSession({ title: 'killed' });
    const { state, finished } = follow(client, session.id);
    await until('tokens', () => state.tokens >= 30);
    await new Promise((r) => setTimeout(r, 300)); // a flush or two
    const port = server!.port;
    await server!.stop('SIGKILL');
    await finished.catch(() => {});

    const left = await read(state.assistantId);
    expect(left?.status).toBe('partial');
    expect(left?.finish_reason ?? null).toBeNull();

    server = await startApiServer(env, { port, waitForModel: true, timeoutMs: 120_000 });
    const after = await read(state.assistantId);
    expect(after).toMatchObject({ status: 'interrupted', content: left!.content });
    expect(state.text.startsWith(after!.content)).toBe(true);
    expect(server.output()).toMatch(/Marked 1 reply\(s\) interrupted/);
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^chat_studio_replies_interrupted_total 1$/m);
    // The API and the web see it so: `interrupted`, with its stored text.
    const page = await client.listMessages(session.id, { order: 'desc', limit: 5 });
    expect(page.items.find((m) => m.id === state.assistantId)).toMatchObject({
      status: 'interrupted',
      content: left!.content,
    });
    // Out of full-text search while it was generated, indexed once marked interrupted: a word of it finds it.
    const word = left!.content.match(/\p{L}{3,}/gu)?.at(-1);
    expect(word).toBeDefined();
    const hits = await client.search(word!, { limit: 100 });
    expect(hits.items.map((h) => h.message_id)).toContain(state.assistantId);
  });

  it('a reply another live process is writing is left alone', async () => {
    const client = createChatClient({ baseUrl: server!.baseUrl });
    const session = await client.createSession({ title: 'busy' });
    const { state, finished } = follow(client, session.id);
    await until('tokens', () => state.tokens >= 10);
    // A second process starts on the same database while the first streams: it recovers nothing.
    const second = await startApiServer(env, { timeoutMs: 120_000 });
    try {
      expect(second.output()).not.toMatch(/interrupted/);
      expect((await read(state.assistantId))?.status).toBe('partial');
    } finally {
      await second.stop();
    }
    await finished;
    expect((await read(state.assistantId))?.status).toMatch(/complete|partial/);
    expect((await read(state.assistantId))?.finish_reason).not.toBeNull();
  });

  it('SIGTERM mid-stream: the client gets an error event before the connection closes, the reply is stored', async () => {
    const client = createChatClient({ baseUrl: server!.baseUrl });
    const session = await client.createSession({ title: 'terminated' });
    const { state, finished } = follow(client, session.id);
    await until('tokens', () => state.tokens >= 30);
    const exit = server!.stop('SIGTERM');
    await finished.catch(() => {});
    expect(await exit).toBe(0);
    server = undefined;
    expect(state.events.at(-1)).toBe('error');
    expect(state.error).toMatchObject({ code: 'chat_unavailable', assistant_message_id: state.assistantId });
    expect(state.error!.message).toMatch(/shutting down/);
    const stored = await read(state.assistantId);
    expect(stored).toMatchObject({ status: 'partial', finish_reason: 'abort' });
    expect(stored!.content.startsWith(state.text)).toBe(true);
  });
});
