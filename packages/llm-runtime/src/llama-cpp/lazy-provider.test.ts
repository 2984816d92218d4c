import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLlamaCppProvider } from './lazy-provider.js';

const MODELS_DIR = process.env.TEST_MODELS_DIR ?? '/work/shared/models';

describe('the in-process provider before its first use', () => {
  it.runIf(existsSync(path.join(MODELS_DIR, 'stories260K.gguf')))(
    'lists models from their headers, reports no model and closes without having loaded llama.cpp',
    async () => {
      const provider = createLlamaCppProvider({ modelsDir: MODELS_DIR, embeddingModelId: 'embedder' });
      const models = await provider.listModels();
      expect(models.find((m) => m.id === 'stories260K')).toMatchObject({ architecture: 'llama', status: 'available' });
      expect(models.every((m) => !('path' in m))).toBe(true);
      expect(provider.status()).toMatchObject({ state: 'no_model', model_id: null, sequences_total: 0 });
      expect(provider.preload?.({ messages: [{ role: 'user', content: 'hi' }], sessionKey: 's' })).toBe('skipped');
      expect(provider.countTokens?.('hello')).toBeNull();
      expect(provider.contextSize?.()).toBeNull();
      expect(provider.embeddingStatus()).toEqual({
        model_id: 'embedder',
        state: 'idle',
        reason: null,
        dimensions: null,
      });
      await provider.unload();
      await provider.close();
    },
  );
});
