import type { UpstreamOptions } from '../config/index.js';
import { ChatUnavailableError, ModelNotFoundError } from '../errors/index.js';
import type { GenerateRequest, GenerateResult, GenerateTiming, LlmProvider } from '../provider/index.js';
import type { ProviderInfo } from '@chat-studio/protocol';
import { generateRemote } from './generate-remote.js';
import { createHealthChecks } from './health-checks.js';
import { listRemoteModels, OPENAI_COMPATIBLE_PROVIDER_ID, splitRemoteModelId } from './remote-models.js';
import { remoteStatus, upstreamInfo } from './remote-status.js';
import { assertRemoteSupports } from './unsupported-fields.js';
import { createUpstreamPool } from './upstream-pool.js';

export { OPENAI_COMPATIBLE_PROVIDER_ID } from './remote-models.js';

/** Options for {@link createOpenAiCompatibleProvider}. */
export interface OpenAiCompatibleProviderOptions {
  /** The servers; the same `name` on several makes them one pool for the same models. */
  upstreams: UpstreamOptions[];
  /** How often each upstream is checked with GET /models. Defaults to 5000 ms. */
  checkIntervalMs?: number;
  /** Consecutive failures that take an upstream out of rotation. Defaults to 3. */
  maxFailures?: number;
  /** Requests one healthy upstream is counted for in `status().sequences_total`. Defaults to 4. */
  concurrency?: number;
  /** `max_tokens` sent when a request sets none. Defaults to 1024. */
  defaultMaxTokens?: number;
  /** Longest wait for an upstream's response headers (also the health check's limit). Defaults to 30000 ms. */
  responseTimeoutMs?: number;
  /** Called when the set of remote models changes (an upstream came up, went away, or lists other models). */
  onModelsChanged?: () => void;
}

/** The remote provider, with what the runtime needs beyond {@link LlmProvider}. */
export interface OpenAiCompatibleProvider extends LlmProvider {
  /** Checks every upstream now and starts the periodic checks; resolves when this round is done. */
  refresh(): Promise<void>;
  /** One entry per upstream, with its health. */
  providerInfos(): ProviderInfo[];
}

/**
 * Serves models of remote OpenAI-compatible servers (another Chat Studio, llama.cpp's server, vLLM, ...) as
 * `<upstream name>/<model id>`. Requests go to the healthy upstream with the fewest outstanding requests; one that
 * fails before its first token is retried on the next; an upstream is taken out after `maxFailures` failures in
 * a row and comes back when a health check succeeds.
 *
 * @example
 * const remote = createOpenAiCompatibleProvider({ upstreams: [{ name: 'gpu', baseUrl: 'http://10.0.0.5:8080/v1' }] });
 * await remote.refresh();
 * await remote.load('gpu/llama-3.1-8b');
 * const { text } = await remote.generate({ messages: [{ role: 'user', content: 'Hi' }] });
 */
export function createOpenAiCompatibleProvider(options: OpenAiCompatibleProviderOptions): OpenAiCompatibleProvider {
  const concurrency = options.concurrency ?? 4;
  const responseTimeoutMs = options.responseTimeoutMs ?? 30_000;
  const pool = createUpstreamPool({ upstreams: options.upstreams, maxFailures: options.maxFailures ?? 3 });
  const closing = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  let activeModel: string | null = null;
  const checks = createHealthChecks({
    pool,
    intervalMs: options.checkIntervalMs ?? 5000,
    responseTimeoutMs,
    closing: closing.signal,
    modelsKey: () => JSON.stringify(listRemoteModels(pool).map((model) => [model.id, model.status])),
    ...(options.onModelsChanged ? { onChanged: options.onModelsChanged } : {}),
  });

  async function generate(request: GenerateRequest, timing?: GenerateTiming): Promise<GenerateResult> {
    const startedAt = timing?.startedAt ?? performance.now();
    const modelId = activeModel;
    const target = modelId ? splitRemoteModelId(pool, modelId) : null;
    if (!modelId || !target) throw new ChatUnavailableError('no remote model is selected');
    assertRemoteSupports(request);
    const signal = request.signal ? AbortSignal.any([request.signal, closing.signal]) : closing.signal;
    const defaultMaxTokens = options.defaultMaxTokens ?? 1024;
    const generation = { pool, modelId, target, signal, defaultMaxTokens, responseTimeoutMs, inFlight, startedAt };
    return generateRemote(generation, request);
  }

  return {
    id: OPENAI_COMPATIBLE_PROVIDER_ID,
    type: OPENAI_COMPATIBLE_PROVIDER_ID,
    name: 'OpenAI-compatible upstreams',
    refresh: () => checks.refresh(),
    listModels: async () => listRemoteModels(pool),
    async load(modelId) {
      const model = listRemoteModels(pool).find((candidate) => candidate.id === modelId);
      if (!model) {
        const names = [...new Set(pool.all.map((upstream) => upstream.name))].join(', ');
        throw new ModelNotFoundError(modelId, `the upstreams (${names})`);
      }
      // Nothing to load: the state is ready whenever a healthy upstream serves the model.
      activeModel = modelId;
      return model;
    },
    generate,
    status: () => remoteStatus(pool, activeModel, concurrency),
    providerInfos: () => pool.all.map((upstream): ProviderInfo => upstreamInfo(pool, upstream)),
    async unload() {
      activeModel = null;
    },
    async close() {
      // Stopping the timer first; the round under way ends quickly once `closing` aborts its requests.
      const stopped = checks.stop();
      closing.abort(new Error('runtime closed'));
      await Promise.allSettled([...inFlight, stopped]);
    },
  };
}
