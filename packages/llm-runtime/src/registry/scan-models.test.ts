import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSizeLabel, scanModels } from './scan-models.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llm-registry-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('scanModels', () => {
  it('returns an empty list for a missing folder', async () => {
    expect(await scanModels(path.join(dir, 'nope'))).toEqual([]);
  });

  it('lists random bytes and a truncated header as broken, ignores other files', async () => {
    await writeFile(path.join(dir, 'noise.gguf'), Buffer.from('this is not a gguf file at all, just text'));
    // A valid magic and version followed by a header cut short.
    const truncated = Buffer.alloc(12);
    truncated.write('GGUF', 0, 'ascii');
    truncated.writeUInt32LE(3, 4);
    await writeFile(path.join(dir, 'cut.gguf'), truncated);
    await writeFile(path.join(dir, 'readme.txt'), 'hello');
    const models = await scanModels(dir);
    expect(models.map((m) => m.id)).toEqual(['cut', 'noise']);
    for (const model of models) {
      expect(model.status).toBe('broken');
      expect(model.error).toBeTruthy();
      expect(model.size_bytes).toBeGreaterThan(0);
      expect(model.provider).toBe('llama-cpp');
    }
  });
});

describe('parseSizeLabel', () => {
  it('reads GGUF size labels', () => {
    expect(parseSizeLabel('7B')).toBe(7e9);
    expect(parseSizeLabel('260K')).toBe(260_000);
    expect(parseSizeLabel('8x7B')).toBe(56e9);
    expect(parseSizeLabel('1.5B')).toBe(1.5e9);
    expect(parseSizeLabel('big')).toBeNull();
    expect(parseSizeLabel(undefined)).toBeNull();
  });
});
