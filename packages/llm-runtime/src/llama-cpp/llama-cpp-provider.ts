import { randomUUID } from 'node:crypto';
import type { FinishReason } from '@chat-studio/protocol';
import {
  getLlama,
  InsufficientMemoryError as LlamaInsufficientMemoryError,
  LlamaChat,
  LlamaLogLevel,
  readGgufFileInfo,
  LlamaText,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatModelFunctions,
  type ChatWrapper,
  type Llama,
  type LlamaChatResponse,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
} from 'node-llama-cpp';
import { createEmbedder } from './embedder.js';
import { completeOnSequence } from './complete.js';
import type { CompleteRequest, TextProvider } from '../provider/index.js';
import {
  DEFAULT_CONTEXT_SHIFT_FRACTION,
  defaultFlashAttention,
  defaultSequences,
  defaultThreads,
} from '../config/index.js';
import { ChatUnavailableError, errorReason, ModelLoadError, ModelNotFoundError } from '../errors/index.js';
import type {
  GenerateRequest,
  GenerateResult,
  GenerateTiming,
  LlmProvider,
  PrepareRequest,
  PrepareState,
  ProviderLoadOptions,
  ProviderModel,
  ProviderStatus,
} from '../provider/index.js';
import { LLAMA_CPP_PROVIDER_ID, scanModels, type ScannedModel } from '../registry/index.js';
import { continuedContextWindow, historyItemKey, toChatHistory, type LastEvaluation } from './chat-history.js';
import { keepNewestTurns } from './context-shift.js';
import { assertFitsInMemory, estimateCpuRam, fitSequences, freeMemoryBytes } from './memory-check.js';
import { createSequencePool, type PoolSlot, type SequencePool } from './sequence-pool.js';
import { planGeneration, type GenerationPlan } from './generation-plan.js';
import { clampMaxTokens, promptTokensOf, renderedPromptTokens } from './max-tokens.js';
import { resolveSeed, toRepeatPenalty, toTokenBias } from '../sampling/index.js';

/** Temperature used when a request sets none; node-llama-cpp's suggested balance. */
export const DEFAULT_TEMPERATURE = 0.8;
/** Free tokens a sequence needs for the next-turn preload; with fewer, the next turn shifts and evaluates itself. */
const PRELOAD_MIN_FREE_TOKENS = 128;
/** Tokens per evaluation while preloading: between chunks a request that wants the sequence takes over. */
const PRELOAD_CHUNK_TOKENS = 32;
/** Context size per sequence when neither option nor env sets one (capped by the training context). */
export const DEFAULT_MAX_CONTEXT = 4096;

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
  /** llama.cpp log level. Defaults to `warn`. */
  logLevel?: LlamaLogLevel;
  /** A model id in `modelsDir` loaded beside the chat model for embeddings only (EMBEDDING_MODEL). Defaults to none. */
  embeddingModelId?: string;
}

/** An idle-time evaluation running on a free slot; see `preloadNextTurn`. */
interface Preload {
  controller: AbortController;
  done: Promise<void>;
}

type Slot = PoolSlot<LlamaContextSequence> & { last?: LastEvaluation; preload?: Preload };

interface Loaded {
  model: ScannedModel;
  llamaModel: LlamaModel;
  context: LlamaContext;
  pool: SequencePool<LlamaContextSequence>;
  threads: number;
  /** Aborted when the model is replaced and the grace period ran out. */
  retire: AbortController;
  /** The chat wrapper turns render with, resolved once. */
  chatWrapper?: ChatWrapper;
  inFlight: Set<Promise<unknown>>;
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
  const gpuOption = options.gpu ?? 'auto';
  const defaultMaxTokens = options.defaultMaxTokens ?? 1024;
  const switchGraceMs = options.switchGraceMs ?? 10_000;
  const shiftFraction = options.contextShiftFraction ?? DEFAULT_CONTEXT_SHIFT_FRACTION;
  const preloadNextTurn = options.preloadNextTurn ?? true;
  // node-llama-cpp frees a tenth of the context per shift by default, and every shift re-evaluates all that is left
  // (measured: 3000 tokens from a 2048 context took 5 shifts and 10,869 re-evaluated tokens; with half, 1 and 2,540).
  const contextShiftSize = (sequence: LlamaContextSequence) =>
    Math.max(1, Math.floor(sequence.context.contextSize * shiftFraction));
  let llamaPromise: Promise<Llama> | null = null;
  let loaded: Loaded | null = null;
  let loading: { modelId: string; progress: number } | null = null;
  let failure: { modelId: string; reason: string } | null = null;
  let loadChain: Promise<unknown> = Promise.resolve();
  const retiring = new Set<Promise<void>>();
  const embedder = createEmbedder({
    llama: llamaInstance,
    modelsDir: options.modelsDir,
    ...(options.embeddingModelId !== undefined ? { embeddingModelId: options.embeddingModelId } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  });

  function llamaInstance(): Promise<Llama> {
    llamaPromise ??= createLlama(gpuOption, options.logLevel ?? LlamaLogLevel.warn);
    return llamaPromise;
  }

  async function listModels(): Promise<ProviderModel[]> {
    return (await scanModels(options.modelsDir)).map(({ path: _path, ...model }) => model);
  }

  async function retire(old: Loaded): Promise<void> {
    for (const slot of old.pool.slots as Slot[]) slot.preload?.controller.abort();
    const timer = setTimeout(() => old.retire.abort(new Error('model replaced')), switchGraceMs);
    await Promise.allSettled([...old.inFlight]);
    clearTimeout(timer);
    await embedder.release(old.llamaModel);
    await old.context.dispose();
    await old.llamaModel.dispose();
  }

  async function unloadCurrent(): Promise<void> {
    const old = loaded;
    loaded = null;
    if (!old) return;
    const done = retire(old);
    retiring.add(done);
    try {
      // Memory: the old model must be gone before the next one is mapped.
      await done;
    } finally {
      retiring.delete(done);
    }
  }

  async function doLoad(modelId: string, loadOptions: ProviderLoadOptions): Promise<ProviderModel> {
    loading = { modelId, progress: 0 };
    try {
      return await loadModelFile(modelId, loadOptions);
    } finally {
      loading = null;
    }
  }

  async function loadModelFile(modelId: string, loadOptions: ProviderLoadOptions): Promise<ProviderModel> {
    const models = await scanModels(options.modelsDir);
    const model = models.find((candidate) => candidate.id === modelId);
    if (!model) throw new ModelNotFoundError(modelId, options.modelsDir);
    if (loaded?.model.id === modelId && loaded.model.path === model.path) return strip(loaded.model);
    if (model.status === 'broken') {
      throw new ModelLoadError(modelId, `${model.file} is not a valid GGUF: ${model.error}`);
    }
    failure = null;
    const report = (progress: number) => {
      if (loading) loading.progress = progress;
      loadOptions.onProgress?.(progress);
    };
    try {
      await unloadCurrent();
      const llama = await llamaInstance();
      const size = model.size_bytes ?? 0;
      const threads = options.threads ?? defaultThreads(size);
      let sequences = options.sequences ?? defaultSequences(size);
      const contextSize =
        options.contextSize ?? Math.min(model.context_length ?? DEFAULT_MAX_CONTEXT, DEFAULT_MAX_CONTEXT);
      if (llama.gpu === false) {
        const info = await readGgufFileInfo(model.path, { logWarnings: false });
        const estimate = (count: number) => estimateCpuRam(llama, info, { contextSize, sequences: count });
        const free = freeMemoryBytes();
        // The default is sized to memory; a count that was asked for is kept, and fails below if it does not fit.
        if (options.sequences === undefined) sequences = await fitSequences(sequences, estimate, free);
        assertFitsInMemory(modelId, await estimate(sequences), free);
      }
      const llamaModel = await llama.loadModel({
        modelPath: model.path,
        onLoadProgress: (progress) => report(progress * 0.9),
        ...(loadOptions.signal ? { loadSignal: loadOptions.signal } : {}),
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
      loaded = {
        model,
        llamaModel,
        context,
        pool: createSequencePool(sequenceList),
        threads,
        retire: new AbortController(),
        inFlight: new Set(),
      };
      report(1);
      return strip(model);
    } catch (error) {
      const wrapped = wrapLoadError(modelId, error);
      failure = { modelId, reason: wrapped.reason };
      throw wrapped;
    }
  }

  async function generate(request: GenerateRequest, timing?: GenerateTiming): Promise<GenerateResult> {
    const startedAt = timing?.startedAt ?? performance.now();
    const current = loaded;
    if (!current)
      throw new ChatUnavailableError(
        loading ? `model is still loading (${Math.round(loading.progress * 100)}%)` : 'no model is loaded',
      );
    const history = toChatHistory(request.messages, request.params);
    // Everything a request can be refused for is checked before a sequence is taken.
    const tokenBias = toTokenBias(current.llamaModel, request.params?.logit_bias);
    const plan = await planGeneration(current.llamaModel.llama, request);
    if (plan.instruction) history.splice(leadingSystemCount(history), 0, { type: 'system', text: plan.instruction });
    const taken = current.pool.take(request.sessionKey);
    if (!taken) throw new ChatUnavailableError('every sequence is busy');
    const slot = taken.slot as Slot;
    const run = (async () => {
      // The session's own preload is the start of this very evaluation: wait for it. Another session's is dropped.
      if (slot.preload && !taken.reused) slot.preload.controller.abort();
      await slot.preload?.done;
      if (!taken.reused) slot.last = undefined;
      return runOnSlot(current, slot, history, request, startedAt, { plan, tokenBias });
    })();
    current.inFlight.add(run);
    try {
      const result = await run;
      if (preloadNextTurn && result.stats.finish_reason !== 'error') startPreload(current, slot);
      return result;
    } finally {
      current.inFlight.delete(run);
      current.pool.give(slot);
    }
  }

  /** After a reply: the opening of the session's next user turn, evaluated while the user types. */
  function startPreload(current: Loaded, slot: Slot): void {
    const last = slot.last;
    if (!last) return;
    runPreload(current, slot, async () => last);
  }

  /**
   * Runs idle-time evaluation on a free slot: renders `target()`'s window plus an empty user turn, keeps the tokens
   * the sequence already holds, and evaluates the rest in chunks of {@link PRELOAD_CHUNK_TOKENS}, checking between
   * chunks whether a request wants the slot. The next request renders the same tokens as its prefix, so it
   * evaluates only its message; where anything differs, node-llama-cpp compares the tokens and evaluates from the
   * first difference, so a preload never changes what is generated.
   */
  function runPreload(current: Loaded, slot: Slot, target: () => Promise<LastEvaluation>): void {
    if (slot.sequence.disposed || current.retire.signal.aborted) return;
    const previous = slot.preload;
    previous?.controller.abort();
    const preload: Preload = { controller: new AbortController(), done: Promise.resolve() };
    const signal = AbortSignal.any([preload.controller.signal, current.retire.signal]);
    const owner = slot.sessionKey;
    const done = (async () => {
      await previous?.done;
      try {
        const next = await target();
        if (signal.aborted) return;
        const sequence = slot.sequence;
        const chatWrapper = chatWrapperOf(current);
        const tokens = upToNextUserText(chatWrapper, next.contextWindow).tokenize(current.llamaModel.tokenizer);
        // Near a full context the next turn shifts anyway and evaluates the kept half itself.
        if (tokens.length + PRELOAD_MIN_FREE_TOKENS >= sequence.contextSize) return;
        const { firstDifferentIndex } = sequence.compareContextTokens(tokens);
        if (firstDifferentIndex < sequence.contextTokens.length) {
          await sequence.eraseContextTokenRanges([{ start: firstDifferentIndex, end: sequence.contextTokens.length }]);
        }
        for (let index = firstDifferentIndex; index < tokens.length && !signal.aborted; index += PRELOAD_CHUNK_TOKENS) {
          await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(index, index + PRELOAD_CHUNK_TOKENS));
        }
        // Interrupted, or the slot went to another chat: its state says nothing about what the sequence now holds.
        if (!signal.aborted && slot.sessionKey === owner) {
          slot.last = {
            cleanHistory: next.cleanHistory,
            contextWindow: next.contextWindow,
            contextShiftMetadata: next.contextShiftMetadata,
          };
        }
      } catch {
        // Aborted or failed: the next request compares tokens and evaluates whatever is missing.
      } finally {
        if (slot.preload === preload) slot.preload = undefined;
      }
    })();
    preload.done = done;
    slot.preload = preload;
    current.inFlight.add(done);
    void done.finally(() => current.inFlight.delete(done));
  }

  /**
   * Evaluates a chat's stored history on an idle sequence (the session's own, else a free one) so that its next
   * turn evaluates only the new message. A history longer than the context is cut as a context shift would cut it.
   */
  function prepare(request: PrepareRequest): PrepareState {
    const current = loaded;
    if (!current) return 'skipped';
    const messages = request.messages.filter((message) => message.content !== '');
    if (!messages.some((message) => message.role !== 'system')) return 'skipped';
    const items = toChatHistory(messages, request.params);
    // The stored history ends with a reply, or with a question whose reply failed: no empty turn to fill yet.
    if (messages.at(-1)?.role !== 'assistant') items.pop();
    const own = current.pool.slots.find((slot) => slot.sessionKey === request.sessionKey) as Slot | undefined;
    if (own?.busy) return 'skipped';
    if (own?.last && sameHistory(own.last.cleanHistory, items)) return 'ready';
    const taken = current.pool.take(request.sessionKey);
    if (!taken) return 'skipped';
    current.pool.give(taken.slot);
    const slot = taken.slot as Slot;
    const reusable = taken.reused ? slot.last : undefined;
    if (!taken.reused) slot.last = undefined;
    runPreload(current, slot, async () => {
      const continued = continuedContextWindow(reusable, items);
      let contextWindow = continued ?? items;
      let contextShiftMetadata: unknown = continued ? reusable?.contextShiftMetadata : undefined;
      const chatWrapper = chatWrapperOf(current);
      const tokenizer = current.llamaModel.tokenizer;
      const count = (history: readonly ChatHistoryItem[]) =>
        upToNextUserText(chatWrapper, history).tokenize(tokenizer).length;
      if (count(contextWindow) + PRELOAD_MIN_FREE_TOKENS >= slot.sequence.contextSize) {
        const maxTokensCount = slot.sequence.contextSize - contextShiftSize(slot.sequence);
        const shifted = keepNewestTurns({ chatHistory: items, maxTokensCount, tokenizer, chatWrapper });
        contextWindow = shifted.chatHistory;
        contextShiftMetadata = shifted.metadata;
      }
      return { cleanHistory: items, contextWindow, contextShiftMetadata };
    });
    return 'preparing';
  }

  function chatWrapperOf(current: Loaded): ChatWrapper {
    // The wrapper LlamaChat resolves for 'auto', so prepared tokens are the ones a turn renders.
    current.chatWrapper ??= resolveChatWrapper(current.llamaModel);
    return current.chatWrapper;
  }

  async function runOnSlot(
    current: Loaded,
    slot: Slot,
    history: ReturnType<typeof toChatHistory>,
    request: GenerateRequest,
    startedAt: number,
    extras: { plan: GenerationPlan; tokenBias: ReturnType<typeof toTokenBias> },
  ): Promise<GenerateResult> {
    const params = request.params ?? {};
    const { plan, tokenBias } = extras;
    const signal = request.signal ? AbortSignal.any([request.signal, current.retire.signal]) : current.retire.signal;
    const sequence = slot.sequence;
    const meterBefore = sequence.tokenMeter.getState();
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: chatWrapperOf(current) });
    let text = '';
    let firstTokenAt: number | null = null;
    let response: LlamaChatResponse<ChatModelFunctions> | undefined;
    let failed: unknown;
    const window = continuedContextWindow(slot.last, history);
    const seed = resolveSeed(params.seed);
    const repeatPenalty = toRepeatPenalty(params);
    // What the turn renders: the continued window when the last one is reused, else the whole history.
    const renderedTokens = renderedPromptTokens(
      chat.chatWrapper,
      current.llamaModel.tokenizer,
      window ?? history,
      plan.functions,
    );
    const requestedTokens = params.max_tokens ?? defaultMaxTokens;
    const maxTokens = request.fitToContext
      ? clampMaxTokens(requestedTokens, renderedTokens, sequence.contextSize, contextShiftSize(sequence))
      : requestedTokens;
    // node-llama-cpp takes a grammar or functions, never both; the plan holds at most one of them.
    const constraint = plan.grammar
      ? { grammar: plan.grammar }
      : plan.functions
        ? {
            functions: plan.functions,
            documentFunctionParams: true,
            ...(plan.maxParallelFunctionCalls !== undefined
              ? { maxParallelFunctionCalls: plan.maxParallelFunctionCalls }
              : {}),
            onFunctionCallParamsChunk: (
              chunk: Parameters<NonNullable<GenerationPlan['onFunctionCallParamsChunk']>>[0],
            ) => {
              firstTokenAt ??= performance.now();
              plan.onFunctionCallParamsChunk?.(chunk);
            },
          }
        : {};
    try {
      response = await chat.generateResponse(history, {
        maxTokens,
        temperature: params.temperature ?? DEFAULT_TEMPERATURE,
        ...(params.top_k !== undefined ? { topK: params.top_k } : {}),
        ...(params.top_p !== undefined ? { topP: params.top_p } : {}),
        seed,
        ...(repeatPenalty ? { repeatPenalty } : {}),
        ...(tokenBias ? { tokenBias } : {}),
        ...constraint,
        ...(params.stop?.length ? { customStopTriggers: params.stop } : {}),
        signal,
        stopOnAbortSignal: true,
        // Keeps the system messages and drops the oldest whole turns when the context fills.
        contextShift: {
          size: contextShiftSize,
          strategy: keepNewestTurns,
          lastEvaluationMetadata: slot.last?.contextShiftMetadata as object | undefined,
        },
        ...(window
          ? { lastEvaluationContextWindow: { history: window, minimumOverlapPercentageToPreventContextShift: 0.5 } }
          : {}),
        onTextChunk: (chunk) => {
          if (chunk.length === 0) return;
          firstTokenAt ??= performance.now();
          const piece = plan.onText(chunk);
          if (piece.length === 0) return;
          text += piece;
          request.onToken?.(piece);
        },
      });
    } catch (error) {
      failed = error;
    } finally {
      chat.dispose({ disposeSequence: false });
    }
    const endedAt = performance.now();
    const used = sequence.disposed
      ? { usedInputTokens: 0, usedOutputTokens: 0 }
      : sequence.tokenMeter.diff(meterBefore);
    let finish: FinishReason;
    const read = plan.finish(response, response ? response.response : text);
    text = read.text;
    if (response) {
      finish = finishReason(response.metadata.stopReason);
      slot.last = { ...response.lastEvaluation };
    } else {
      slot.last = undefined;
      if (signal.aborted) finish = 'abort';
      else if (text.length > 0) finish = 'error';
      else throw failed;
    }
    const completionTokens = used.usedOutputTokens;
    const promptTokens = sequence.disposed
      ? used.usedInputTokens
      : promptTokensOf(sequence.contextTokens.length, completionTokens, renderedTokens, sequence.contextSize);
    const generationSeconds = firstTokenAt === null ? 0 : (endedAt - firstTokenAt) / 1000;
    return {
      text,
      modelId: current.model.id,
      seed,
      ...(read.toolCalls?.length ? { toolCalls: read.toolCalls } : {}),
      promptTokensEvaluated: used.usedInputTokens,
      stats: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        time_to_first_token_ms: firstTokenAt === null ? null : Math.round(firstTokenAt - startedAt),
        // The first token's time is TTFT; the rate covers the tokens after it.
        tokens_per_second:
          generationSeconds > 0 && completionTokens > 1 ? round((completionTokens - 1) / generationSeconds) : null,
        total_ms: Math.round(endedAt - startedAt),
        finish_reason: finish,
        // Context shifts re-evaluate kept tokens, so this can fall below what the window held before the turn.
        cached_tokens: Math.max(0, promptTokens - used.usedInputTokens),
      },
    };
  }

  /** A plain completion on a free sequence (see completeOnSequence); the slot's chat state is dropped. */
  async function complete(request: CompleteRequest, timing?: GenerateTiming): Promise<GenerateResult> {
    const startedAt = timing?.startedAt ?? performance.now();
    const current = loaded;
    if (!current)
      throw new ChatUnavailableError(
        loading ? `model is still loading (${Math.round(loading.progress * 100)}%)` : 'no model is loaded',
      );
    const taken = current.pool.take(undefined);
    if (!taken) throw new ChatUnavailableError('every sequence is busy');
    const slot = taken.slot as Slot;
    const run = (async () => {
      slot.preload?.controller.abort();
      await slot.preload?.done;
      slot.last = undefined;
      const signal = request.signal ? AbortSignal.any([request.signal, current.retire.signal]) : current.retire.signal;
      return completeOnSequence(request, {
        sequence: slot.sequence,
        modelId: current.model.id,
        signal,
        defaultMaxTokens,
        defaultTemperature: DEFAULT_TEMPERATURE,
        startedAt,
      });
    })();
    current.inFlight.add(run);
    try {
      return await run;
    } finally {
      current.inFlight.delete(run);
      current.pool.give(slot);
    }
  }

  function status(): ProviderStatus {
    const current = loaded;
    const gpu = current ? describeGpu(current.llamaModel.llama.gpu) : null;
    if (loading) {
      return {
        state: 'loading',
        model_id: loading.modelId,
        load_progress: loading.progress,
        reason: null,
        sequences_in_use: 0,
        sequences_total: 0,
        threads: null,
        gpu,
      };
    }
    if (current) {
      return {
        state: 'ready',
        model_id: current.model.id,
        load_progress: 1,
        reason: null,
        sequences_in_use: current.pool.inUse,
        sequences_total: current.pool.slots.length,
        threads: current.threads,
        gpu,
      };
    }
    if (failure) {
      return {
        state: 'error',
        model_id: failure.modelId,
        load_progress: 0,
        reason: failure.reason,
        sequences_in_use: 0,
        sequences_total: 0,
        threads: null,
        gpu: null,
      };
    }
    return {
      state: 'no_model',
      model_id: null,
      load_progress: 0,
      reason: null,
      sequences_in_use: 0,
      sequences_total: 0,
      threads: null,
      gpu: null,
    };
  }

  return {
    id: LLAMA_CPP_PROVIDER_ID,
    type: 'llama-cpp',
    name: 'llama.cpp (local GGUF)',
    listModels,
    load(modelId, loadOptions = {}) {
      // Loads run one after another; the later one replaces the earlier. Status says "loading" from this call on.
      loading = { modelId, progress: 0 };
      const next = loadChain.then(() => doLoad(modelId, loadOptions));
      loadChain = next.catch(() => undefined);
      return next;
    },
    generate,
    prepare,
    status,
    complete,
    embed: (request) => embedder.embed(request, loaded ? { id: loaded.model.id, model: loaded.llamaModel } : null),
    loadEmbeddingModel: () => embedder.load(),
    embeddingStatus: () => embedder.status(),
    async unload() {
      await loadChain;
      failure = null;
      await unloadCurrent();
    },
    async close() {
      await loadChain;
      if (loaded) loaded.retire.abort(new Error('runtime closed'));
      await unloadCurrent();
      await Promise.allSettled([...retiring]);
      await embedder.close();
      const llama = llamaPromise;
      llamaPromise = null;
      if (llama) await (await llama.catch(() => null))?.dispose();
    },
  };
}

async function createLlama(gpu: 'auto' | false, logLevel: LlamaLogLevel): Promise<Llama> {
  const base = { build: 'never', logLevel, logger: llamaLogger } as const;
  if (gpu === false) return getLlama({ ...base, gpu: false });
  try {
    // build 'never': nothing is compiled or downloaded at run time; a missing GPU binary means CPU.
    return await getLlama({ ...base, gpu: 'auto' });
  } catch {
    return getLlama({ ...base, gpu: false });
  }
}

function llamaLogger(level: LlamaLogLevel, message: string): void {
  // GGUFs converted without special-token types (stories260K and other toy models) trigger these at load; harmless.
  if (message.includes('bad special token') || message.includes('special_eos_id is not in special_eog_ids')) return;
  const text = message.trimEnd();
  if (!text) return;
  if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) console.error(`[llama.cpp] ${text}`);
  else console.warn(`[llama.cpp] ${text}`);
}

function finishReason(stopReason: LlamaChatResponse['metadata']['stopReason']): FinishReason {
  if (stopReason === 'maxTokens') return 'length';
  if (stopReason === 'abort') return 'abort';
  return 'stop';
}

function describeGpu(gpu: Llama['gpu']): string {
  return gpu === false ? 'cpu' : gpu;
}

function wrapLoadError(modelId: string, error: unknown): ModelLoadError {
  if (error instanceof ModelLoadError) return error;
  if (error instanceof LlamaInsufficientMemoryError) {
    return new ModelLoadError(modelId, `not enough memory: ${errorReason(error)}`, { cause: error });
  }
  return new ModelLoadError(modelId, errorReason(error), { cause: error });
}

/**
 * The context text of `window` followed by a user turn, cut where the user's text would start: what every next turn
 * renders first, whatever its message. Rendered with a marker as the text, as node-llama-cpp does for the same cut.
 */
function upToNextUserText(chatWrapper: ChatWrapper, window: readonly ChatHistoryItem[]): LlamaText {
  const marker = `W${randomUUID().replaceAll('-', '')}W`;
  const { contextText } = chatWrapper.generateContextState({
    chatHistory: [...window, { type: 'user', text: marker }],
  });
  const values = contextText.values;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (typeof value !== 'string') continue;
    const at = value.indexOf(marker);
    if (at >= 0) return LlamaText([...values.slice(0, index), value.slice(0, at)]);
  }
  // A wrapper that drops user text: fall back to the window alone, the part every next turn renders the same.
  return chatWrapper.generateContextState({ chatHistory: [...window] }).contextText;
}

function leadingSystemCount(history: readonly ChatHistoryItem[]): number {
  let count = 0;
  while (history[count]?.type === 'system') count++;
  return count;
}

function sameHistory(a: readonly ChatHistoryItem[], b: readonly ChatHistoryItem[]): boolean {
  return a.length === b.length && a.every((item, index) => historyItemKey(item) === historyItemKey(b[index]!));
}

function strip(model: ScannedModel): ProviderModel {
  const { path: _path, ...rest } = model;
  return rest;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
