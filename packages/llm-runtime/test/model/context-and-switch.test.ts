import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmRuntime, type GenerateMessage, type LlmRuntime } from '../../src/index.js';
import { MODEL_PATH } from './helpers.js';

describe('context overflow', () => {
  let runtime: LlmRuntime;
  beforeAll(async () => {
    runtime = createLlmRuntime({
      modelsDir: path.dirname(MODEL_PATH),
      threads: 1,
      sequences: 1,
      contextSize: 256,
      cacheTtlS: 0,
      env: {},
    });
    await runtime.start();
    await runtime.whenLoaded();
  });
  afterAll(() => runtime.close());

  it('keeps answering a conversation far longer than the context', async () => {
    const messages: GenerateMessage[] = [{ role: 'system', content: 'You are a kind storyteller.' }];
    for (let turn = 0; turn < 8; turn++) {
      messages.push({
        role: 'user',
        content: `Turn ${turn}: tell me more about the little girl, the dog and the big red ball in the park.`,
      });
      const result = await runtime.generate({
        messages,
        params: { max_tokens: 40, temperature: 0 },
        sessionKey: 'long',
      });
      expect(['stop', 'length']).toContain(result.stats.finish_reason);
      expect(result.stats.prompt_tokens).toBeLessThanOrEqual(256);
      messages.push({ role: 'assistant', content: result.text });
    }
    // Far past 256 tokens in total by now; a fresh session with the same long history still answers.
    const fresh = await runtime.generate({
      messages: [...messages, { role: 'user', content: 'The end?' }],
      params: { max_tokens: 20 },
      sessionKey: 'new',
    });
    expect(fresh.text.length).toBeGreaterThan(0);
  });

  it('answers even when a single message is longer than the context', async () => {
    const long = 'The cat sat on the mat and looked at the bird. '.repeat(60);
    const result = await runtime.generate({ messages: [{ role: 'user', content: long }], params: { max_tokens: 10 } });
    expect(['stop', 'length']).toContain(result.stats.finish_reason);
  });
});

describe('switching models', () => {
  let dir: string;
  let runtime: LlmRuntime;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'llm-switch-'));
    await symlink(MODEL_PATH, path.join(dir, 'alpha.gguf'));
    await symlink(MODEL_PATH, path.join(dir, 'beta.gguf'));
    runtime = createLlmRuntime({ modelsDir: dir, threads: 1, sequences: 2, switchGraceMs: 300, cacheTtlS: 0, env: {} });
    await runtime.start();
    await runtime.whenLoaded();
  });
  afterAll(async () => {
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts on the first model and switches while a generation runs', async () => {
    expect(runtime.status().model_id).toBe('alpha');
    let pieces = 0;
    let switching: Promise<unknown> | undefined;
    const running = runtime.generate({
      messages: [{ role: 'user', content: 'Once upon a time' }],
      // Long enough to outlive the grace period unless the model ends the story first.
      params: { max_tokens: 20_000, temperature: 1, seed: 7 },
      onToken: () => {
        if (++pieces === 3) switching = runtime.setActiveModel('beta');
      },
    });
    const result = await running;
    expect(result.modelId).toBe('alpha');
    expect(['stop', 'abort', 'length']).toContain(result.stats.finish_reason);
    const active = await switching;
    expect(active).toMatchObject({ id: 'beta', active: true });
    expect(runtime.status()).toMatchObject({ state: 'ready', model_id: 'beta' });
    const models = await runtime.listModels();
    expect(models.filter((m) => m.active).map((m) => m.id)).toEqual(['beta']);
    const after = await runtime.generate({ messages: [{ role: 'user', content: 'Hi' }], params: { max_tokens: 5 } });
    expect(after.modelId).toBe('beta');
  });
});
