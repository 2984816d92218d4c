import {
  InsufficientMemoryError as LlamaInsufficientMemoryError,
  readGgufFileInfo,
  resolveChatWrapper,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
} from 'node-llama-cpp';
import { defaultFlashAttention, defaultSequences, defaultThreads } from '../../config/index.js';
import { errorReason, ModelLoadError } from '../../errors/index.js';
import type { ScannedModel } from '../../registry/index.js';
import { assertFitsInMemory, estimateCpuRam, fitSequences, freeMemoryBytes } from '../memory-check.js';
import { createSequencePool } from '../sequence-pool.js';
import { emptySlotState, type StatefulPool } from '../slot/index.js';

import { DEFAULT_MAX_CONTEXT } from '../defaults.js';

export { DEFAULT_MAX_CONTEXT };

/** A model loaded with its context and the pool of its sequences. */
export interface LoadedModel {
  model: ScannedModel;
  llamaModel: LlamaModel;
  context: LlamaContext;
  pool: StatefulPool<LlamaContextSequence>;
  threads: number;
  /** Aborted when the model is replaced and the grace period ran out. */
  retire: AbortController;
  /** The chat wrapper turns render with, resolved once. */
  chatWrapper?: ChatWrapper;
  /** Generations, completions and preloads running on the model; retiring waits for them. */
  inFlight: Set<Promise<unknown>>;
}

/** Sizing asked for; what is undefined is derived from the model's size (see `config/default-threads.ts`). */
export interface OpenModelOptions {
  threads?: number;
  sequences?: number;
  contextSize?: number;
  flashAttention?: 'auto' | boolean;
  /** Load progress from 0 to 1. */
  report(progress: number): void;
  signal?: AbortSignal;
}

/**
 * Loads `model`'s weights and creates one context of N sequences. On CPU the default sequence count is halved
 * until the KV caches fit in free RAM; a count that was asked for is kept and fails here if it does not fit.
 */
export async function openLoadedModel(
  llama: Llama,
  model: ScannedModel,
  options: OpenModelOptions,
): Promise<LoadedModel> {
  const size = model.size_bytes ?? 0;
  // A local build (`pnpm llama:build`) gains from a second thread on far smaller models than the prebuilt binary.
  const threads = options.threads ?? defaultThreads(size, undefined, llama.buildType === 'localBuild');
  const contextSize = options.contextSize ?? Math.min(model.context_length ?? DEFAULT_MAX_CONTEXT, DEFAULT_MAX_CONTEXT);
  const sequences = await sequencesThatFit(llama, model, options.sequences, contextSize);
  const llamaModel = await llama.loadModel({
    modelPath: model.path,
    onLoadProgress: (progress) => options.report(progress * 0.9),
    ...(options.signal ? { loadSignal: options.signal } : {}),
  });
  let context: LlamaContext;
  try {
    const flashAttention = options.flashAttention ?? defaultFlashAttention(size);
    context = await llamaModel.createContext({ contextSize, sequences, threads, flashAttention });
  } catch (error) {
    await llamaModel.dispose();
    throw error;
  }
  const sequenceList = Array.from({ length: sequences }, () => context.getSequence());
  return {
    model,
    llamaModel,
    context,
    pool: createSequencePool(sequenceList, emptySlotState),
    threads,
    retire: new AbortController(),
    inFlight: new Set(),
  };
}

async function sequencesThatFit(
  llama: Llama,
  model: ScannedModel,
  asked: number | undefined,
  contextSize: number,
): Promise<number> {
  const sequences = asked ?? defaultSequences(model.size_bytes ?? 0);
  if (llama.gpu !== false) return sequences;
  const info = await readGgufFileInfo(model.path, { logWarnings: false });
  const estimate = (count: number) => estimateCpuRam(llama, info, { contextSize, sequences: count });
  const free = freeMemoryBytes();
  const fitted = asked === undefined ? await fitSequences(sequences, estimate, free) : sequences;
  assertFitsInMemory(model.id, await estimate(fitted), free);
  return fitted;
}

/**
 * Frees a replaced model: stops its preloads, lets its generations run for `graceMs` before aborting them, then
 * releases what `beforeDispose` holds on it (the embedder) and disposes the context and weights.
 */
export async function retireLoadedModel(
  old: LoadedModel,
  graceMs: number,
  beforeDispose: (model: LlamaModel) => Promise<void>,
): Promise<void> {
  for (const slot of old.pool.slots) slot.preload?.controller.abort();
  const timer = setTimeout(() => old.retire.abort(new Error('model replaced')), graceMs);
  await Promise.allSettled([...old.inFlight]);
  clearTimeout(timer);
  await beforeDispose(old.llamaModel);
  await old.context.dispose();
  await old.llamaModel.dispose();
}

/** The chat wrapper LlamaChat resolves for `'auto'`, so that preloaded tokens are the ones a turn renders. */
export function chatWrapperOf(loaded: LoadedModel): ChatWrapper {
  loaded.chatWrapper ??= resolveChatWrapper(loaded.llamaModel);
  return loaded.chatWrapper;
}

/** A load failure as ModelLoadError, naming memory when llama.cpp ran out of it. */
export function toModelLoadError(modelId: string, error: unknown): ModelLoadError {
  if (error instanceof ModelLoadError) return error;
  if (error instanceof LlamaInsufficientMemoryError) {
    return new ModelLoadError(modelId, `not enough memory: ${errorReason(error)}`, { cause: error });
  }
  return new ModelLoadError(modelId, errorReason(error), { cause: error });
}
