import type { GenerateRequest, GenerateResult } from '../provider/index.js';
import { cachedResult, isCacheable, replyCacheKey } from './cached-reply.js';
import { runQueued } from './queued-run.js';
import { reasonNow, refusalNow, type RuntimeContext } from './runtime-context.js';

/** A reply: from the cache when the same deterministic request was answered, else queued on the active provider. */
export async function generateReply(context: RuntimeContext, request: GenerateRequest): Promise<GenerateResult> {
  const startedAt = performance.now();
  const { cache, queue, providers } = context;
  const modelId = providers.activeModelId();
  const key = replyCacheKey(cache, request, modelId);
  const hit = key ? cache.get(key) : undefined;
  if (hit && modelId !== null) {
    request.onToken?.(hit.text);
    return cachedResult(hit, modelId, startedAt);
  }
  const refused = refusalNow(context);
  if (refused) throw refused;
  const provider = providers.provider;
  const queued = {
    queue,
    signal: request.signal,
    inFlight: context.inFlight,
    modelId: () => modelId,
    unavailableReason: () => reasonNow(context),
    startedAt,
  };
  return runQueued(queued, async (queueWaitMs) => {
    const result = { ...(await provider.generate(request, { startedAt })), queueWaitMs };
    // The seed is logged so that a reply sampled with a fresh random seed can be repeated.
    context.logger?.debug(
      { model: result.modelId, seed: result.seed ?? null, finish_reason: result.stats.finish_reason },
      'generation finished',
    );
    if (key && isCacheable(result, modelId)) cache.set(key, { text: result.text, stats: result.stats });
    return result;
  });
}
