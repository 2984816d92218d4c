/**
 * The in-process llama.cpp provider behind a door: node-llama-cpp (≈220 modules, ≈40 MB of RSS) is imported when a
 * model is first loaded or used, not when the runtime's entry is imported. With the provider in its worker thread
 * (the default) the main thread never imports it at all (issue #18: start-up and idle memory).
 */
import { errorReason, ModelLoadError } from '../errors/index.js';
import type { LlmProvider, TextProvider } from '../provider/index.js';
import { LLAMA_CPP_PROVIDER_ID, scanModels } from '../registry/index.js';
import { describeProviderStatus } from './lifecycle/provider-status.js';
import type { LoadFailure } from './lifecycle/model-lifecycle.js';
import type { LlamaCppProviderOptions } from './llama-cpp-provider.js';

export { DEFAULT_MAX_CONTEXT, DEFAULT_TEMPERATURE } from './defaults.js';
export type { LlamaCppProviderOptions } from './llama-cpp-provider.js';

type Provider = LlmProvider & TextProvider;

/**
 * The in-process llama.cpp provider: loads one GGUF model with one context of N sequences and
 * generates with sticky per-session sequences so follow-up turns reuse the KV cache. Its implementation (and
 * node-llama-cpp) is imported on the first load, embed or generation; until then it lists models from their GGUF
 * headers and reports itself idle.
 *
 * @example
 * const provider = createLlamaCppProvider({ modelsDir: './models', threads: 1 });
 * await provider.load('stories260K');
 * const result = await provider.generate({ messages: [{ role: 'user', content: 'Hi' }] });
 */
export function createLlamaCppProvider(options: LlamaCppProviderOptions): Provider {
  let impl: Provider | null = null;
  let importing: Promise<Provider> | null = null;
  let pendingLoad: string | null = null;
  let importFailure: LoadFailure | null = null;
  const real = (): Promise<Provider> => {
    importing ??= import('./llama-cpp-provider.js').then((module) => {
      impl = module.createLlamaCppProvider(options);
      return impl;
    });
    return importing;
  };
  return {
    id: LLAMA_CPP_PROVIDER_ID,
    type: 'llama-cpp',
    name: 'llama.cpp (local GGUF)',
    listModels: async () => (await scanModels(options.modelsDir)).map(({ path: _path, ...model }) => model),
    async load(modelId, loadOptions) {
      pendingLoad = modelId;
      importFailure = null;
      let provider: Provider;
      try {
        provider = await real();
      } catch (error) {
        // node-llama-cpp itself failed to import: the load fails as any load does, with the reason in status().
        importing = null;
        importFailure = { modelId, reason: `llama.cpp could not be loaded: ${errorReason(error)}` };
        throw new ModelLoadError(modelId, importFailure.reason, { cause: error });
      } finally {
        pendingLoad = null;
      }
      return provider.load(modelId, loadOptions);
    },
    generate: async (request, timing) => (await real()).generate(request, timing),
    complete: async (request, timing) => (await real()).complete(request, timing),
    embed: async (request) => (await real()).embed(request),
    loadEmbeddingModel: async () => (await real()).loadEmbeddingModel(),
    preload: (request) => impl?.preload?.(request) ?? 'skipped',
    countTokens: (text) => impl?.countTokens?.(text) ?? null,
    contextSize: () => impl?.contextSize?.() ?? null,
    status: () =>
      impl?.status() ??
      describeProviderStatus({
        loading: pendingLoad === null ? null : { modelId: pendingLoad, progress: 0 },
        ready: null,
        failure: importFailure,
      }),
    embeddingStatus: () =>
      impl?.embeddingStatus() ??
      (options.embeddingModelId
        ? { model_id: options.embeddingModelId, state: 'idle', reason: null, dimensions: null }
        : null),
    unload: async () => impl?.unload(),
    async close() {
      const pending = importing;
      importing = null;
      if (pending) await (await pending.catch(() => null))?.close();
    },
  };
}
