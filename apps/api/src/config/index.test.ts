import { describe, expect, it } from 'vitest';
import { loadConfig } from './index.js';

describe('loadConfig: the model runtime options', () => {
  it("parses the runtime's variables once, beside MODELS_DIR", () => {
    const config = loadConfig({ MODELS_DIR: '/srv/models', LLAMA_THREADS: '2', CHAT_MODEL: 'tiny', LLAMA_GPU: 'off' });
    expect(config.runtime).toEqual({ modelsDir: '/srv/models', threads: 2, modelId: 'tiny', gpu: false });
  });

  it('refuses a bad value at start, naming the variable', () => {
    expect(() => loadConfig({ LLAMA_SEQUENCES: 'lots' })).toThrow(/LLAMA_SEQUENCES must be an integer/);
  });
});
