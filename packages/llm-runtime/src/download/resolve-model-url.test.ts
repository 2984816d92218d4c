import { describe, expect, it } from 'vitest';
import { ModelDownloadError } from '../errors/index.js';
import { resolveModelUrl } from './pull-model.js';

describe('resolveModelUrl', () => {
  it('maps hf: sources to resolve/main URLs on the chosen endpoint', () => {
    expect(resolveModelUrl('hf:ggml-org/models/tinyllamas/stories260K.gguf')).toEqual({
      url: 'https://huggingface.co/ggml-org/models/resolve/main/tinyllamas/stories260K.gguf',
      fileName: 'stories260K.gguf',
    });
    expect(resolveModelUrl('hf:u/r/m.gguf', 'http://127.0.0.1:9/').url).toBe(
      'http://127.0.0.1:9/u/r/resolve/main/m.gguf',
    );
  });
  it('passes URLs through and rejects what is not a gguf', () => {
    expect(resolveModelUrl('https://example.com/a/b.gguf?download=1').fileName).toBe('b.gguf');
    expect(() => resolveModelUrl('hf:u/r')).toThrow(ModelDownloadError);
    expect(() => resolveModelUrl('ftp://x/y.gguf')).toThrow(ModelDownloadError);
    expect(() => resolveModelUrl('https://example.com/readme.md')).toThrow(/does not name a .gguf/);
  });
});
