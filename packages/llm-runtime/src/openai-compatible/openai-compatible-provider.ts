import { assertRemoteSupports } from './unsupported-fields.js';
import type { ProviderInfo } from '@chat-studio/protocol';
import type { UpstreamOptions } from '../config/index.js';
import { ChatUnavailableError, ModelNotFoundError } from '../errors/index.js';
import type {
  GenerateRequest,
  GenerateResult,
  GenerateTiming,
  LlmProvider,
  ProviderModel,
  ProviderStatus,
} from '../provider/index.js';
import {
  fetchFailure,
  httpFailure,
  requestHeaders,
  streamChatCompletion,
  type AttemptOutcome,
} from './stream-chat-completion.js';
import { UpstreamRequestError } from './upstream-errors.js';
import { createUpstreamPool, type Upstream } from './upstream-pool.js';
import { abortedResult } from '../provider/aborted-result.js';

/** `ModelInfo.provider` and `ProviderInfo.type` of remote models and upstreams. */
export const OPENAI_COMPATIBLE_PROVIDER_ID = 'openai-compatible';

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
  const checkIntervalMs = options.checkIntervalMs ?? 5000;
  const concurrency = options.concurrency ?? 4;
  const defaultMaxTokens = options.defaultMaxTokens ?? 1024;
  const responseTimeoutMs = options.responseTimeoutMs ?? 30_000;
  const pool = createUpstreamPool({ upstreams: options.upstreams, maxFailures: options.maxFailures ?? 3 });
  const closing = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  let activeModel: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let checking: Promise<void> | null = null;
  let modelKeys = '';

  function split(modelId: string): { name: string; model: string } | null {
    const slash = modelId.indexOf('/');
    if (slash <= 0) return null;
    const name = modelId.slice(0, slash);
    return pool.all.some((upstream) => upstream.name === name) ? { name, model: modelId.slice(slash + 1) } : null;
  }

  async function check(upstream: Upstream): Promise<void> {
    try {
      const response = await fetch(`${upstream.baseUrl}/models`, {
        headers: requestHeaders(upstream.apiKey),
        signal: AbortSignal.any([
          closing.signal,
          AbortSignal.timeout(Math.min(responseTimeoutMs, Math.max(1000, checkIntervalMs))),
        ]),
      });
      if (!response.ok) {
        pool.failed(upstream, await httpFailure(response));
        return;
      }
      const body = (await response.json()) as { data?: { id?: unknown }[] };
      if (!Array.isArray(body.data)) {
        pool.failed(upstream, 'GET /models did not answer with { data: [...] }');
        return;
      }
      pool.succeeded(
        upstream,
        body.data.map((model) => model.id).filter((id): id is string => typeof id === 'string'),
      );
    } catch (error) {
      if (!closing.signal.aborted) pool.failed(upstream, fetchFailure(error));
    }
  }

  function checkAll(): Promise<void> {
    // A slow round must not stack up behind itself when the interval fires again.
    checking ??= Promise.all(pool.all.map(check)).then(() => {
      checking = null;
      const keys = JSON.stringify(currentModels().map((model) => [model.id, model.status]));
      if (keys !== modelKeys) {
        modelKeys = keys;
        options.onModelsChanged?.();
      }
    });
    return checking;
  }

  function currentModels(): ProviderModel[] {
    const seen = new Map<string, ProviderModel>();
    for (const upstream of pool.all) {
      for (const model of upstream.models) {
        const id = `${upstream.name}/${model}`;
        if (seen.has(id)) continue;
        const reason = downReason(upstream.name, model);
        seen.set(id, {
          id,
          name: model,
          provider: OPENAI_COMPATIBLE_PROVIDER_ID,
          file: null,
          size_bytes: null,
          architecture: null,
          parameters: null,
          quantization: null,
          context_length: null,
          has_chat_template: true,
          status: reason ? 'broken' : 'available',
          error: reason,
        });
      }
    }
    return [...seen.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Null when some healthy upstream serves the model; else why none does. */
  function downReason(name: string, model: string): string | null {
    if (pool.serving(name, model).length > 0) return null;
    const members = pool.all.filter((upstream) => upstream.name === name);
    const latest = members
      .filter((upstream) => upstream.lastError !== null)
      .sort((a, b) => (b.lastCheckedAt?.getTime() ?? 0) - (a.lastCheckedAt?.getTime() ?? 0))[0];
    if (members.some((upstream) => upstream.healthy)) {
      return `no healthy upstream named "${name}" lists model "${model}"`;
    }
    return `all upstreams for ${name}/${model} are down: ${latest?.lastError ?? 'not checked yet'}`;
  }

  async function generate(request: GenerateRequest, timing?: GenerateTiming): Promise<GenerateResult> {
    const startedAt = timing?.startedAt ?? performance.now();
    const modelId = activeModel;
    const target = modelId ? split(modelId) : null;
    if (!modelId || !target) throw new ChatUnavailableError('no remote model is selected');
    assertRemoteSupports(request);
    const signal = request.signal ? AbortSignal.any([request.signal, closing.signal]) : closing.signal;
    const tried = new Set<Upstream>();
    const failures: string[] = [];
    let allBusy = true;
    for (;;) {
      const upstream = pool.pick(target.name, target.model, tried);
      if (!upstream) {
        if (signal.aborted) return abortedResult(modelId, startedAt);
        const why =
          failures.length > 0
            ? `every upstream for ${modelId} ${allBusy ? 'is busy' : 'failed'}: ${failures.join('; ')}`
            : (downReason(target.name, target.model) ?? 'no upstream is available');
        throw new ChatUnavailableError(why);
      }
      tried.add(upstream);
      upstream.outstanding++;
      let outcome: AttemptOutcome;
      const attempt = streamChatCompletion({
        upstream,
        model: target.model,
        request,
        defaultMaxTokens,
        signal,
        responseTimeoutMs,
      });
      inFlight.add(attempt);
      try {
        outcome = await attempt;
      } finally {
        inFlight.delete(attempt);
        upstream.outstanding--;
      }
      if (outcome.kind === 'finished') {
        if (outcome.brokenBecause) pool.failed(upstream, outcome.brokenBecause);
        else if (outcome.finish !== 'abort') pool.succeeded(upstream);
        return toResult(modelId, upstream, outcome, startedAt);
      }
      if (outcome.cause === 'request')
        throw new UpstreamRequestError(upstream.id, outcome.status ?? 400, outcome.reason);
      if (outcome.cause !== 'busy') allBusy = false;
      if (outcome.cause === 'upstream') pool.failed(upstream, outcome.reason);
      // It answered, so it is up, but its list is out of date; the next check brings the new one.
      if (outcome.cause === 'stale') upstream.models = upstream.models.filter((model) => model !== target.model);
      failures.push(`${upstream.id}: ${outcome.reason}`);
    }
  }

  function status(): ProviderStatus {
    const base = { load_progress: activeModel ? 1 : 0, threads: null, gpu: null };
    const target = activeModel ? split(activeModel) : null;
    if (!activeModel || !target)
      return { ...base, state: 'no_model', model_id: null, reason: null, sequences_in_use: 0, sequences_total: 0 };
    const members = pool.all.filter((upstream) => upstream.name === target.name);
    const inUse = members.reduce((sum, upstream) => sum + upstream.outstanding, 0);
    const serving = pool.serving(target.name, target.model).length;
    const reason = downReason(target.name, target.model);
    return {
      ...base,
      state: reason ? 'error' : 'ready',
      model_id: activeModel,
      reason,
      sequences_in_use: inUse,
      sequences_total: serving * concurrency,
    };
  }

  return {
    id: OPENAI_COMPATIBLE_PROVIDER_ID,
    type: OPENAI_COMPATIBLE_PROVIDER_ID,
    name: 'OpenAI-compatible upstreams',
    async refresh() {
      if (closing.signal.aborted) return;
      if (!timer) {
        timer = setInterval(() => void checkAll(), checkIntervalMs);
        // Health checks alone must not keep a process alive.
        timer.unref();
      }
      await checkAll();
    },
    async listModels() {
      return currentModels();
    },
    async load(modelId) {
      const model = currentModels().find((candidate) => candidate.id === modelId);
      if (!model)
        throw new ModelNotFoundError(
          modelId,
          `the upstreams (${[...new Set(pool.all.map((upstream) => upstream.name))].join(', ')})`,
        );
      // Nothing to load: the state is ready whenever a healthy upstream serves the model.
      activeModel = modelId;
      return model;
    },
    generate,
    status,
    providerInfos() {
      return pool.all.map((upstream): ProviderInfo => {
        const models = upstream.models.length;
        const checked = upstream.lastCheckedAt !== null;
        return {
          id: upstream.id,
          type: OPENAI_COMPATIBLE_PROVIDER_ID,
          name: `${upstream.name} (${upstream.baseUrl})`,
          status: upstream.healthy ? 'ready' : checked ? 'error' : 'loading',
          models,
          reason: upstream.healthy ? null : checked ? (upstream.lastError ?? 'unhealthy') : 'not checked yet',
          health: pool.health(upstream),
        };
      });
    },
    async unload() {
      activeModel = null;
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      closing.abort(new Error('runtime closed'));
      await Promise.allSettled([...inFlight, ...(checking ? [checking] : [])]);
    },
  };
}

function toResult(
  modelId: string,
  upstream: Upstream,
  outcome: Extract<AttemptOutcome, { kind: 'finished' }>,
  startedAt: number,
): GenerateResult {
  const completionTokens = outcome.usage?.completion_tokens ?? outcome.deltas;
  const promptTokens = outcome.usage?.prompt_tokens ?? 0;
  const generationSeconds = outcome.firstTokenAt === null ? 0 : (outcome.endedAt - outcome.firstTokenAt) / 1000;
  return {
    text: outcome.text,
    modelId,
    servedBy: upstream.id,
    // The upstream does not say how much of the prompt it had cached.
    promptTokensEvaluated: promptTokens,
    stats: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      time_to_first_token_ms: outcome.firstTokenAt === null ? null : Math.round(outcome.firstTokenAt - startedAt),
      // As for local models: the first token's time is TTFT; the rate covers the tokens after it.
      tokens_per_second:
        generationSeconds > 0 && completionTokens > 1
          ? Math.round(((completionTokens - 1) / generationSeconds) * 10) / 10
          : null,
      total_ms: Math.round(outcome.endedAt - startedAt),
      finish_reason: outcome.finish,
    },
  };
}
