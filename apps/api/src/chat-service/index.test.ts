/**
 * The turn service against a real SQLite store and a fake runtime: the history a turn reads, the order in which it
 * stores, abort (partial kept), errors and refusals as events. No model: each case runs in milliseconds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatStore } from '@chat-studio/chat-store';
import {
  ChatUnavailableError,
  QueueFullError,
  type GenerateRequest,
  type GenerateResult,
  type LlmRuntime,
  type PreloadRequest,
} from '@chat-studio/llm-runtime';
import type { ChatMessage, GenerationStats } from '@chat-studio/protocol';
import type { Principal } from '../app/app-env.js';
import { createMetrics } from '../observability/index.js';
import { openTestStore } from '../test-support.js';
import { createChatTurns, lastEvent, type TurnEvent } from './index.js';

const principal: Principal = { userId: 'u1', username: 'alice', via: 'local', role: 'user' };

function stats(finish: GenerationStats['finish_reason'], completion = 1): GenerationStats {
  return {
    prompt_tokens: 3,
    completion_tokens: completion,
    time_to_first_token_ms: 1,
    tokens_per_second: 10,
    total_ms: 5,
    finish_reason: finish,
  };
}

/** What the fake runtime does with one request; it sees the store as the turn left it before generation. */
type Script = (request: GenerateRequest) => Promise<GenerateResult>;

/** What the fake runtime was asked to preload. */
const preloads: PreloadRequest[] = [];

/** The parts of the runtime the turn service uses, scripted. */
function fakeRuntime(script: Script, refusal: LlmRuntime['refusal'] = () => null): LlmRuntime {
  const fake: Pick<LlmRuntime, 'generate' | 'status' | 'unavailableReason' | 'refusal' | 'preload'> = {
    generate: script,
    preload: (request) => {
      preloads.push(request);
      return 'preparing';
    },
    unavailableReason: () => refusal()?.message ?? null,
    refusal,
    status: () =>
      ({
        model_id: 'fake-model',
        sequences_in_use: 0,
        sequences_total: 1,
        queue_depth: 0,
        queue_limit: 4,
      }) as ReturnType<LlmRuntime['status']>,
  };
  return fake as LlmRuntime;
}

const result = (text: string, finish: GenerationStats['finish_reason'] = 'stop'): GenerateResult => ({
  text,
  modelId: 'fake-model',
  stats: stats(finish, text.length),
  promptTokensEvaluated: 3,
});

/** A runtime error as a package throws it: a named class carrying a protocol `code`. */
class FakeQueueFullError extends Error {
  override readonly name = 'FakeQueueFullError';
  readonly code = 'queue_full';
  readonly retryAfterSeconds = 5;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setUp(script: Script, refusal?: LlmRuntime['refusal']) {
  const t = await openTestStore({ STREAM_FLUSH_MS: '10' });
  cleanups.push(t.cleanup);
  const metrics = createMetrics({ defaultMetrics: false });
  const runtime = fakeRuntime(script, refusal);
  const turns = createChatTurns({ store: t.store, runtime, config: t.config, metrics });
  const session = await t.store.sessions.create(principal.userId, { title: 'Kept' });
  return { store: t.store, config: t.config, turns, session, metrics };
}

async function collect(events: AsyncIterable<TurnEvent>): Promise<TurnEvent[]> {
  const all: TurnEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function messages(store: ChatStore, sessionId: string): Promise<ChatMessage[]> {
  return (await store.messages.list(principal.userId, sessionId, { limit: 100 }))?.items ?? [];
}

describe('chat turns', () => {
  it('reads the history of the branch it continues, leaving out error and empty replies', async () => {
    const { store, turns, session } = await setUp(async () => result('x'));
    const q1 = await store.messages.append(principal.userId, session.id, { role: 'user', content: 'q1' });
    const a1 = await store.messages.append(principal.userId, session.id, {
      role: 'assistant',
      content: 'a1',
      parent_id: q1!.id,
    });
    const failed = await store.messages.append(principal.userId, session.id, {
      role: 'assistant',
      content: 'broken',
      status: 'error',
      parent_id: q1!.id,
    });
    const q2 = await store.messages.append(principal.userId, session.id, {
      role: 'user',
      content: 'q2',
      parent_id: a1!.id,
    });
    await store.messages.append(principal.userId, session.id, { role: 'user', content: 'q3', parent_id: failed!.id });

    const onBranch = await turns.open(principal, session.id, { temperature: 0.5 }, { leafId: q2!.id });
    expect(onBranch.history).toEqual([
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'q2' },
    ]);
    expect(onBranch.parentId).toBe(q2!.id);
    expect(onBranch.params.temperature).toBe(0.5);
    const otherBranch = await turns.open(principal, session.id, {}, { leafId: failed!.id });
    expect(otherBranch.history).toEqual([{ role: 'user', content: 'q1' }]);
    const empty = await turns.open(principal, session.id, {}, { leafId: null });
    expect(empty.history).toEqual([]);
  });

  it('stores the question and a partial reply before generating, then the finished reply; events in order', async () => {
    let seenBefore: ChatMessage[] = [];
    const setup = await setUp(async (request) => {
      seenBefore = await messages(setup.store, setup.session.id);
      expect(request.messages.at(-1)).toEqual({ role: 'user', content: 'hello' });
      request.onToken?.('Hi');
      request.onToken?.(' there');
      return result('Hi there');
    });
    const { store, turns, session } = setup;
    const turn = await turns.open(principal, session.id);
    const events = await collect(turns.stream(principal, turn, 'hello', new AbortController().signal));

    expect(events.map((e) => e.type)).toEqual(['start', 'token', 'token', 'done']);
    expect(seenBefore.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'hello', 'complete'],
      ['assistant', '', 'partial'],
    ]);
    const start = events[0] as Extract<TurnEvent, { type: 'start' }>;
    expect(start.userMessage.content).toBe('hello');
    expect(start.modelId).toBe('fake-model');
    const done = events.at(-1) as Extract<TurnEvent, { type: 'done' }>;
    expect(done.turn?.assistant_message).toMatchObject({
      id: start.assistantMessageId,
      content: 'Hi there',
      status: 'complete',
    });
    const stored = await messages(store, session.id);
    expect(stored.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'hello', 'complete'],
      ['assistant', 'Hi there', 'complete'],
    ]);
  });

  it('an aborted turn ends with done (finish reason abort) and keeps the partial reply', async () => {
    const { store, turns, session } = await setUp(async (request) => {
      request.onToken?.('Once upon');
      await new Promise<void>((resolve) => request.signal?.addEventListener('abort', () => resolve(), { once: true }));
      return result('Once upon', 'abort');
    });
    const turn = await turns.open(principal, session.id);
    const controller = new AbortController();
    const events: TurnEvent[] = [];
    for await (const event of turns.stream(principal, turn, 'tell a story', controller.signal)) {
      events.push(event);
      if (event.type === 'token') controller.abort();
    }
    expect(events.map((e) => e.type)).toEqual(['start', 'token', 'done']);
    expect((events.at(-1) as Extract<TurnEvent, { type: 'done' }>).stats.finish_reason).toBe('abort');
    const reply = (await messages(store, session.id)).at(-1);
    expect(reply).toMatchObject({ role: 'assistant', content: 'Once upon', status: 'partial' });
  });

  it('a consumer that stops reading does not stop the turn: the reply is still stored', async () => {
    const { store, turns, session } = await setUp(async (request) => {
      request.onToken?.('a');
      await new Promise((resolve) => setTimeout(resolve, 20));
      request.onToken?.('b');
      return result('ab');
    });
    const turn = await turns.open(principal, session.id);
    for await (const event of turns.stream(principal, turn, 'q', new AbortController().signal)) {
      if (event.type === 'token') break;
    }
    await expect.poll(async () => (await messages(store, session.id)).at(-1)?.status).toBe('complete');
    expect(turns.inFlightCount()).toBe(0);
  });

  it('an error after some text ends with an error event naming the reply, stored as error with its text', async () => {
    const { store, turns, session } = await setUp(async (request) => {
      request.onToken?.('half');
      throw new Error('the model crashed');
    });
    const turn = await turns.open(principal, session.id);
    const events = await collect(turns.stream(principal, turn, 'q', new AbortController().signal));
    expect(events.map((e) => e.type)).toEqual(['start', 'token', 'error']);
    const start = events[0] as Extract<TurnEvent, { type: 'start' }>;
    const error = events.at(-1) as Extract<TurnEvent, { type: 'error' }>;
    expect(error.assistantMessageId).toBe(start.assistantMessageId);
    expect((error.error as Error).message).toBe('the model crashed');
    const reply = (await messages(store, session.id)).at(-1);
    expect(reply).toMatchObject({ role: 'assistant', content: 'half', status: 'error' });
    await expect(lastEvent(turns.stream(principal, turn, 'again', new AbortController().signal))).rejects.toThrow(
      'the model crashed',
    );
  });

  it('a refusal before any text (by code, whatever the class) undoes the turn: nothing half-stored remains', async () => {
    const { store, turns, session } = await setUp(async () => {
      throw new FakeQueueFullError('queue is full');
    });
    const turn = await turns.open(principal, session.id);
    const events = await collect(turns.stream(principal, turn, 'q', new AbortController().signal));
    expect(events.map((e) => e.type)).toEqual(['start', 'error']);
    expect((events.at(-1) as Extract<TurnEvent, { type: 'error' }>).error).toBeInstanceOf(FakeQueueFullError);
    expect(await messages(store, session.id)).toEqual([]);
  });

  it("asks the runtime before opening a turn and words its refusal as today's 503s; nothing is stored", async () => {
    let refused: ReturnType<LlmRuntime['refusal']> = new QueueFullError(4, 5);
    let generated = false;
    const { store, config, turns, session } = await setUp(
      async () => {
        generated = true;
        return result('never');
      },
      () => refused,
    );
    const caught = async () => turns.open(principal, session.id).catch((error: unknown) => error);
    expect(await caught()).toMatchObject({
      code: 'queue_full',
      message: 'Chat service is busy: every sequence is in use and the queue is full',
      headers: { 'Retry-After': '5' },
    });
    refused = new ChatUnavailableError('model is still loading (40%)');
    expect(await caught()).toMatchObject({
      code: 'chat_unavailable',
      message: 'Chat service is not available: model is still loading (40%)',
    });
    refused = null;
    await expect(turns.open(principal, session.id)).resolves.toMatchObject({ parentId: null });
    expect(generated).toBe(false);
    expect(await messages(store, session.id)).toEqual([]);
    const none = createChatTurns({ store, config });
    expect(() => none.availableRuntime()).toThrow('Chat service is not available: no model runtime is configured');
  });

  it('preloads a chat with the history and params its next turn will use; refused as a turn is', async () => {
    let refused: ReturnType<LlmRuntime['refusal']> = null;
    const { store, turns, session } = await setUp(
      async () => result('unused'),
      () => refused,
    );
    const q = await store.messages.append(principal.userId, session.id, {
      role: 'user',
      content: 'q',
      parent_id: null,
    });
    await store.messages.append(principal.userId, session.id, { role: 'assistant', content: 'a', parent_id: q!.id });
    preloads.length = 0;
    expect(await turns.preload(principal, session.id, { temperature: 0.3 })).toBe('preparing');
    expect(preloads).toEqual([
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
        params: { temperature: 0.3 },
        sessionKey: session.id,
      },
    ]);
    refused = new ChatUnavailableError('model is still loading (5%)');
    await expect(turns.preload(principal, session.id)).rejects.toMatchObject({ code: 'chat_unavailable' });
    await expect(turns.preload({ ...principal, userId: 'u2' }, session.id)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(preloads).toHaveLength(1);
  });

  it('shutdown aborts running turns; their stream ends with chat_unavailable and the reply is kept', async () => {
    let started!: () => void;
    const generating = new Promise<void>((resolve) => (started = resolve));
    const { store, turns, session } = await setUp(async (request) => {
      request.onToken?.('partial');
      started();
      await new Promise<void>((resolve) => request.signal?.addEventListener('abort', () => resolve(), { once: true }));
      return result('partial', 'abort');
    });
    const turn = await turns.open(principal, session.id);
    const events = collect(turns.stream(principal, turn, 'q', new AbortController().signal));
    await generating;
    await turns.abortAll();
    const all = await events;
    const last = all.at(-1) as Extract<TurnEvent, { type: 'error' }>;
    expect(last.type).toBe('error');
    expect((last.error as { code?: string }).code).toBe('chat_unavailable');
    expect(last.assistantMessageId).toBeDefined();
    expect((await messages(store, session.id)).at(-1)).toMatchObject({ content: 'partial', status: 'partial' });
  });

  it('a generation that stores nothing yields the same events, is tracked, and its figures reach the metrics', async () => {
    const { store, turns, session, metrics } = await setUp(async () => result('unused'));
    let inFlight = 0;
    const events = await collect(
      turns.generation(new AbortController().signal, async (_signal, emit) => {
        await Promise.resolve();
        inFlight = turns.inFlightCount();
        emit({ type: 'token', text: 'ok' });
        return result('ok');
      }),
    );
    expect(events.map((e) => e.type)).toEqual(['token', 'done']);
    expect(inFlight).toBe(1);
    expect(await messages(store, session.id)).toEqual([]);
    const scraped = await metrics.registry.metrics();
    expect(scraped).toMatch(/^chat_studio_generations_total\S* 1$/m);
  });
});
