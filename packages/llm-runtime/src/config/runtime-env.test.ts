import { describe, expect, it } from 'vitest';
import { InvalidOptionError, resolveRuntimeOptions, runtimeOptionsFromEnv } from './index.js';

describe('runtimeOptionsFromEnv', () => {
  it('sets only what the variables set, validated', () => {
    expect(runtimeOptionsFromEnv({})).toEqual({});
    expect(runtimeOptionsFromEnv({ MODELS_DIR: ' /m ', LLAMA_THREADS: '2', LLAMA_GPU: 'off', CHAT_MODEL: '' })).toEqual(
      {
        modelsDir: '/m',
        threads: 2,
        gpu: false,
      },
    );
    expect(runtimeOptionsFromEnv({ LLM_UPSTREAMS: 'a=http://h:1/v1/', LLAMA_PRELOAD_NEXT_TURN: 'off' })).toEqual({
      upstreams: [{ name: 'a', baseUrl: 'http://h:1/v1' }],
      preloadNextTurn: false,
    });
    expect(() => runtimeOptionsFromEnv({ LLAMA_SEQUENCES: '0' })).toThrow(InvalidOptionError);
    // Like every package error, it carries protocol's code.
    expect(() => runtimeOptionsFromEnv({ LLAMA_SEQUENCES: 'x' })).toThrow(
      expect.objectContaining({ code: 'validation_error' }),
    );
    expect(() => runtimeOptionsFromEnv({ LLAMA_CONTEXT_SHIFT: '2' })).toThrow(/LLAMA_CONTEXT_SHIFT must be a number/);
  });

  it('is the only way variables reach the runtime: process.env is never read', () => {
    const saved = process.env.LLAMA_THREADS;
    process.env.LLAMA_THREADS = '7';
    try {
      expect(resolveRuntimeOptions({}).threads).toBeUndefined();
      expect(resolveRuntimeOptions({ ...runtimeOptionsFromEnv(process.env) }).threads).toBe(7);
    } finally {
      if (saved === undefined) delete process.env.LLAMA_THREADS;
      else process.env.LLAMA_THREADS = saved;
    }
  });
});
