import type { Llama } from 'node-llama-cpp';
import { DEFAULT_CONTEXT_SHIFT_FRACTION } from '../config/index.js';
import type { LlmProvider, TextProvider } from '../provider/index.js';
import { LLAMA_CPP_PROVIDER_ID, scanModels } from '../registry/index.js';
import type { LlamaLogLevelName } from './defaults.js';
import { createEmbedder } from './embedder.js';
import {
  createLlama,
  createModelLifecycle,
  retireLoadedModel,
  toModelLoadError,
  type LoadedModel,
} from './lifecycle/index.js';
import {
  completePrompt,
  describeStatus,
  generateReply,
  loadModel,
  stripPath,
  type ProviderContext,
  type ProviderSettings,
} from './operations/index.js';
import { preloadChat } from './preload/index.js';

export { DEFAULT_MAX_CONTEXT, DEFAULT_TEMPERATURE } from './defaults.js';

/** Options for {@link createLlamaCppProvider}. */
export interface LlamaCppProviderOptions {
  /** Folder with `.gguf` files. */
  modelsDir: string;
  /** CPU threads. Defaults to {@link defaultThreads} of the model size. */
  threads?: number;
  /**
   * Parallel sequences. Defaults to {@link defaultSequences} of the model size, halved while their KV caches would not
   * fit in free RAM (CPU only; a count given here is kept, and a model that cannot hold it fails to load).
   */
  sequences?: number;
  /** Context per sequence. Defaults to min(training context, 4096). */
  contextSize?: number;
  /** `'auto'` tries CUDA/Vulkan/Metal prebuilt binaries and falls back to CPU. Defaults to `'auto'`. */
  gpu?: 'auto' | false;
  /** Where a passed binary check is remembered (see `LlmRuntimeOptions.binaryCheckFile`). Unset: every start checks. */
  binaryCheckFile?: string;
  /** `max_tokens` when a request sets none. Defaults to 1024. */
  defaultMaxTokens?: number;
  /** How long in-flight generations on a replaced model may run before being aborted. Defaults to 10000 ms. */
  switchGraceMs?: number;
  /** Flash attention. Defaults to {@link defaultFlashAttention} of the model size (off for tiny models). */
  flashAttention?: 'auto' | boolean;
  /** Share of the context freed by one context shift. Defaults to 0.5 (see `LlmRuntimeOptions.contextShiftFraction`). */
  contextShiftFraction?: number;
  /**
   * After each reply, evaluate the tokens that open the session's next user turn while the slot is idle, so the next
   * turn evaluates only the new message. A request for another session takes the slot over after the 32-token chunk
   * under way.
   * Defaults to true.
   */
  preloadNextTurn?: boolean;
  /** llama.cpp log level (a name, or node-llama-cpp's `LlamaLogLevel`). Defaults to `warn`. */
  logLevel?: LlamaLogLevelName;
  /** A model id in `modelsDir` loaded beside the chat model for embeddings only (EMBEDDING_MODEL). Defaults to none. */
  embeddingModelId?: string;
}

/**
 * The in-process llama.cpp provider: loads one GGUF model with one context of N sequences and
 * generates with sticky per-session sequences so follow-up turns reuse the KV cache.
 *
 * @example
 * const provider = createLlamaCppProvider({ modelsDir: './models', threads: 1 });
 * await provider.load('stories260K');
 * const result = await provider.generate({ messages: [{ role: 'user', content: 'Hi' }] });
 */
export function createLlamaCppProvider(options: LlamaCppProviderOptions): LlmProvider & TextProvider {
  const settings = providerSettings(options);
  let llamaPromise: Promise<Llama> | null = null;
  const llama = (): Promise<Llama> => {
    llamaPromise ??= createLlama(options.gpu ?? 'auto', options.logLevel ?? 'warn', options.binaryCheckFile);
    return llamaPromise;
  };
  const embedder = createEmbedder({
    llama,
    modelsDir: options.modelsDir,
    ...(options.embeddingModelId !== undefined ? { embeddingModelId: options.embeddingModelId } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  });
  const lifecycle = createModelLifecycle<LoadedModel>({
    retire: (old) => retireLoadedModel(old, settings.switchGraceMs, (model) => embedder.release(model)),
    toLoadError: toModelLoadError,
  });
  const context: ProviderContext = { settings, lifecycle, llama, embedder };
  return {
    id: LLAMA_CPP_PROVIDER_ID,
    type: 'llama-cpp',
    name: 'llama.cpp (local GGUF)',
    listModels: async () => (await scanModels(options.modelsDir)).map(stripPath),
    load: (modelId, loadOptions) => loadModel(context, modelId, loadOptions),
    generate: (request, timing) => generateReply(context, request, timing),
    preload: (request) => {
      const current = lifecycle.current;
      return current ? preloadChat(current, request, settings.shiftFraction) : 'skipped';
    },
    countTokens: (text) => lifecycle.current?.llamaModel.tokenize(text, false).length ?? null,
    contextSize: () => lifecycle.current?.context.contextSize ?? null,
    status: () => describeStatus(lifecycle),
    complete: (request, timing) => completePrompt(context, request, timing),
    embed: (request) => {
      const current = lifecycle.current;
      return embedder.embed(request, current ? { id: current.model.id, model: current.llamaModel } : null);
    },
    loadEmbeddingModel: () => embedder.load(),
    embeddingStatus: () => embedder.status(),
    unload: () => lifecycle.unload(),
    async close() {
      await lifecycle.close((current) => current.retire.abort(new Error('runtime closed')));
      await embedder.close();
      const pending = llamaPromise;
      llamaPromise = null;
      if (pending) await (await pending.catch(() => null))?.dispose();
    },
  };
}

function providerSettings(options: LlamaCppProviderOptions): ProviderSettings {
  const { threads, sequences, contextSize, flashAttention } = options;
  return {
    modelsDir: options.modelsDir,
    defaultMaxTokens: options.defaultMaxTokens ?? 1024,
    switchGraceMs: options.switchGraceMs ?? 10_000,
    shiftFraction: options.contextShiftFraction ?? DEFAULT_CONTEXT_SHIFT_FRACTION,
    preloadNextTurn: options.preloadNextTurn ?? true,
    sizing: {
      ...(threads !== undefined ? { threads } : {}),
      ...(sequences !== undefined ? { sequences } : {}),
      ...(contextSize !== undefined ? { contextSize } : {}),
      ...(flashAttention !== undefined ? { flashAttention } : {}),
    },
  };
}
