import { describe, expect, it } from 'vitest';
import { displayModelsDir } from './create-llm-runtime.js';

describe('displayModelsDir', () => {
  it('names a folder inside the working directory relatively and hides paths outside it', () => {
    expect(displayModelsDir('/srv/chat/models', '/srv/chat')).toBe('models');
    expect(displayModelsDir('/srv/chat', '/srv/chat')).toBe('.');
    expect(displayModelsDir('/tmp/x7f3/models', '/srv/chat')).toBe('MODELS_DIR (…/models)');
  });
});
