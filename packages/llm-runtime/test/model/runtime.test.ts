import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmRuntime, ModelNotFoundError, QueueFullError, scanModels, type LlmRuntime } from '../../src/index.js';
import { MODEL_ID, MODELS_DIR } from './helpers.js';

const story = (content: string) => [{ role: 'user' as const, content }];
let runtime: LlmRuntime;

beforeAll(async () => {
  runtime = createLlmRuntime({
    modelsDir: MODELS_DIR,
    threads: 1,
    sequences: 4,
    queueLimit: 8,
    cacheTtlS: 300,
    env: {},
  });
  await runtime.start();
  await runtime.whenLoaded();
});
afterAll(async () => {
  await runtime?.close();
});

describe('registry', () => {
  it('reads stories260K metadata without loading it', async () => {
    const [model] = (await scanModels(MODELS_DIR)).filter((m) => m.id === MODEL_ID);
    expect(model).toMatchObject({
      id: 'stories260K',
      name: 'llama',
      architecture: 'llama',
      parameters: 292_800,
      quantization: 'F32',
      context_length: 2048,
      size_bytes: 1_185_376,
      has_chat_template: false,
      status: 'available',
      error: null,
    });
  });
});

describe('runtime with stories260K', () => {
  it('is ready with the configured threads and sequences', async () => {
    expect(runtime.unavailableReason()).toBeNull();
    expect(runtime.status()).toMatchObject({
      state: 'ready',
      model_id: MODEL_ID,
      load_progress: 1,
      threads: 1,
      sequences_total: 4,
      gpu: 'cpu',
    });
    const models = await runtime.listModels();
    expect(models.find((m) => m.id === MODEL_ID)?.active).toBe(true);
    expect((await runtime.providers())[0]).toMatchObject({ id: 'llama-cpp', status: 'ready', reason: null });
  });

  it('stops at max_tokens with finish_reason length and full stats', async () => {
    const result = await runtime.generate({
      messages: story('Once upon a time'),
      params: { max_tokens: 16, temperature: 0.9, top_k: 40, top_p: 0.9 },
    });
    expect(result.modelId).toBe(MODEL_ID);
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.stats.finish_reason).toBe('length');
    expect(result.stats.completion_tokens).toBe(16);
    expect(result.stats.prompt_tokens).toBeGreaterThan(3);
    expect(result.stats.time_to_first_token_ms).toBeGreaterThanOrEqual(0);
    expect(result.stats.tokens_per_second).toBeGreaterThan(0);
    expect(result.stats.total_ms).toBeGreaterThanOrEqual(result.stats.time_to_first_token_ms!);
  });

  it('streams token by token through onToken', async () => {
    const pieces: string[] = [];
    const result = await runtime.generate({
      messages: story('Tom had a dog'),
      params: { max_tokens: 24, temperature: 0.5 },
      onToken: (t) => pieces.push(t),
    });
    expect(pieces.join('')).toBe(result.text);
    // About one call per generated token (a multi-byte character may hold one back).
    expect(pieces.length).toBeGreaterThan(result.stats.completion_tokens / 2);
    expect(pieces.length).toBeLessThanOrEqual(result.stats.completion_tokens);
  });

  it('resolves an abort mid-generation with the partial text', async () => {
    const controller = new AbortController();
    const pieces: string[] = [];
    const result = await runtime.generate({
      messages: story('Lily went to the park'),
      params: { max_tokens: 500, temperature: 1, seed: 3 },
      signal: controller.signal,
      onToken: (t) => {
        pieces.push(t);
        if (pieces.length === 5) controller.abort();
      },
    });
    expect(result.stats.finish_reason).toBe('abort');
    expect(result.text).toBe(pieces.join(''));
    expect(result.text.length).toBeGreaterThan(0);
    // In its worker thread the model runs ahead of a busy main thread by what it generates meanwhile (a few tokens
    // here, a few dozen while vitest reports); far short of the 500 it would run to without the abort.
    expect(result.stats.completion_tokens).toBeLessThan(100);
  });

  it('reuses the KV cache of a session: the second turn evaluates only the new tokens', async () => {
    const system = {
      role: 'system' as const,
      content: 'You tell short stories for children about animals, friends and the sun.',
    };
    const turn1 = [
      system,
      { role: 'user' as const, content: 'Tell me about a cat named Tim who liked to play in the garden.' },
    ];
    const first = await runtime.generate({
      messages: turn1,
      params: { max_tokens: 40, temperature: 0 },
      sessionKey: 'kv-session',
    });
    const turn2 = [
      ...turn1,
      { role: 'assistant' as const, content: first.text },
      { role: 'user' as const, content: 'What did Tim do next?' },
    ];
    const second = await runtime.generate({
      messages: turn2,
      params: { max_tokens: 20, temperature: 0 },
      sessionKey: 'kv-session',
    });
    // A fresh session evaluates nearly its whole prompt (a slot may share a few leading template tokens).
    expect(first.promptTokensEvaluated).toBeGreaterThan(first.stats.prompt_tokens * 0.8);
    // The whole conversation is in the prompt, but only the new user turn (plus wrapper tokens) is evaluated.
    expect(second.stats.prompt_tokens).toBeGreaterThan(first.stats.prompt_tokens + first.stats.completion_tokens);
    expect(second.promptTokensEvaluated).toBeLessThan(40);
    expect(second.promptTokensEvaluated).toBeLessThan(second.stats.prompt_tokens / 3);

    // Without the session key the same request starts from an empty (or foreign) sequence.
    const cold = await runtime.generate({
      messages: turn2,
      params: { max_tokens: 20, temperature: 0.01 },
      sessionKey: 'other-session',
    });
    expect(cold.promptTokensEvaluated).toBeGreaterThan(second.promptTokensEvaluated * 3);
  });

  it('runs four generations at once on four sequences', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4].map((seed) =>
        runtime.generate({
          messages: story(`Story number ${seed}`),
          params: { max_tokens: 30, temperature: 0.8, seed: seed + 100 },
        }),
      ),
    );
    for (const result of results) {
      expect(['stop', 'length']).toContain(result.stats.finish_reason);
      expect(result.text.length).toBeGreaterThan(0);
    }
    expect(runtime.status().sequences_in_use).toBe(0);
  });

  it('answers an identical deterministic request from the cache', async () => {
    const request = { messages: story('The sun was shining'), params: { max_tokens: 20, temperature: 0 } };
    const first = await runtime.generate(request);
    expect(first.stats.cached).toBeUndefined();
    const pieces: string[] = [];
    const second = await runtime.generate({ ...request, onToken: (t) => pieces.push(t) });
    expect(second.stats.cached).toBe(true);
    expect(second.text).toBe(first.text);
    expect(pieces.join('')).toBe(first.text);
    expect(second.promptTokensEvaluated).toBe(0);
    // A sampled request is never cached.
    const sampled = await runtime.generate({
      messages: story('The sun was shining'),
      params: { max_tokens: 5, temperature: 0.9 },
    });
    expect(sampled.stats.cached).toBeUndefined();
  });

  it('throws ModelNotFoundError for an unknown model id and keeps the current one', async () => {
    await expect(runtime.setActiveModel('no-such-model')).rejects.toBeInstanceOf(ModelNotFoundError);
    expect(runtime.status().state).toBe('ready');
  });
});

describe('queue bound', () => {
  it('refuses a request past the bound with QueueFullError and serves the waiting one', async () => {
    const small = createLlmRuntime({
      modelsDir: MODELS_DIR,
      threads: 1,
      sequences: 1,
      queueLimit: 1,
      cacheTtlS: 0,
      env: {},
    });
    try {
      await small.start();
      await small.whenLoaded();
      const controller = new AbortController();
      const running = small.generate({
        messages: story('A long story'),
        params: { max_tokens: 400, temperature: 1 },
        signal: controller.signal,
      });
      const waiting = small.generate({ messages: story('Another story'), params: { max_tokens: 5 } });
      expect(small.status().queue_depth).toBe(1);
      const error = await small
        .generate({ messages: story('One too many'), params: { max_tokens: 5 } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueueFullError);
      expect((error as QueueFullError).retryAfterSeconds).toBeGreaterThan(0);
      controller.abort();
      expect(['abort', 'stop', 'length']).toContain((await running).stats.finish_reason);
      expect((await waiting).text.length).toBeGreaterThan(0);
    } finally {
      await small.close();
    }
  });
});
