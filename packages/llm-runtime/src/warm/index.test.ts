import type { Llama } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { createLlama } from '../llama-cpp/lifecycle/create-llama.js';
import { putWarmLlama } from './warm-cache.js';
import { takeWarmLlama, warmLlama } from './index.js';

describe('warmLlama', () => {
  it('hands the Llama begun ahead of time to the first createLlama with the same options, once', async () => {
    warmLlama(false, 'error');
    const warmed = takeWarmLlama(false, 'error');
    expect(warmed).toBeDefined();
    // Put back what was taken to look at it: createLlama must return that very instance.
    putWarmLlama(false, 'error', warmed!);
    const first = await createLlama(false, 'error');
    expect(first).toBe(await warmed);
    expect(first.gpu).toBe(false);
    expect(takeWarmLlama(false, 'error')).toBeUndefined();
    // Other options are not served from the cache.
    warmLlama(false, 'error');
    expect(takeWarmLlama('auto', 'error')).toBeUndefined();
    expect(takeWarmLlama(false, 'warn')).toBeUndefined();
    await takeWarmLlama(false, 'error');
  });

  it('falls back to a Llama of its own when the one begun ahead of time failed', async () => {
    putWarmLlama(false, 'error', Promise.reject(new Error('binary test failed')) as Promise<Llama>);
    const llama = await createLlama(false, 'error');
    expect(llama.gpu).toBe(false);
    expect(typeof llama.loadModel).toBe('function');
  });
});
