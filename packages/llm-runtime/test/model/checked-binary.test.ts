import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LlamaChatSession, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import { afterAll, describe, expect, it } from 'vitest';
import { createLlama, llamaLogger } from '../../src/llama-cpp/lifecycle/create-llama.js';
import { binaryCandidate, loadCheckedBinary, loadedAddons } from '../../src/llama-cpp/lifecycle/checked-binary.js';
import { MODEL_PATH } from './helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'binary-check-'));
const checkFile = path.join(dir, 'nested', 'llama-binary-check.json');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Loads the real test model on `llama` and generates a few tokens: the binary works, not just loads. */
async function generates(llama: Llama): Promise<string> {
  const model = await llama.loadModel({ modelPath: MODEL_PATH });
  const context = await model.createContext({ contextSize: 256, threads: 1 });
  try {
    const session = new LlamaChatSession({ contextSequence: context.getSequence() });
    return await session.prompt('Once upon a time', { maxTokens: 8, temperature: 0 });
  } finally {
    await context.dispose();
    await model.dispose();
  }
}

// node-llama-cpp tests prebuilt binaries in a child process only on Linux; only there is anything remembered.
describe.runIf(process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64'))(
  'a remembered llama.cpp binary check',
  () => {
    it('is written after node-llama-cpp checked and loaded the prebuilt CPU binary', async () => {
      expect(await loadCheckedBinary(checkFile, false, LlamaLogLevel.error, llamaLogger)).toBeUndefined();
      const llama = await createLlama(false, 'error', checkFile);
      expect([llama.buildType, llama.gpu]).toEqual(['prebuilt', false]);
      const candidate = binaryCandidate(false);
      expect(candidate).toBeDefined();
      expect(loadedAddons()).toEqual([candidate?.bindingPath]);
      const record = JSON.parse(readFileSync(checkFile, 'utf8')) as { key: string; bindingPath: string };
      expect(record).toMatchObject({ key: candidate?.key, bindingPath: candidate?.bindingPath });
      expect((await generates(llama)).length).toBeGreaterThan(0);
    });

    it('then loads that binary directly, and it runs the real model as getLlama’s does', async () => {
      const llama = await loadCheckedBinary(checkFile, false, LlamaLogLevel.error, llamaLogger);
      expect(llama).toBeDefined();
      expect([llama?.buildType, llama?.gpu]).toEqual(['prebuilt', false]);
      const viaCheck = await createLlama(false, 'error');
      expect(await generates(llama as Llama)).toBe(await generates(viaCheck));
    });

    it('is not used for another key or an unreadable file', async () => {
      // Without a GPU package (as here) 'auto' can only load the CPU binary; with one it has no candidate at all.
      expect(binaryCandidate('auto')?.key).toBe(binaryCandidate(false)?.key);
      writeFileSync(checkFile, JSON.stringify({ key: 'another machine' }));
      expect(await loadCheckedBinary(checkFile, false, LlamaLogLevel.error, llamaLogger)).toBeUndefined();
      writeFileSync(checkFile, '{ not json');
      expect(await loadCheckedBinary(checkFile, false, LlamaLogLevel.error, llamaLogger)).toBeUndefined();
      // createLlama checks again and remembers anew.
      const llama = await createLlama(false, 'error', checkFile);
      expect(llama.gpu).toBe(false);
      expect(JSON.parse(readFileSync(checkFile, 'utf8'))).toMatchObject({ key: binaryCandidate(false)?.key });
    });
  },
);
