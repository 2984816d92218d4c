import { ChatUnavailableError } from '../errors/index.js';
import { abortedResult } from '../provider/aborted-result.js';
import type { GenerateRequest, GenerateResult } from '../provider/index.js';
import { downReason, type RemoteModelId } from './remote-models.js';
import { streamChatCompletion, type AttemptOutcome } from './stream-chat-completion.js';
import { UpstreamRequestError } from './upstream-errors.js';
import type { Upstream, UpstreamPool } from './upstream-pool.js';

/** What {@link generateRemote} needs besides the request. */
export interface RemoteGeneration {
  pool: UpstreamPool;
  /** The active model's full id and its parts. */
  modelId: string;
  target: RemoteModelId;
  /** The request's signal joined with the provider's closing signal. */
  signal: AbortSignal;
  defaultMaxTokens: number;
  responseTimeoutMs: number;
  /** Attempts are added here until they settle, so that closing can wait for them. */
  inFlight: Set<Promise<unknown>>;
  startedAt: number;
}

type Finished = Extract<AttemptOutcome, { kind: 'finished' }>;

/**
 * Streams the reply from the healthy upstream with the fewest outstanding requests, trying the next one when an
 * attempt fails before its first token. A request any upstream would refuse throws UpstreamRequestError at once;
 * when no upstream is left, ChatUnavailableError says what each attempt came to.
 */
export async function generateRemote(generation: RemoteGeneration, request: GenerateRequest): Promise<GenerateResult> {
  const { pool, modelId, target } = generation;
  const tried = new Set<Upstream>();
  const failures: string[] = [];
  let allBusy = true;
  for (;;) {
    const upstream = pool.pick(target.name, target.model, tried);
    if (!upstream) {
      if (generation.signal.aborted) return abortedResult(modelId, generation.startedAt);
      const why =
        failures.length > 0
          ? `every upstream for ${modelId} ${allBusy ? 'is busy' : 'failed'}: ${failures.join('; ')}`
          : (downReason(pool, target.name, target.model) ?? 'no upstream is available');
      throw new ChatUnavailableError(why);
    }
    tried.add(upstream);
    const outcome = await attemptOn(generation, upstream, request);
    if (outcome.kind === 'finished') {
      if (outcome.brokenBecause) pool.failed(upstream, outcome.brokenBecause);
      else if (outcome.finish !== 'abort') pool.succeeded(upstream);
      return remoteResult(modelId, upstream, outcome, generation.startedAt);
    }
    if (outcome.cause === 'request') throw new UpstreamRequestError(upstream.id, outcome.status ?? 400, outcome.reason);
    if (outcome.cause !== 'busy') allBusy = false;
    if (outcome.cause === 'upstream') pool.failed(upstream, outcome.reason);
    // It answered, so it is up, but its list is out of date; the next check brings the new one.
    if (outcome.cause === 'stale') upstream.models = upstream.models.filter((model) => model !== target.model);
    failures.push(`${upstream.id}: ${outcome.reason}`);
  }
}

/** One attempt on one upstream, counted in its outstanding requests while it runs. */
async function attemptOn(
  generation: RemoteGeneration,
  upstream: Upstream,
  request: GenerateRequest,
): Promise<AttemptOutcome> {
  upstream.outstanding++;
  const attempt = streamChatCompletion({
    upstream,
    model: generation.target.model,
    request,
    defaultMaxTokens: generation.defaultMaxTokens,
    signal: generation.signal,
    responseTimeoutMs: generation.responseTimeoutMs,
  });
  generation.inFlight.add(attempt);
  try {
    return await attempt;
  } finally {
    generation.inFlight.delete(attempt);
    upstream.outstanding--;
  }
}

/** A finished stream as a generation result; as for local models, TTFT is the first token's time. */
export function remoteResult(
  modelId: string,
  upstream: Upstream,
  outcome: Finished,
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
      // The rate covers the tokens after the first.
      tokens_per_second:
        generationSeconds > 0 && completionTokens > 1
          ? Math.round(((completionTokens - 1) / generationSeconds) * 10) / 10
          : null,
      total_ms: Math.round(outcome.endedAt - startedAt),
      finish_reason: outcome.finish,
    },
  };
}
