import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ChatUnavailableError,
  createLlmRuntime,
  ModelLoadError,
  ModelNotFoundError,
  type LlmRuntime,
} from '../../src/index.js';
import { MODEL_PATH } from './helpers.js';
import { displayModelsDir } from '../../src/runtime/create-llm-runtime.js';

let dir: string;
let runtime: LlmRuntime | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'llm-avail-'));
});
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await rm(dir, { recursive: true, force: true });
});

const hello = { messages: [{ role: 'user' as const, content: 'Hello' }], params: { max_tokens: 4 } };

describe('availability', () => {
  it('says so when the models folder is empty', async () => {
    runtime = createLlmRuntime({ modelsDir: dir, threads: 1, env: {} });
    await runtime.start();
    await runtime.whenLoaded();
    expect(runtime.unavailableReason()).toBe(`no model found in ${displayModelsDir(dir)}: put a .gguf file there`);
    expect(runtime.unavailableReason()).not.toContain(dir);
    expect(runtime.status()).toMatchObject({ state: 'no_model', model_id: null });
    const error = await runtime.generate(hello).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatUnavailableError);
    expect((error as ChatUnavailableError).reason).toMatch(/no model found/);
    expect(await runtime.listModels()).toEqual([]);
  });

  it('lists a corrupt and a truncated .gguf as broken and refuses chat with the reason', async () => {
    await writeFile(path.join(dir, 'corrupt.gguf'), Buffer.from('GGUF but not really, just some random bytes here'));
    const model = await readFile(MODEL_PATH);
    await writeFile(path.join(dir, 'truncated.gguf'), model.subarray(0, 600_000));
    runtime = createLlmRuntime({ modelsDir: dir, threads: 1, env: {} });
    await runtime.start();
    const models = await runtime.listModels();
    expect(models.map((m) => [m.id, m.status])).toEqual([
      ['corrupt', 'broken'],
      ['truncated', 'broken'],
    ]);
    expect(models[1]!.error).toMatch(/truncated/);
    expect(runtime.unavailableReason()).toMatch(/^corrupt\.gguf is not a valid GGUF: /);
    expect(runtime.status()).toMatchObject({ state: 'error', model_id: 'corrupt' });
    await expect(runtime.generate(hello)).rejects.toBeInstanceOf(ChatUnavailableError);
    await expect(runtime.setActiveModel('truncated')).rejects.toBeInstanceOf(ModelLoadError);
    await expect(runtime.setActiveModel('missing')).rejects.toBeInstanceOf(ModelNotFoundError);
  });

  it('reports "still loading" before the model is ready', async () => {
    await symlink(MODEL_PATH, path.join(dir, 'story.gguf'));
    runtime = createLlmRuntime({ modelsDir: dir, threads: 1, env: {} });
    await runtime.start();
    expect(runtime.unavailableReason()).toMatch(/^model is still loading \(\d+%\)$/);
    expect(runtime.status().state).toBe('loading');
    await runtime.whenLoaded();
    expect(runtime.unavailableReason()).toBeNull();
    // Defaults for a tiny model: one thread (measured fastest), four sequences, training context.
    expect(runtime.status()).toMatchObject({ state: 'ready', threads: 1, sequences_total: 4 });
  });
});
