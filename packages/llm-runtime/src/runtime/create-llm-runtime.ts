import type { LlmStatus, ModelInfo, ProviderInfo } from '@chat-studio/protocol';
import { createResponseCache } from '../cache/index.js';
import { resolveRuntimeOptions, type LlmRuntimeOptions, type ResolvedRuntimeOptions } from '../config/index.js';
import { ChatUnavailableError, type QueueFullError } from '../errors/index.js';
// The lazy one: node-llama-cpp is imported only when the in-process provider is used (LLAMA_WORKER=off).
import { createLlamaCppProvider } from '../llama-cpp/lazy-provider.js';
import { createOpenAiCompatibleProvider, type OpenAiCompatibleProvider } from '../openai-compatible/index.js';
import { createWorkerLlamaCppProvider } from '../worker-provider/index.js';
import type {
  CompleteRequest,
  EmbeddingModelStatus,
  EmbedRequest,
  EmbedResult,
  GenerateRequest,
  GenerateResult,
  PreloadRequest,
  PreloadState,
} from '../provider/index.js';
import { createRequestQueue } from '../queue/index.js';
import { localProviderOptions } from './local-provider-options.js';
import { adoptLateModel, setActiveModel, startRuntime } from './choose-model.js';
import { generateReply } from './generate-reply.js';
import { listAllModels, listProviders } from './list-providers.js';
import { createProviderSwitch } from './provider-switch.js';
import { reasonNow, refusalNow, type RuntimeContext } from './runtime-context.js';
import { runtimeStatus } from './runtime-status.js';
import { completePrompt, embedTexts } from './text-operations.js';

export { displayModelsDir } from './display-models-dir.js';

/** The chat runtime: model registry, the active model, queueing, caching. */
export interface LlmRuntime {
  /** Scans the models folder and starts loading the active model in the background (does not wait for it). */
  start(): Promise<void>;
  /** Resolves when the current load attempt has settled (loaded or failed); never rejects. */
  whenLoaded(): Promise<void>;
  /** Resolves when no load is running and no generation is in flight. */
  whenIdle(): Promise<void>;
  /** Every model in the folder, with `active` set on the one in use. */
  listModels(): Promise<ModelInfo[]>;
  /** The local provider, then one entry per remote upstream (with its `health`). */
  providers(): Promise<ProviderInfo[]>;
  status(): LlmStatus;
  /** Null when chat can run; else a sentence saying why not. */
  unavailableReason(): string | null;
  /**
   * What `generate` would refuse a request with now, asked before any work (the API answers it as a plain HTTP error
   * instead of opening a stream): ChatUnavailableError saying why chat cannot run, else QueueFullError when every
   * sequence is busy and the queue is at its bound; null when a request would run now or wait its turn. The runtime's
   * queue is the one place that counts the requests running and decides; this only asks it. Never throws.
   *
   * @example
   * const refused = runtime.refusal();
   * if (refused) throw refused; // 503 chat_unavailable, or 503 queue_full with Retry-After
   */
  refusal(): ChatUnavailableError | QueueFullError | null;
  /** Loads `id` and makes it active; throws ModelNotFoundError or ModelLoadError. */
  setActiveModel(id: string): Promise<ModelInfo>;
  /**
   * Generates a reply. Throws ChatUnavailableError, QueueFullError, QueueTimeoutError; an abort resolves
   * with finish_reason `abort` and the text so far.
   */
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /**
   * Preloads a chat: starts evaluating its stored history on an idle sequence while its user types, so that the next
   * `generate` with the same `sessionKey` evaluates only the new message. Never waits and never throws; a request
   * that needs the sequence takes it over. Returns what it did.
   *
   * @example
   * runtime.preload({ messages: storedHistory, sessionKey: session.id }) // 'preparing'
   */
  preload(request: PreloadRequest): PreloadState;
  /** Aborts in-flight work and frees the model, context and llama.cpp. */
  close(): Promise<void>;
  /**
   * Unit-length embeddings from the dedicated embedding model (`embeddingModelId`) or the active local model.
   * Throws ModelNotFoundError for any other model, InputTooLongError, ChatUnavailableError.
   */
  embed(request: EmbedRequest): Promise<EmbedResult>;
  /**
   * A plain completion of a prompt (no chat template) on the active local model, queued like `generate`.
   * Throws UnsupportedOperationError while a remote model is active, InputTooLongError, and what `generate` throws.
   */
  complete(request: CompleteRequest): Promise<GenerateResult>;
  /** The dedicated embedding model's state, or null when none is configured. */
  embeddingStatus(): EmbeddingModelStatus | null;
  /**
   * Tokens `text` takes in the active model's tokenizer, or null while no model is loaded or the active one has no
   * tokenizer here (a remote upstream): e.g. what an attached file costs in the context.
   */
  countTokens(text: string): number | null;
  /** Tokens per sequence of the active model's context, or null while unknown (no model, a remote upstream). */
  contextSize(): number | null;
}

/**
 * Creates the runtime over the local llama.cpp provider and, when `upstreams` (env LLM_UPSTREAMS) names any, the
 * remote OpenAI-compatible one. Options fall back to env vars (see {@link LlmRuntimeOptions}).
 *
 * @example
 * const runtime = createLlmRuntime({ modelsDir: './models', threads: 1 });
 * await runtime.start();
 * await runtime.whenLoaded();
 * const { text, stats } = await runtime.generate({
 *   messages: [{ role: 'user', content: 'Tell me a story' }],
 *   params: { max_tokens: 64 },
 *   onToken: (piece) => process.stdout.write(piece),
 * });
 */
export function createLlmRuntime(options: LlmRuntimeOptions = {}): LlmRuntime {
  const config = resolveRuntimeOptions(options);
  // In a worker thread by default (issue #18: streams keep their speed while the main thread serves requests).
  const local = config.worker
    ? createWorkerLlamaCppProvider(localProviderOptions(config))
    : createLlamaCppProvider(localProviderOptions(config));
  const queue = createRequestQueue({
    // Read at each decision from the active provider, so there is no second count to keep in step with it.
    capacity: () => context.providers.provider.status().sequences_total,
    limit: config.queueLimit,
    timeoutMs: config.queueTimeoutMs,
  });
  const closing = new AbortController();
  const context: RuntimeContext = {
    config,
    logger: options.logger,
    local,
    remote: null,
    providers: createProviderSwitch({ initial: local, queue, signal: closing.signal }),
    queue,
    cache: createResponseCache({ ttlS: config.cacheTtlS, maxEntries: config.cacheMaxEntries }),
    inFlight: new Set(),
    closing,
  };
  context.remote = remoteProvider(config, () => void adoptLateModel(context));
  const { providers, inFlight } = context;
  return {
    start: () => startRuntime(context),
    whenLoaded: () => providers.loaded,
    async whenIdle() {
      await providers.loaded;
      while (inFlight.size > 0 || providers.retiring.size > 0) {
        await Promise.allSettled([...inFlight, ...providers.retiring]);
      }
    },
    listModels: () => listAllModels(context),
    providers: () => listProviders(context),
    status: () => ({
      ...runtimeStatus({
        availability: providers.availability,
        provider: providers.provider.status(),
        queueDepth: queue.depth,
        sequencesInUse: queue.inUse,
        queueLimit: config.queueLimit,
        unavailableReason: () => reasonNow(context),
      }),
      context_size: providers.provider.contextSize?.() ?? null,
    }),
    unavailableReason: () => reasonNow(context),
    refusal: () => refusalNow(context),
    setActiveModel: (id) => setActiveModel(context, id),
    generate: (request) => generateReply(context, request),
    preload(request) {
      const provider = providers.provider;
      if (reasonNow(context) !== null || !provider.preload) return 'skipped';
      return provider.preload(request);
    },
    complete: (request) => completePrompt(context, request),
    embed: (request) => embedTexts(context, request),
    embeddingStatus: () => local.embeddingStatus(),
    countTokens: (text) => providers.provider.countTokens?.(text) ?? null,
    contextSize: () => providers.provider.contextSize?.() ?? null,
    async close() {
      if (closing.signal.aborted) return;
      closing.abort(new Error('runtime closed'));
      queue.rejectAll(new ChatUnavailableError('the runtime is closed'));
      await Promise.all([local.close(), context.remote?.close()]);
      await Promise.allSettled([...inFlight, ...providers.retiring]);
      context.cache.clear();
    },
  };
}

/** The upstreams' provider when any upstream is configured, else null. */
function remoteProvider(config: ResolvedRuntimeOptions, onModelsChanged: () => void): OpenAiCompatibleProvider | null {
  if (config.upstreams.length === 0) return null;
  return createOpenAiCompatibleProvider({
    upstreams: config.upstreams,
    checkIntervalMs: config.upstreamCheckIntervalMs,
    maxFailures: config.upstreamMaxFailures,
    concurrency: config.upstreamConcurrency,
    defaultMaxTokens: config.defaultMaxTokens,
    onModelsChanged,
  });
}
