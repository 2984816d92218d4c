import { getLlama, LlamaLogLevel, readGgufFileInfo, type Llama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateCpuRam, fitSequences, RAM_USE_RATIO } from '../../src/llama-cpp/memory-check.js';
import { MODEL_PATH } from './helpers.js';

describe('sizing the default sequences to free memory', () => {
  let llama: Llama;
  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  });
  afterAll(() => llama.dispose());

  it('keeps the most sequences whose KV caches fit, down to one', async () => {
    const info = await readGgufFileInfo(MODEL_PATH, { logWarnings: false });
    const estimate = (sequences: number) => estimateCpuRam(llama, info, { contextSize: 2048, sequences });
    const [one, two, four] = [await estimate(1), await estimate(2), await estimate(4)];
    // node-llama-cpp's estimate grows with every sequence's KV cache.
    expect(two).toBeGreaterThan(one);
    expect(four).toBeGreaterThan(two);
    const freeFor = (bytes: number) => Math.ceil(bytes / RAM_USE_RATIO);
    expect(await fitSequences(4, estimate, freeFor(four))).toBe(4);
    expect(await fitSequences(4, estimate, freeFor(four) - 1)).toBe(2);
    expect(await fitSequences(4, estimate, freeFor(two) - 1)).toBe(1);
    expect(await fitSequences(4, estimate, 0)).toBe(1);
    expect(await fitSequences(2, estimate, freeFor(four))).toBe(2);
  });
});
