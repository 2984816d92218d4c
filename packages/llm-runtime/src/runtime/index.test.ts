import { describe, expect, it } from 'vitest';
import { createResponseCache } from '../cache/index.js';
import { ChatUnavailableError, QueueFullError } from '../errors/index.js';
import type { GenerateResult, LlmProvider, ProviderModel, ProviderStatus } from '../provider/index.js';
import { createRequestQueue } from '../queue/index.js';
import { cachedResult, isCacheable, replyCacheKey } from './cached-reply.js';
import {
  createProviderSwitch,
  isChoice,
  listedProviderStatus,
  pickModel,
  runtimeStatus,
  unavailableReason,
  type PickModelInput,
  type ProviderSwitch,
} from './index.js';
import { runQueued } from './queued-run.js';
import { refusalNow, type RuntimeContext } from './runtime-context.js';

function model(id: string, status: ProviderModel['status'] = 'available', error: string | null = null): ProviderModel {
  return {
    id,
    name: id,
    provider: 'llama-cpp',
    file: `${id}.gguf`,
    size_bytes: 1,
    architecture: null,
    parameters: null,
    quantization: null,
    context_length: null,
    has_chat_template: true,
    status,
    error,
  };
}

const NO_UPSTREAMS: PickModelInput = {
  local: [],
  remote: [],
  wanted: undefined,
  modelsDir: 'models',
  upstreamNames: undefined,
  upstreamsReason: () => 'no upstream answered',
};

describe('pickModel', () => {
  it('takes the first available local model, then a remote one, then names the broken file', () => {
    const broken = model('bad', 'broken', 'truncated');
    expect(pickModel({ ...NO_UPSTREAMS, local: [broken, model('a')] })).toEqual({ target: 'local', model: model('a') });
    const remote = model('gpu/llama');
    expect(pickModel({ ...NO_UPSTREAMS, local: [broken], remote: [remote], upstreamNames: 'gpu' })).toEqual({
      target: 'remote',
      model: remote,
    });
    expect(pickModel({ ...NO_UPSTREAMS, local: [broken] })).toEqual({
      kind: 'broken',
      modelId: 'bad',
      reason: 'bad.gguf is not a valid GGUF: truncated',
    });
  });

  it('says where it looked when there is nothing at all', () => {
    expect(pickModel(NO_UPSTREAMS)).toEqual({
      kind: 'no_model',
      reason: 'no model found in models: put a .gguf file there',
    });
    expect(pickModel({ ...NO_UPSTREAMS, upstreamNames: 'gpu' })).toEqual({
      kind: 'no_model',
      reason: 'no model found in models: put a .gguf file there; no upstream answered',
    });
  });

  it('loads the model asked for: local first, a remote one even while down, else not found', () => {
    const input = { ...NO_UPSTREAMS, local: [model('a'), model('b')], wanted: 'b' };
    expect(pickModel(input)).toEqual({ target: 'local', model: model('b') });
    const down = model('gpu/b', 'broken', 'all upstreams are down');
    expect(pickModel({ ...input, wanted: 'gpu/b', remote: [down], upstreamNames: 'gpu' })).toEqual({
      target: 'remote',
      model: down,
    });
    const missing = pickModel({ ...input, wanted: 'c', upstreamNames: 'gpu' });
    expect(isChoice(missing)).toBe(false);
    expect(missing).toEqual({
      kind: 'not_found',
      modelId: 'c',
      reason: 'model "c" (CHAT_MODEL) not found in models or on the upstreams (gpu)',
    });
    expect(pickModel({ ...input, local: [model('b', 'broken', 'bad magic')] })).toMatchObject({ kind: 'broken' });
  });
});

function status(state: ProviderStatus['state'], extra: Partial<ProviderStatus> = {}): ProviderStatus {
  return {
    state,
    model_id: state === 'no_model' ? null : 'a',
    load_progress: state === 'ready' ? 1 : 0,
    reason: null,
    sequences_in_use: 0,
    sequences_total: state === 'ready' ? 2 : 0,
    threads: null,
    gpu: null,
    ...extra,
  };
}

describe('unavailableReason', () => {
  const provider = { kind: 'provider' } as const;

  it('walks the states from closed to ready', () => {
    const base = { closed: false, availability: provider, status: status('ready'), remote: false };
    expect(unavailableReason(base)).toBeNull();
    expect(unavailableReason({ ...base, closed: true })).toBe('the runtime is closed');
    expect(unavailableReason({ ...base, availability: { kind: 'unscanned' } })).toBe(
      'the runtime has not been started',
    );
    expect(unavailableReason({ ...base, availability: { kind: 'no_model', reason: 'empty' } })).toBe('empty');
    expect(unavailableReason({ ...base, status: status('loading', { load_progress: 0.5 }) })).toBe(
      'model is still loading (50%)',
    );
    expect(unavailableReason({ ...base, status: status('error', { reason: 'oom' }) })).toBe(
      'model failed to load: oom',
    );
    expect(unavailableReason({ ...base, status: status('no_model') })).toBe('no model is loaded');
    expect(unavailableReason({ ...base, remote: true, status: status('error', { reason: 'upstream down' }) })).toBe(
      'upstream down',
    );
  });
});

describe('runtimeStatus and listedProviderStatus', () => {
  it("shows the provider's state once chosen, and the reason no model was chosen otherwise", () => {
    const input = { queueDepth: 1, queueLimit: 8, sequencesInUse: 1, unavailableReason: () => 'why' };
    expect(runtimeStatus({ ...input, availability: { kind: 'provider' }, provider: status('ready') })).toMatchObject({
      state: 'ready',
      reason: null,
      queue_depth: 1,
      // The queue's count, not the provider's (0 here): one count of requests running.
      sequences_in_use: 1,
      sequences_total: 2,
    });
    expect(runtimeStatus({ ...input, availability: { kind: 'provider' }, provider: status('no_model') })).toMatchObject(
      { state: 'no_model', reason: 'why' },
    );
    const broken = { kind: 'broken', modelId: 'x', reason: 'bad' } as const;
    expect(runtimeStatus({ ...input, availability: broken, provider: status('no_model') })).toMatchObject({
      state: 'error',
      model_id: 'x',
      reason: 'bad',
    });
  });

  it('lists the local provider as idle only without a reason', () => {
    expect(listedProviderStatus('ready', null)).toBe('ready');
    expect(listedProviderStatus('loading', 'loading')).toBe('loading');
    expect(listedProviderStatus('error', 'oom')).toBe('error');
    expect(listedProviderStatus('no_model', 'empty folder')).toBe('unavailable');
    expect(listedProviderStatus('no_model', null)).toBe('idle');
  });
});

/** A provider whose loads resolve when told to, with `sequences` slots once loaded. */
function fakeProvider(id: string, sequences: number) {
  let loaded: string | null = null;
  let unloads = 0;
  const pending: (() => void)[] = [];
  const provider: LlmProvider = {
    id,
    type: id,
    name: id,
    listModels: async () => [],
    async load(modelId) {
      await new Promise<void>((resolve) => pending.push(resolve));
      loaded = modelId;
      return model(modelId);
    },
    generate: async () => {
      throw new Error('not used');
    },
    status: () => (loaded ? status('ready', { model_id: loaded, sequences_total: sequences }) : status('no_model')),
    async unload() {
      unloads++;
      loaded = null;
    },
    close: async () => undefined,
  };
  return { provider, finishLoad: () => pending.shift()?.(), unloads: () => unloads };
}

/** A switch over `initial` and a queue whose capacity is read from the switch's active provider, as the runtime has. */
function switchAndQueue(initial: LlmProvider, limit = 8) {
  const holder: { providers?: ProviderSwitch } = {};
  const queue = createRequestQueue({
    capacity: () => holder.providers?.provider.status().sequences_total ?? 0,
    limit,
    timeoutMs: 60_000,
  });
  const providers = createProviderSwitch({ initial, queue, signal: new AbortController().signal });
  holder.providers = providers;
  return { queue, providers };
}

describe('createProviderSwitch', () => {
  it('switches provider, the queue follows its sequences, and the previous one is unloaded', async () => {
    const local = fakeProvider('local', 4);
    const remote = fakeProvider('remote', 8);
    const { queue, providers } = switchAndQueue(local.provider);
    expect(providers.availability).toEqual({ kind: 'unscanned' });
    expect(queue.capacity).toBe(1);

    const first = providers.load(local.provider, 'a');
    expect(providers.availability).toEqual({ kind: 'provider' });
    local.finishLoad();
    await first;
    expect(queue.capacity).toBe(4);
    expect(providers.activeModelId()).toBe('a');

    const second = providers.load(remote.provider, 'gpu/b');
    expect(providers.provider).toBe(remote.provider);
    expect(providers.activeModelId()).toBeNull();
    remote.finishLoad();
    await second;
    await providers.loaded;
    await Promise.all([...providers.retiring]);
    expect(queue.capacity).toBe(8);
    expect(local.unloads()).toBe(1);
  });

  it('a later load that replaced the provider meanwhile wins; the slow one is unloaded', async () => {
    const local = fakeProvider('local', 4);
    const remote = fakeProvider('remote', 8);
    const { queue, providers } = switchAndQueue(local.provider);
    const slow = providers.load(local.provider, 'a');
    const fast = providers.load(remote.provider, 'gpu/b');
    remote.finishLoad();
    await fast;
    local.finishLoad();
    await slow;
    expect(providers.provider).toBe(remote.provider);
    expect(queue.capacity).toBe(8);
    expect(local.unloads()).toBe(1);
    expect(remote.unloads()).toBe(0);
  });

  it('wakes the queue when a load raises the capacity: waiters run at once', async () => {
    const local = fakeProvider('local', 3);
    const { queue, providers } = switchAndQueue(local.provider);
    const first = await queue.acquire();
    const waiting = [queue.acquire(), queue.acquire()];
    expect([queue.inUse, queue.depth]).toEqual([1, 2]);
    const load = providers.load(local.provider, 'a');
    local.finishLoad();
    await load;
    const releases = await Promise.all(waiting);
    expect([queue.inUse, queue.depth]).toEqual([3, 0]);
    for (const release of [first, ...releases]) release();
    expect(queue.inUse).toBe(0);
  });
});

describe("one admission decision (refusalNow): the runtime's queue counts and decides, the API only asks", () => {
  /** A runtime context over a ready fake provider with `sequences` slots and a queue of `limit`. */
  async function readyContext(sequences: number, limit: number) {
    const local = fakeProvider('local', sequences);
    const { queue, providers } = switchAndQueue(local.provider, limit);
    const load = providers.load(local.provider, 'a');
    local.finishLoad();
    await load;
    const context = { providers, queue, closing: new AbortController(), remote: null } as Pick<
      RuntimeContext,
      'providers' | 'queue' | 'closing' | 'remote'
    > as RuntimeContext;
    return { context, queue };
  }

  it('admits while a sequence is free or the queue has room; refuses with QueueFullError only when both are full', async () => {
    const { context, queue } = await readyContext(2, 1);
    expect(refusalNow(context)).toBeNull();
    const running = [await queue.acquire(), await queue.acquire()];
    // Both sequences busy, the queue empty: a request would wait its turn.
    expect(refusalNow(context)).toBeNull();
    const waiting = queue.acquire();
    const refused = refusalNow(context);
    expect(refused).toBeInstanceOf(QueueFullError);
    expect(refused).toMatchObject({ code: 'queue_full', retryAfterSeconds: 5, queueLimit: 1 });
    // acquire refuses for the same reason: one decision, asked or acted on.
    await expect(queue.acquire()).rejects.toBeInstanceOf(QueueFullError);
    for (const release of running) release();
    (await waiting)();
    expect(refusalNow(context)).toBeNull();
    expect(queue.inUse).toBe(0);
  });

  it('says why chat cannot run before it looks at capacity', async () => {
    const { context } = await readyContext(1, 0);
    context.closing.abort();
    const refused = refusalNow(context);
    expect(refused).toBeInstanceOf(ChatUnavailableError);
    expect(refused).toMatchObject({ code: 'chat_unavailable', reason: 'the runtime is closed' });
  });

  it("status counts the requests running from the queue, not from the provider's pool", async () => {
    const { context, queue } = await readyContext(2, 1);
    const release = await queue.acquire();
    const state = runtimeStatus({
      availability: context.providers.availability,
      provider: context.providers.provider.status(),
      queueDepth: queue.depth,
      queueLimit: queue.limit,
      sequencesInUse: queue.inUse,
      unavailableReason: () => null,
    });
    expect(state).toMatchObject({ sequences_in_use: 1, sequences_total: 2, queue_depth: 0, queue_limit: 1 });
    release();
  });
});

function result(text: string, finish: GenerateResult['stats']['finish_reason'] = 'stop'): GenerateResult {
  return {
    text,
    modelId: 'a',
    promptTokensEvaluated: 3,
    stats: {
      prompt_tokens: 3,
      completion_tokens: 2,
      time_to_first_token_ms: 5,
      tokens_per_second: 10,
      total_ms: 9,
      finish_reason: finish,
      cached_tokens: 0,
    },
  };
}

describe('runQueued', () => {
  it('hands over the wait, tracks the run and releases the slot', async () => {
    const queue = createRequestQueue({ capacity: 1, limit: 1, timeoutMs: 60_000 });
    const inFlight = new Set<Promise<unknown>>();
    const options = {
      queue,
      signal: undefined,
      inFlight,
      modelId: () => 'a',
      unavailableReason: () => null,
      startedAt: performance.now(),
    };
    const done = await runQueued(options, async (waitMs) => ({ ...result('hi'), queueWaitMs: waitMs }));
    expect(done.queueWaitMs).toBeGreaterThanOrEqual(0);
    expect(queue.inUse).toBe(0);
    expect(inFlight.size).toBe(0);
  });

  it('resolves an abort while queued as an aborted result and passes a full queue on', async () => {
    const queue = createRequestQueue({ capacity: 1, limit: 1, timeoutMs: 60_000 });
    const release = await queue.acquire();
    const abort = new AbortController();
    const inFlight = new Set<Promise<unknown>>();
    const base = { queue, inFlight, modelId: () => 'a', unavailableReason: () => null, startedAt: performance.now() };
    const waiting = runQueued({ ...base, signal: abort.signal }, async () => result('never'));
    await expect(runQueued({ ...base, signal: undefined }, async () => result('never'))).rejects.toBeInstanceOf(
      QueueFullError,
    );
    abort.abort();
    expect(await waiting).toMatchObject({ text: '', modelId: 'a', stats: { finish_reason: 'abort' } });
    release();
  });

  it('asks again once the wait is over: chat gone meanwhile throws ChatUnavailableError and frees the slot', async () => {
    const queue = createRequestQueue({ capacity: 1, limit: 1, timeoutMs: 60_000 });
    const release = await queue.acquire();
    let reason: string | null = null;
    const inFlight = new Set<Promise<unknown>>();
    const options = {
      queue,
      signal: undefined,
      inFlight,
      modelId: () => 'a',
      unavailableReason: () => reason,
      startedAt: performance.now(),
    };
    let ran = false;
    const waiting = runQueued(options, async () => {
      ran = true;
      return result('never');
    });
    reason = 'model is still loading (10%)';
    release();
    await expect(waiting).rejects.toMatchObject({ code: 'chat_unavailable', reason: 'model is still loading (10%)' });
    expect(ran).toBe(false);
    expect(queue.inUse).toBe(0);
  });
});

describe('the response cache in the runtime', () => {
  const cache = createResponseCache({ ttlS: 60, maxEntries: 10 });
  const request = { messages: [{ role: 'user' as const, content: 'Hi' }], params: { temperature: 0, seed: 1 } };

  it('caches deterministic text-only replies of the active model', () => {
    expect(replyCacheKey(cache, request, 'a')).toEqual(expect.any(String));
    expect(replyCacheKey(cache, request, null)).toBeNull();
    expect(replyCacheKey(cache, { ...request, responseFormat: { type: 'json_object' } }, 'a')).toBeNull();
    expect(replyCacheKey(cache, { ...request, tools: { tools: [{ name: 'f' }] } }, 'a')).toBeNull();
    expect(isCacheable(result('x'), 'a')).toBe(true);
    expect(isCacheable(result('x', 'abort'), 'a')).toBe(false);
    expect(isCacheable(result('x'), 'b')).toBe(false);
  });

  it('serves a hit with nothing evaluated', () => {
    const hit = cachedResult({ text: 'x', stats: result('x').stats }, 'a', performance.now());
    expect(hit).toMatchObject({ text: 'x', promptTokensEvaluated: 0, stats: { cached: true, cached_tokens: 3 } });
  });
});
