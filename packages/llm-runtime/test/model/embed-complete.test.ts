import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, testModelsDir } from '@chat-studio/test-support';
import { createLlmRuntime, InputTooLongError, ModelNotFoundError, type LlmRuntime } from '../../src/index.js';
import { MODEL_ID } from './helpers.js';

const EMBEDDER_ID = 'embedder';
const MODEL_PATH = path.join(testModelsDir(), `${MODEL_ID}.gguf`);
const tmp = tempDir();
let runtime: LlmRuntime;

beforeAll(async () => {
  // The same GGUF under a second name: a dedicated embedding model loaded beside the chat model, without a copy.
  const dir = path.join(tmp.dir, 'models');
  mkdirSync(dir);
  symlinkSync(MODEL_PATH, path.join(dir, `${MODEL_ID}.gguf`));
  symlinkSync(MODEL_PATH, path.join(dir, `${EMBEDDER_ID}.gguf`));
  runtime = createLlmRuntime({ modelsDir: dir, modelId: MODEL_ID, embeddingModelId: EMBEDDER_ID, threads: 1, sequences: 2, cacheTtlS: 0, env: {} });
  await runtime.start();
  await runtime.whenLoaded();
});
afterAll(async () => {
  await runtime?.close();
  tmp.cleanup();
});

const norm = (v: number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));

describe('embeddings', () => {
  it('the active model gives unit vectors of its dimension, equal for equal input', async () => {
    const result = await runtime.embed({ model: MODEL_ID, input: ['Once upon a time', 'A dog', 'Once upon a time'] });
    expect(result.modelId).toBe(MODEL_ID);
    expect(result.vectors).toHaveLength(3);
    for (const vector of result.vectors) {
      expect(vector).toHaveLength(64);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
    expect(result.vectors[2]).toEqual(result.vectors[0]);
    expect(result.vectors[1]).not.toEqual(result.vectors[0]);
    expect(result.promptTokens).toBeGreaterThan(3);
  });

  it('the dedicated model loads beside the chat model and embeds like it (same file)', async () => {
    const own = await runtime.embed({ model: EMBEDDER_ID, input: ['Once upon a time'] });
    const active = await runtime.embed({ model: MODEL_ID, input: ['Once upon a time'] });
    expect(own.modelId).toBe(EMBEDDER_ID);
    expect(own.vectors[0]).toEqual(active.vectors[0]);
    expect(runtime.embeddingStatus()).toMatchObject({ model_id: EMBEDDER_ID, state: 'ready', dimensions: 64 });
    expect(runtime.status().model_id).toBe(MODEL_ID);
  });

  it('another model is ModelNotFoundError; too long input is refused, or cut with truncate', async () => {
    await expect(runtime.embed({ model: 'nope', input: ['x'] })).rejects.toBeInstanceOf(ModelNotFoundError);
    const long = 'the cat sat on the mat and '.repeat(400);
    await expect(runtime.embed({ model: MODEL_ID, input: [long] })).rejects.toBeInstanceOf(InputTooLongError);
    const cut = await runtime.embed({ model: MODEL_ID, input: [long], truncate: true });
    expect(cut.promptTokens).toBeGreaterThan(2000);
    expect(cut.promptTokens).toBeLessThan(2048);
    const tokens = await runtime.embed({ model: MODEL_ID, input: ['A dog'] });
    expect(tokens.vectors[0]).toHaveLength(64);
  }, 120_000);
});

describe('plain completion', () => {
  it('continues the prompt, stops at a stop sequence and reports usage', async () => {
    const pieces: string[] = [];
    const result = await runtime.complete({
      prompt: 'Once upon a time',
      params: { max_tokens: 40, temperature: 0, stop: ['.'] },
      onToken: (text) => pieces.push(text),
    });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.text).not.toContain('.');
    expect(pieces.join('')).toBe(result.text);
    expect(result.stats.finish_reason).toBe('stop');
    expect(result.stats.prompt_tokens).toBeGreaterThan(2);
    expect(result.stats.completion_tokens).toBeGreaterThan(0);
  });

  it('ends with length at max_tokens, and a fixed seed repeats', async () => {
    const ask = () => runtime.complete({ prompt: 'Lily had a', params: { max_tokens: 12, temperature: 1, seed: 7 } });
    const a = await ask();
    const b = await ask();
    expect(a.stats.finish_reason).toBe('length');
    expect(a.stats.completion_tokens).toBe(12);
    expect(b.text).toBe(a.text);
  });
});
