import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelsDir } from '@chat-studio/test-support';
import { ChatUnavailableError, createLlmRuntime, type GenerateResult, type LlmRuntime } from '../../src/index.js';
import { startUpstream, type UpstreamProcess } from './upstream-process.js';

const REMOTE_ID = 'studio/stories260K';
const PROMPT = [{ role: 'user' as const, content: 'Once upon a time' }];

describe('openai-compatible upstreams: two real Chat Studio processes', () => {
  const emptyModels = mkdtempSync(path.join(os.tmpdir(), 'chat-studio-no-models-'));
  let a: UpstreamProcess;
  let b: UpstreamProcess;
  let runtime: LlmRuntime;

  const healthOf = async (upstream: UpstreamProcess) =>
    (await runtime.providers()).find((info) => info.health?.base_url === upstream.baseUrl)!;

  beforeAll(async () => {
    [a, b] = await Promise.all([startUpstream(), startUpstream()]);
    runtime = createLlmRuntime({
      env: {},
      modelsDir: emptyModels,
      cacheTtlS: 0,
      upstreams: [
        { name: 'studio', baseUrl: a.baseUrl },
        { name: 'studio', baseUrl: `${b.baseUrl}/` },
      ],
      upstreamCheckIntervalMs: 200,
      upstreamMaxFailures: 2,
    });
    await runtime.start();
  }, 120_000);

  afterAll(async () => {
    await runtime?.close();
    await Promise.all([a?.dispose(), b?.dispose()]);
    rmSync(emptyModels, { recursive: true, force: true });
  });

  it('lists the remote model once, namespaced, and one provider entry per upstream', async () => {
    const models = await runtime.listModels();
    expect(models).toEqual([
      expect.objectContaining({
        id: REMOTE_ID,
        name: 'stories260K',
        provider: 'openai-compatible',
        status: 'available',
        active: true,
      }),
    ]);
    const providers = await runtime.providers();
    expect(providers.map((info) => info.id)).toEqual([
      'llama-cpp',
      `studio@127.0.0.1:${a.port}`,
      `studio@127.0.0.1:${b.port}`,
    ]);
    for (const info of providers.slice(1)) {
      expect(info).toMatchObject({ type: 'openai-compatible', status: 'ready', models: 1, reason: null });
      expect(info.health).toMatchObject({ healthy: true, consecutive_failures: 0, outstanding: 0 });
    }
    expect(runtime.status()).toMatchObject({ state: 'ready', model_id: REMOTE_ID, reason: null, sequences_total: 8 });
    expect(runtime.unavailableReason()).toBeNull();
  });

  it('streams a reply token by token with usage mapped to stats', async () => {
    const pieces: string[] = [];
    const result = await runtime.generate({
      messages: PROMPT,
      params: { max_tokens: 16, temperature: 0 },
      onToken: (piece) => pieces.push(piece),
    });
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(result.text);
    expect(result.modelId).toBe(REMOTE_ID);
    expect(result.stats).toMatchObject({ completion_tokens: 16, finish_reason: 'length' });
    expect(result.stats.prompt_tokens).toBeGreaterThan(0);
    expect(result.stats.time_to_first_token_ms).toBeGreaterThanOrEqual(0);
    expect(result.stats.tokens_per_second).toBeGreaterThan(0);
    expect(result.stats.total_ms).toBeGreaterThanOrEqual(result.stats.time_to_first_token_ms!);
    // Same seedless greedy request on the same model: the upstream's local generation gives the same text.
    const again = await runtime.generate({ messages: PROMPT, params: { max_tokens: 16, temperature: 0 } });
    expect(again.text).toBe(result.text);
  });

  it('spreads sequential and concurrent requests over both upstreams', async () => {
    const sequential: GenerateResult[] = [];
    for (let i = 0; i < 4; i++)
      sequential.push(await runtime.generate({ messages: PROMPT, params: { max_tokens: 8 } }));
    expect(new Set(sequential.map((result) => result.servedBy)).size).toBe(2);
    const concurrent = await Promise.all(
      Array.from({ length: 6 }, () => runtime.generate({ messages: PROMPT, params: { max_tokens: 100 } })),
    );
    const counts = new Map<string, number>();
    for (const result of concurrent) counts.set(result.servedBy!, (counts.get(result.servedBy!) ?? 0) + 1);
    // Least outstanding: six at once are split three and three.
    expect([...counts.values()]).toEqual([3, 3]);
  });

  it('aborting a stream makes the upstream stop generating at once', async () => {
    const controller = new AbortController();
    let busyWhileStreaming = -1;
    let tokens = 0;
    const running = runtime.generate({
      messages: PROMPT,
      // 32,000 tokens take the upstream over 30 s on a quiet machine (4,000 took about 4 s), longer on a loaded one:
      // far more than the bound below, so the bound tells "stopped" from "ran on" on any machine.
      params: { max_tokens: 32_000 },
      signal: controller.signal,
      onToken: () => {
        if (++tokens !== 5) return;
        void Promise.all([a.status(), b.status()]).then((statuses) => {
          busyWhileStreaming = statuses.reduce((sum, status) => sum + status.sequences_in_use, 0);
          controller.abort();
        });
      },
    });
    const result = await running;
    const abortedAt = performance.now();
    expect(busyWhileStreaming).toBe(1);
    expect(result.stats.finish_reason).toBe('abort');
    expect(result.stats.completion_tokens).toBeLessThan(32_000);
    const served = result.servedBy === `studio@127.0.0.1:${a.port}` ? a : b;
    // 1 s was too tight for a loaded 2-core CI machine (the status request alone can take that); 10 s is still a
    // third of the time the upstream would take to finish the reply.
    await expect.poll(async () => (await served.status()).sequences_in_use, { timeout: 10_000, interval: 20 }).toBe(0);
    expect(performance.now() - abortedAt).toBeLessThan(10_000);
  });

  it('keeps answering on the survivor when one upstream is killed mid-run, and takes it back once it returns', async () => {
    // A second runtime whose checks are too slow to notice the kill: only its requests can find out, and retry.
    const slowChecks = createLlmRuntime({
      env: {},
      modelsDir: emptyModels,
      cacheTtlS: 0,
      upstreams: [
        { name: 'studio', baseUrl: a.baseUrl },
        { name: 'studio', baseUrl: b.baseUrl },
      ],
      upstreamCheckIntervalMs: 60_000,
      upstreamMaxFailures: 3,
    });
    await slowChecks.start();
    const results: { startedAfterKill: boolean; result?: GenerateResult; error?: unknown }[] = [];
    let killing = false;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const startedAfterKill = killing;
        try {
          results.push({
            startedAfterKill,
            result: await runtime.generate({ messages: PROMPT, params: { max_tokens: 48 } }),
          });
        } catch (error) {
          results.push({ startedAfterKill, error });
        }
      }
    };
    const workers = [worker(), worker(), worker()];
    try {
      await expect.poll(() => results.length, { timeout: 10_000, interval: 10 }).toBeGreaterThanOrEqual(6);
      killing = true;
      await a.kill();
      const countAtKill = results.length;
      await expect
        .poll(() => results.length - countAtKill, { timeout: 20_000, interval: 20 })
        .toBeGreaterThanOrEqual(20);
    } finally {
      stop = true;
      await Promise.all(workers);
    }

    // A request whose upstream fails before its first token is retried, so nothing is thrown at all; only a reply
    // already streaming from the killed upstream may end early (finish_reason error, at most one per worker).
    expect(results.filter((entry) => entry.error)).toEqual([]);
    expect(results.filter((entry) => entry.result!.stats.finish_reason === 'error').length).toBeLessThanOrEqual(3);
    const afterKill = results.filter((entry) => entry.startedAfterKill);
    expect(afterKill.length).toBeGreaterThanOrEqual(17);
    for (const { result } of afterKill) {
      expect(['stop', 'length']).toContain(result!.stats.finish_reason);
      expect(result!.servedBy).toBe(`studio@127.0.0.1:${b.port}`);
    }

    const dead = await healthOf(a);
    expect(dead.status).toBe('error');
    expect(dead.health).toMatchObject({ healthy: false });
    expect(dead.health!.consecutive_failures).toBeGreaterThanOrEqual(2);
    expect(dead.reason).toMatch(/ECONNREFUSED|socket|closed|terminated/i);
    expect(runtime.status()).toMatchObject({ state: 'ready', sequences_total: 4 });

    try {
      const retried: GenerateResult[] = [];
      for (let i = 0; i < 6; i++)
        retried.push(await slowChecks.generate({ messages: PROMPT, params: { max_tokens: 8 } }));
      expect(retried.every((result) => result.servedBy === `studio@127.0.0.1:${b.port}`)).toBe(true);
      const info = (await slowChecks.providers()).find((entry) => entry.health?.base_url === a.baseUrl)!;
      // Three requests tried it, found it down and moved on; the third took it out of rotation.
      expect(info.health).toMatchObject({ healthy: false, consecutive_failures: 3, outstanding: 0 });
      expect(info.health!.last_error).toMatch(/ECONNREFUSED/);
    } finally {
      await slowChecks.close();
    }

    await a.start();
    await expect.poll(async () => (await healthOf(a)).health!.healthy, { timeout: 20_000, interval: 50 }).toBe(true);
    const back: GenerateResult[] = [];
    for (let i = 0; i < 4; i++) back.push(await runtime.generate({ messages: PROMPT, params: { max_tokens: 8 } }));
    expect(back.map((result) => result.servedBy)).toContain(`studio@127.0.0.1:${b.port}`);
    expect(back.map((result) => result.servedBy)).toContain(`studio@127.0.0.1:${a.port}`);
    expect(runtime.status().sequences_total).toBe(8);
  }, 150_000);

  it('says why when every upstream is down, and recovers without a restart of the runtime', async () => {
    await Promise.all([a.kill(), b.kill()]);
    await expect.poll(() => runtime.status().state, { timeout: 20_000, interval: 50 }).toBe('error');
    expect(runtime.unavailableReason()).toMatch(/^all upstreams for studio\/stories260K are down: .*ECONNREFUSED/);
    const error = await runtime
      .generate({ messages: PROMPT, params: { max_tokens: 8 } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChatUnavailableError);
    expect((await runtime.listModels())[0]).toMatchObject({
      id: REMOTE_ID,
      status: 'broken',
      error: expect.stringMatching(/are down/),
    });

    await b.start();
    await expect.poll(() => runtime.unavailableReason(), { timeout: 20_000, interval: 50 }).toBeNull();
    const result = await runtime.generate({ messages: PROMPT, params: { max_tokens: 8 } });
    expect(result.servedBy).toBe(`studio@127.0.0.1:${b.port}`);
  }, 150_000);

  it('puts local and remote models side by side; setActiveModel switches between them', async () => {
    const mixed = createLlmRuntime({
      env: {},
      modelsDir: testModelsDir(),
      threads: 1,
      cacheTtlS: 0,
      upstreams: [{ name: 'studio', baseUrl: b.baseUrl }],
    });
    try {
      await mixed.start();
      await mixed.whenLoaded();
      const ids = (await mixed.listModels()).map((model) => [model.id, model.provider, model.active]);
      expect(ids).toContainEqual(['stories260K', 'llama-cpp', true]);
      expect(ids).toContainEqual([REMOTE_ID, 'openai-compatible', false]);
      expect((await mixed.generate({ messages: PROMPT, params: { max_tokens: 4 } })).servedBy).toBeUndefined();

      const model = await mixed.setActiveModel(REMOTE_ID);
      expect(model).toMatchObject({ id: REMOTE_ID, active: true });
      expect(mixed.status()).toMatchObject({ state: 'ready', model_id: REMOTE_ID });
      const remote = await mixed.generate({ messages: PROMPT, params: { max_tokens: 4 } });
      expect(remote).toMatchObject({ modelId: REMOTE_ID, servedBy: `studio@127.0.0.1:${b.port}` });
      await mixed.whenIdle();
      // The local model was released when the remote one took over.
      expect((await mixed.providers())[0]).toMatchObject({ id: 'llama-cpp', status: 'idle' });

      await mixed.setActiveModel('stories260K');
      expect(mixed.status()).toMatchObject({ state: 'ready', model_id: 'stories260K' });
      await expect(mixed.setActiveModel('studio/nope')).rejects.toThrow(
        /not found in .* or on the upstreams \(studio\)/,
      );
    } finally {
      await mixed.close();
    }
  }, 60_000);
});
