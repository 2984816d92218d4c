import { describe, expect, it } from 'vitest';
import { defaultFlashAttention, defaultSequences, defaultThreads } from './default-threads.js';
import { InvalidOptionError, resolveRuntimeOptions } from './resolve-options.js';

describe('defaultThreads', () => {
  it('uses one thread for tiny models whatever the core count', () => {
    expect(defaultThreads(1_185_376, 2)).toBe(1);
    expect(defaultThreads(1_185_376, 64)).toBe(1);
  });
  it('uses the cores, capped at 8, for real models', () => {
    expect(defaultThreads(4e9, 2)).toBe(2);
    expect(defaultThreads(4e9, 32)).toBe(8);
  });
  it('uses the cores from a lower size with a local (OpenMP) build', () => {
    expect(defaultThreads(130e6, 2)).toBe(1);
    expect(defaultThreads(130e6, 2, true)).toBe(2);
    expect(defaultThreads(1_185_376, 2, true)).toBe(1);
  });
  it('sizes sequences by model size', () => {
    expect(defaultSequences(1_185_376)).toBe(4);
    expect(defaultSequences(4e9)).toBe(2);
    expect(defaultSequences(20e9)).toBe(1);
  });
  it('turns flash attention off for tiny models only', () => {
    expect(defaultFlashAttention(1_185_376)).toBe(false);
    expect(defaultFlashAttention(4e9)).toBe('auto');
  });
});

describe('resolveRuntimeOptions', () => {
  it('prefers options, then env, then defaults', () => {
    const fromEnv = resolveRuntimeOptions({
      env: { MODELS_DIR: '/m', LLAMA_THREADS: '3', CHAT_CACHE_TTL: '0', LLAMA_GPU: 'off' },
    });
    expect(fromEnv).toMatchObject({
      modelsDir: '/m',
      threads: 3,
      cacheTtlS: 0,
      gpu: false,
      queueLimit: 8,
      queueTimeoutMs: 60_000,
    });
    expect(fromEnv.sequences).toBeUndefined();
    expect(resolveRuntimeOptions({ threads: 2, env: { LLAMA_THREADS: '3' } }).threads).toBe(2);
    expect(resolveRuntimeOptions({ env: {} })).toMatchObject({
      modelsDir: 'models',
      cacheTtlS: 300,
      cacheMaxEntries: 500,
      gpu: 'auto',
    });
  });
  it('rejects a malformed number', () => {
    expect(() => resolveRuntimeOptions({ env: { LLAMA_THREADS: 'many' } })).toThrow(InvalidOptionError);
    expect(() => resolveRuntimeOptions({ env: { LLAMA_QUEUE_LIMIT: '-1' } })).toThrow(/LLAMA_QUEUE_LIMIT/);
  });
  it('reads flash attention and the context shift share', () => {
    expect(resolveRuntimeOptions({ env: {} })).toMatchObject({ flashAttention: undefined, contextShiftFraction: 0.5 });
    expect(resolveRuntimeOptions({ env: { LLAMA_FLASH_ATTENTION: 'ON', LLAMA_CONTEXT_SHIFT: '0.25' } })).toMatchObject({
      flashAttention: true,
      contextShiftFraction: 0.25,
    });
    expect(resolveRuntimeOptions({ env: { LLAMA_FLASH_ATTENTION: 'off' } }).flashAttention).toBe(false);
    expect(
      resolveRuntimeOptions({
        flashAttention: 'auto',
        contextShiftFraction: 0.3,
        env: { LLAMA_FLASH_ATTENTION: 'off', LLAMA_CONTEXT_SHIFT: '0.25' },
      }),
    ).toMatchObject({ flashAttention: 'auto', contextShiftFraction: 0.3 });
    expect(() => resolveRuntimeOptions({ env: { LLAMA_FLASH_ATTENTION: 'maybe' } })).toThrow(/LLAMA_FLASH_ATTENTION/);
    expect(() => resolveRuntimeOptions({ env: { LLAMA_CONTEXT_SHIFT: 'half' } })).toThrow(/LLAMA_CONTEXT_SHIFT/);
    expect(() => resolveRuntimeOptions({ contextShiftFraction: 1, env: {} })).toThrow(/contextShiftFraction/);
  });
  it('preloads the next turn unless told not to', () => {
    expect(resolveRuntimeOptions({ env: {} }).preloadNextTurn).toBe(true);
    expect(resolveRuntimeOptions({ env: { LLAMA_PRELOAD_NEXT_TURN: 'off' } }).preloadNextTurn).toBe(false);
    expect(
      resolveRuntimeOptions({ preloadNextTurn: true, env: { LLAMA_PRELOAD_NEXT_TURN: '0' } }).preloadNextTurn,
    ).toBe(true);
    expect(() => resolveRuntimeOptions({ env: { LLAMA_PRELOAD_NEXT_TURN: 'later' } })).toThrow(
      /LLAMA_PRELOAD_NEXT_TURN must be on or off/,
    );
    expect(() => resolveRuntimeOptions({ env: { LLAMA_FLASH_ATTENTION: 'later' } })).toThrow(/must be on, off or auto/);
  });
});
