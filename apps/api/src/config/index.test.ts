import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, REPO_ROOT } from './index.js';

describe('loadConfig: the model runtime options', () => {
  it("parses the runtime's variables once, beside MODELS_DIR", () => {
    const config = loadConfig({ MODELS_DIR: '/srv/models', LLAMA_THREADS: '2', CHAT_MODEL: 'tiny', LLAMA_GPU: 'off' });
    expect(config.runtime).toEqual({
      modelsDir: '/srv/models',
      threads: 2,
      modelId: 'tiny',
      gpu: false,
      binaryCheckFile: path.join(REPO_ROOT, 'node_modules', '.cache', 'chat-studio', 'llama-binary-check.json'),
    });
  });

  it('refuses a bad value at start, naming the variable', () => {
    expect(() => loadConfig({ LLAMA_SEQUENCES: 'lots' })).toThrow(/LLAMA_SEQUENCES must be an integer/);
  });
});

describe('loadConfig: attachment limits', () => {
  it('defaults to 20 MiB per file, 500 MiB per user and the document family', () => {
    const { attachments } = loadConfig({});
    expect(attachments.maxFileBytes).toBe(20 * 1024 * 1024);
    expect(attachments.quotaBytes).toBe(500 * 1024 * 1024);
    expect(attachments.types).toContain('application/pdf');
    expect(attachments.types).toContain('.docx');
  });

  it('reads ATTACHMENT_MAX_BYTES, ATTACHMENT_QUOTA_BYTES and ATTACHMENT_TYPES', () => {
    const { attachments } = loadConfig({
      ATTACHMENT_MAX_BYTES: '1000',
      ATTACHMENT_QUOTA_BYTES: '5000',
      ATTACHMENT_TYPES: 'text/*, .LOG',
    });
    expect(attachments).toEqual({ maxFileBytes: 1000, quotaBytes: 5000, types: ['text/*', '.log'] });
  });

  it('refuses bad values at start, naming the variable', () => {
    expect(() => loadConfig({ ATTACHMENT_MAX_BYTES: '20MB' })).toThrow(/ATTACHMENT_MAX_BYTES/);
    expect(() => loadConfig({ ATTACHMENT_QUOTA_BYTES: '0' })).toThrow(/ATTACHMENT_QUOTA_BYTES/);
    expect(() => loadConfig({ ATTACHMENT_TYPES: 'pdf' })).toThrow(/ATTACHMENT_TYPES/);
  });
});
