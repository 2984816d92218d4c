import path from 'node:path';
import type { LlmStatus, ModelInfo, ProviderInfo } from '@chat-studio/protocol';
import { createResponseCache, isDeterministic, responseCacheKey } from '../cache/index.js';
import { resolveRuntimeOptions, type LlmRuntimeOptions } from '../config/index.js';
import { ChatUnavailableError, ModelLoadError, ModelNotFoundError } from '../errors/index.js';
import { createLlamaCppProvider } from '../llama-cpp/index.js';
import { createOpenAiCompatibleProvider, type OpenAiCompatibleProvider } from '../openai-compatible/index.js';
import type {
  CompleteRequest,
  EmbeddingModelStatus,
  EmbedRequest,
  EmbedResult,
  GenerateRequest,
  GenerateResult,
  LlmProvider,
  PrepareRequest,
  PrepareState,
  ProviderModel,
  TextProvider,
} from '../provider/index.js';
import { UnsupportedOperationError } from '../errors/endpoint-errors.js';
import { createRequestQueue } from '../queue/index.js';
import { abortedResult } from '../provider/aborted-result.js';

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
  /** Loads `id` and makes it active; throws ModelNotFoundError or ModelLoadError. */
  setActiveModel(id: string): Promise<ModelInfo>;
  /**
   * Generates a reply. Throws ChatUnavailableError, QueueFullError, QueueTimeoutError; an abort resolves
   * with finish_reason `abort` and the text so far.
   */
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /**
   * Starts evaluating a chat's stored history on an idle sequence while its user types, so that the next
   * `generate` with the same `sessionKey` evaluates only the new message. Never waits and never throws; a request
   * that needs the sequence takes it over. Returns what it did.
   *
   * @example
   * runtime.prepare({ messages: storedHistory, sessionKey: session.id }) // 'preparing'
   */
  prepare(request: PrepareRequest): PrepareState;
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
}

type Availability =
  | { kind: 'unscanned' }
  | { kind: 'no_model'; reason: string }
  | { kind: 'broken'; modelId: string; reason: string }
  | { kind: 'not_found'; modelId: string; reason: string }
  | { kind: 'provider' };

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
  const local: LlmProvider & TextProvider = createLlamaCppProvider({
    modelsDir: config.modelsDir,
    gpu: config.gpu,
    defaultMaxTokens: config.defaultMaxTokens,
    switchGraceMs: config.switchGraceMs,
    contextShiftFraction: config.contextShiftFraction,
    preloadNextTurn: config.preloadNextTurn,
    ...(config.flashAttention !== undefined ? { flashAttention: config.flashAttention } : {}),
    ...(config.threads !== undefined ? { threads: config.threads } : {}),
    ...(config.sequences !== undefined ? { sequences: config.sequences } : {}),
    ...(config.contextSize !== undefined ? { contextSize: config.contextSize } : {}),
    ...(config.embeddingModelId !== undefined ? { embeddingModelId: config.embeddingModelId } : {}),
  });
  const queue = createRequestQueue({
    capacity: config.sequences ?? 1,
    limit: config.queueLimit,
    timeoutMs: config.queueTimeoutMs,
  });
  const cache = createResponseCache({ ttlS: config.cacheTtlS, maxEntries: config.cacheMaxEntries });
  const remote: OpenAiCompatibleProvider | null =
    config.upstreams.length > 0
      ? createOpenAiCompatibleProvider({
          upstreams: config.upstreams,
          checkIntervalMs: config.upstreamCheckIntervalMs,
          maxFailures: config.upstreamMaxFailures,
          concurrency: config.upstreamConcurrency,
          defaultMaxTokens: config.defaultMaxTokens,
          onModelsChanged: () => void adoptLateModel(),
        })
      : null;
  /** The provider of the active model; the local one until a remote model is chosen. */
  let provider: LlmProvider = local;
  const retiring = new Set<Promise<void>>();
  let availability: Availability = { kind: 'unscanned' };
  let loadPromise: Promise<void> = Promise.resolve();
  const inFlight = new Set<Promise<unknown>>();
  const closing = new AbortController();
  let closed = false;

  function activeId(): string | null {
    const state = provider.status();
    return state.state === 'ready' ? state.model_id : null;
  }

  function startLoad(target: LlmProvider, modelId: string): Promise<ProviderModel> {
    availability = { kind: 'provider' };
    const previous = provider;
    provider = target;
    const attempt = target.load(modelId, { signal: closing.signal }).then((model) => {
      if (provider === target) queue.setCapacity(Math.max(1, target.status().sequences_total));
      // Switching between local and remote: the other side's model is no longer needed (its replies may finish).
      if (previous !== target && provider === target) retire(previous);
      return model;
    });
    loadPromise = attempt.then(
      () => undefined,
      () => undefined,
    );
    return attempt;
  }

  function retire(old: LlmProvider): void {
    const done = old.unload().catch(() => undefined);
    retiring.add(done);
    void done.finally(() => retiring.delete(done));
  }

  type Choice = { target: LlmProvider; model: ProviderModel };

  function pickModel(models: ProviderModel[], remoteModels: ProviderModel[] = []): Availability | Choice {
    const dir = displayModelsDir(config.modelsDir);
    const where = remote ? `${dir} or on the upstreams (${upstreamNames()})` : dir;
    if (config.modelId) {
      const wanted = models.find((model) => model.id === config.modelId);
      const wantedRemote = remoteModels.find((model) => model.id === config.modelId);
      // A remote model that is down still becomes active: it is ready as soon as an upstream serving it is back.
      if (!wanted && wantedRemote && remote) return { target: remote, model: wantedRemote };
      if (!wanted) {
        return {
          kind: 'not_found',
          modelId: config.modelId,
          reason: `model "${config.modelId}" (CHAT_MODEL) not found in ${where}`,
        };
      }
      if (wanted.status === 'broken') return brokenAvailability(wanted);
      return { target: local, model: wanted };
    }
    const usable = models.find((model) => model.status === 'available');
    if (usable) return { target: local, model: usable };
    const usableRemote = remoteModels.find((model) => model.status === 'available');
    if (usableRemote && remote) return { target: remote, model: usableRemote };
    const broken = models.find((model) => model.status === 'broken');
    if (broken) return brokenAvailability(broken);
    if (remote) {
      const upstreamReason = remoteModels[0]?.error ?? `no upstream listed a model (${describeUpstreams(remote)})`;
      return { kind: 'no_model', reason: `no model found in ${dir}: put a .gguf file there; ${upstreamReason}` };
    }
    return { kind: 'no_model', reason: `no model found in ${dir}: put a .gguf file there` };
  }

  function upstreamNames(): string {
    return [...new Set(config.upstreams.map((upstream) => upstream.name))].join(', ');
  }

  /** With nothing to run at start, the first remote model an upstream lists later (or CHAT_MODEL's) becomes active. */
  async function adoptLateModel(): Promise<void> {
    if (closed || !remote || (availability.kind !== 'no_model' && availability.kind !== 'not_found')) return;
    const choice = pickModel(await local.listModels(), await remote.listModels());
    if (closed || (availability.kind !== 'no_model' && availability.kind !== 'not_found')) return;
    if ('kind' in choice) {
      availability = choice;
      return;
    }
    startLoad(choice.target, choice.model.id).catch(() => undefined);
  }

  function unavailableReason(): string | null {
    if (closed) return 'the runtime is closed';
    if (availability.kind === 'unscanned') return 'the runtime has not been started';
    if (availability.kind !== 'provider') return availability.reason;
    const state = provider.status();
    if (state.state === 'ready') return null;
    if (provider === remote) return state.reason ?? 'no remote model is selected';
    if (state.state === 'loading') return `model is still loading (${Math.round(state.load_progress * 100)}%)`;
    if (state.state === 'error') return `model failed to load: ${state.reason}`;
    return 'no model is loaded';
  }

  async function generate(request: GenerateRequest): Promise<GenerateResult> {
    const startedAt = performance.now();
    const modelId = activeId();
    // The cache holds text only: replies with tool calls or a grammar are never served from it.
    const textOnly =
      !request.tools &&
      !request.responseFormat &&
      !request.messages.some((m) => m.role === 'tool' || m.tool_calls?.length);
    const cacheable = cache.enabled && modelId !== null && textOnly && isDeterministic(request.params);
    const key = cacheable ? responseCacheKey({ modelId, messages: request.messages, params: request.params }) : null;
    if (key) {
      const hit = cache.get(key);
      if (hit) {
        request.onToken?.(hit.text);
        return {
          text: hit.text,
          modelId: modelId!,
          promptTokensEvaluated: 0,
          stats: {
            ...hit.stats,
            time_to_first_token_ms: 0,
            total_ms: Math.round(performance.now() - startedAt),
            cached: true,
            // Nothing was evaluated for this reply.
            ...(hit.stats.cached_tokens !== undefined ? { cached_tokens: hit.stats.prompt_tokens } : {}),
          },
        };
      }
    }
    const reason = unavailableReason();
    if (reason) throw new ChatUnavailableError(reason);
    // Remote capacity follows upstream health, so it is read per request.
    if (provider === remote) queue.setCapacity(Math.max(1, provider.status().sequences_total));
    let release: () => void;
    const queuedAt = performance.now();
    try {
      release = await queue.acquire(request.signal);
    } catch (error) {
      if (request.signal?.aborted) return abortedResult(modelId ?? '', startedAt);
      throw error;
    }
    const queueWaitMs = performance.now() - queuedAt;
    const run = provider.generate(request, { startedAt });
    inFlight.add(run);
    try {
      const result = { ...(await run), queueWaitMs };
      // The seed is logged so that a reply sampled with a fresh random seed can be repeated.
      options.logger?.debug(
        { model: result.modelId, seed: result.seed ?? null, finish_reason: result.stats.finish_reason },
        'generation finished',
      );
      if (
        key &&
        result.modelId === modelId &&
        (result.stats.finish_reason === 'stop' || result.stats.finish_reason === 'length')
      ) {
        cache.set(key, { text: result.text, stats: result.stats });
      }
      return result;
    } finally {
      inFlight.delete(run);
      release();
    }
  }

  async function complete(request: CompleteRequest): Promise<GenerateResult> {
    const startedAt = performance.now();
    const reason = unavailableReason();
    if (reason) throw new ChatUnavailableError(reason);
    if (provider !== local)
      throw new UnsupportedOperationError('plain completion runs on local models only; the active model is remote');
    let release: () => void;
    try {
      release = await queue.acquire(request.signal);
    } catch (error) {
      if (request.signal?.aborted) return abortedResult(activeId() ?? '', startedAt);
      throw error;
    }
    const run = local.complete(request, { startedAt });
    inFlight.add(run);
    try {
      return await run;
    } finally {
      inFlight.delete(run);
      release();
    }
  }

  async function embed(request: EmbedRequest): Promise<EmbedResult> {
    if (closed) throw new ChatUnavailableError('the runtime is closed');
    if (request.model !== config.embeddingModelId && provider !== local && request.model === activeId()) {
      throw new UnsupportedOperationError(
        'embeddings run on local models only; the active model is remote (set EMBEDDING_MODEL)',
      );
    }
    const run = local.embed(request);
    inFlight.add(run);
    try {
      return await run;
    } finally {
      inFlight.delete(run);
    }
  }

  return {
    complete,
    embed,
    embeddingStatus: () => local.embeddingStatus(),
    async start() {
      if (availability.kind !== 'unscanned') return;
      // The embedding model loads beside the chat model, in the background; its failure shows in embeddingStatus().
      void local.loadEmbeddingModel();
      // The first round of health checks is awaited so that remote models are known when start() resolves.
      await remote?.refresh();
      const choice = pickModel(await local.listModels(), (await remote?.listModels()) ?? []);
      if ('kind' in choice) {
        availability = choice;
        return;
      }
      // Background load: failures surface through status() and unavailableReason().
      startLoad(choice.target, choice.model.id).catch(() => undefined);
    },
    whenLoaded: () => loadPromise,
    async whenIdle() {
      await loadPromise;
      while (inFlight.size > 0 || retiring.size > 0) await Promise.allSettled([...inFlight, ...retiring]);
    },
    async listModels() {
      const active = activeId();
      const models = [...(await local.listModels()), ...((await remote?.listModels()) ?? [])];
      return models.map((model) => ({ ...model, active: model.id === active }));
    },
    async providers() {
      const state = local.status();
      const models = await local.listModels();
      // While a remote model is active, the local provider is merely idle; the runtime's reason is the remote's.
      const reason = provider === local ? unavailableReason() : state.reason;
      const mapped: ProviderInfo['status'] =
        state.state === 'ready'
          ? 'ready'
          : state.state === 'loading'
            ? 'loading'
            : state.state === 'error'
              ? 'error'
              : reason
                ? 'unavailable'
                : 'idle';
      const localInfo: ProviderInfo = {
        id: local.id,
        type: local.type,
        name: local.name,
        status: mapped,
        models: models.length,
        reason,
      };
      return [localInfo, ...(remote?.providerInfos() ?? [])];
    },
    status() {
      const state = provider.status();
      const base = {
        queue_depth: queue.depth,
        queue_limit: config.queueLimit,
        sequences_in_use: state.sequences_in_use,
        sequences_total: state.sequences_total,
        threads: state.threads,
        gpu: state.gpu,
      };
      if (availability.kind === 'provider' || availability.kind === 'unscanned') {
        return {
          ...base,
          state: availability.kind === 'unscanned' && state.state === 'no_model' ? 'no_model' : state.state,
          model_id: state.model_id,
          load_progress: state.load_progress,
          reason: state.state === 'ready' ? null : (state.reason ?? unavailableReason()),
        };
      }
      const modelId = 'modelId' in availability ? availability.modelId : null;
      return {
        ...base,
        state: availability.kind === 'no_model' ? 'no_model' : 'error',
        model_id: modelId,
        load_progress: 0,
        reason: availability.reason,
      };
    },
    unavailableReason,
    async setActiveModel(id) {
      const models = await local.listModels();
      const model = models.find((candidate) => candidate.id === id);
      if (!model && remote && (await remote.listModels()).some((candidate) => candidate.id === id)) {
        // No load: the model is ready whenever a healthy upstream serves it (status and unavailableReason say so).
        return { ...(await startLoad(remote, id)), active: true };
      }
      if (!model)
        throw new ModelNotFoundError(
          id,
          remote ? `${config.modelsDir} or on the upstreams (${upstreamNames()})` : config.modelsDir,
        );
      if (model.status === 'broken') throw new ModelLoadError(id, `${model.file} is not a valid GGUF: ${model.error}`);
      const loaded = await startLoad(local, id);
      return { ...loaded, active: true };
    },
    generate,
    prepare(request) {
      if (unavailableReason() !== null || !provider.prepare) return 'skipped';
      return provider.prepare(request);
    },
    async close() {
      if (closed) return;
      closed = true;
      closing.abort(new Error('runtime closed'));
      queue.rejectAll(new ChatUnavailableError('the runtime is closed'));
      await Promise.all([local.close(), remote?.close()]);
      await Promise.allSettled([...inFlight, ...retiring]);
      cache.clear();
    },
  };
}

/**
 * How a reason names the models folder: relative to the working directory when inside it (`models`), else only
 * its last segment — reasons reach browser users, who need not learn the server's file system.
 */
export function displayModelsDir(dir: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, path.resolve(dir));
  if (rel === '') return '.';
  if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel;
  return `MODELS_DIR (…/${path.basename(dir)})`;
}

function describeUpstreams(remote: OpenAiCompatibleProvider): string {
  return remote
    .providerInfos()
    .map((info) => `${info.id}: ${info.reason ?? 'no models'}`)
    .join('; ');
}

function brokenAvailability(model: ProviderModel): Availability {
  return { kind: 'broken', modelId: model.id, reason: `${model.file} is not a valid GGUF: ${model.error}` };
}
