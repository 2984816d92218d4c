import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { takeWarmLlama } from '@chat-studio/llm-runtime/warm';
import { startApiServer, tempDir, testModelsDir, type ApiServer } from '@chat-studio/test-support';
import { loadConfig } from '../config/index.js';
import { warmRuntime } from './warm-runtime.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('warmRuntime', () => {
  it('starts nothing when the models folder holds no GGUF file (upstreams only, or no models yet)', async () => {
    const tmp = tempDir('cs-warm-');
    cleanups.push(tmp.cleanup);
    mkdirSync(path.join(tmp.dir, 'models'));
    writeFileSync(path.join(tmp.dir, 'models', 'README.md'), 'no models here');
    for (const modelsDir of [path.join(tmp.dir, 'models'), path.join(tmp.dir, 'missing')]) {
      await warmRuntime(loadConfig({ MODELS_DIR: modelsDir }));
      expect(takeWarmLlama('auto', 'warn')).toBeUndefined();
    }
  });

  it('starts nothing on the main thread when llama.cpp runs in its worker thread (the default)', async () => {
    await warmRuntime(loadConfig({ MODELS_DIR: testModelsDir(), LLAMA_GPU: 'off' }));
    expect(takeWarmLlama(false, 'warn')).toBeUndefined();
  });

  it('begins the Llama the in-process runtime will ask for when a GGUF file is there', async () => {
    const config = loadConfig({ MODELS_DIR: testModelsDir(), LLAMA_GPU: 'off', LLAMA_WORKER: 'off' });
    await warmRuntime(config);
    const warmed = takeWarmLlama(false, 'warn');
    expect(warmed).toBeDefined();
    expect((await warmed!).gpu).toBe(false);
  });

  it('serves the model through the built server, whose bindings were begun at spawn', async () => {
    const tmp = tempDir('cs-warm-server-');
    cleanups.push(tmp.cleanup);
    const server: ApiServer = await startApiServer(
      { DATABASE_PATH: path.join(tmp.dir, 'chat.db'), MODELS_DIR: testModelsDir() },
      { waitForModel: true, timeoutMs: 120_000 },
    );
    cleanups.push(() => server.stop());
    const res = await fetch(`${server.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'stories260K',
        messages: [{ role: 'user', content: 'Once upon a time' }],
        max_tokens: 8,
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content.length).toBeGreaterThan(0);
  });

  it('remembers the passed binary check, and a server started after it loads the model without the check', async () => {
    const checkFile = loadConfig({}).runtime.binaryCheckFile!;
    // The check is remembered only where node-llama-cpp runs it: Linux prebuilt binaries.
    const remembered = process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64');
    rmSync(checkFile, { force: true });
    for (const round of ['checked', 'remembered']) {
      const tmp = tempDir('cs-warm-check-');
      cleanups.push(tmp.cleanup);
      const server: ApiServer = await startApiServer(
        { DATABASE_PATH: path.join(tmp.dir, 'chat.db'), MODELS_DIR: testModelsDir(), LLAMA_GPU: 'off' },
        { waitForModel: true, timeoutMs: 120_000 },
      );
      cleanups.push(() => server.stop());
      const res = await fetch(`${server.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'stories260K', messages: [{ role: 'user', content: 'Once' }], max_tokens: 4 }),
      });
      expect(res.status, `${round}: ${await res.clone().text()}`).toBe(200);
      expect(existsSync(checkFile), round).toBe(remembered);
      await server.stop();
    }
  });
});
