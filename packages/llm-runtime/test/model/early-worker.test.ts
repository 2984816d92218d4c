import { afterAll, describe, expect, it } from 'vitest';
import { createLlmRuntime, type LlmRuntime, type LlmRuntimeOptions } from '../../src/index.js';
import { startWorkerEarly, takeEarlyWorker } from '../../src/worker-provider/early-worker.js';
import { resolveRuntimeOptions } from '../../src/config/index.js';
import { localProviderOptions } from '../../src/runtime/local-provider-options.js';
import { MODELS_DIR } from './helpers.js';

const options: LlmRuntimeOptions = { modelsDir: MODELS_DIR, threads: 1, sequences: 1, env: {}, worker: true };
let runtime: LlmRuntime | undefined;
afterAll(async () => {
  await runtime?.close();
});

describe('the worker thread started at spawn', () => {
  it('is not handed to a provider with other options', () => {
    startWorkerEarly(options);
    startWorkerEarly(options); // a second call keeps the first worker
    expect(takeEarlyWorker(localProviderOptions(resolveRuntimeOptions({ ...options, threads: 2 })), 4, 5000)).toBe(
      undefined,
    );
  });

  it('is adopted by the runtime created with the same options, which loads and generates through it', async () => {
    startWorkerEarly(options);
    runtime = createLlmRuntime(options);
    // Adopted: none is left for another taker.
    expect(takeEarlyWorker(localProviderOptions(resolveRuntimeOptions(options)), 4, 5000)).toBeUndefined();
    await runtime.start();
    await runtime.whenLoaded();
    expect(runtime.status().state).toBe('ready');
    const result = await runtime.generate({
      messages: [{ role: 'user', content: 'Once upon a time' }],
      params: { max_tokens: 8 },
    });
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('is not started once a provider was created without it (it would never be adopted)', () => {
    // The runtime above took the early worker; this take finds none, as a runtime created before the start would.
    expect(takeEarlyWorker(localProviderOptions(resolveRuntimeOptions(options)), 4, 5000)).toBeUndefined();
    startWorkerEarly(options);
    expect(takeEarlyWorker(localProviderOptions(resolveRuntimeOptions(options)), 4, 5000)).toBeUndefined();
  });
});
