import { isDeterministic, responseCacheKey, type CachedResponse, type ResponseCache } from '../cache/index.js';
import type { GenerateRequest, GenerateResult } from '../provider/index.js';

/**
 * The cache key of a request whose reply may be cached, else null: the cache holds text only, so replies with tool
 * calls or a grammar are never served from it, and only deterministic sampling is cached.
 */
export function replyCacheKey(cache: ResponseCache, request: GenerateRequest, modelId: string | null): string | null {
  const textOnly =
    !request.tools &&
    !request.responseFormat &&
    !request.messages.some((message) => message.role === 'tool' || message.tool_calls?.length);
  if (!cache.enabled || modelId === null || !textOnly || !isDeterministic(request.params)) return null;
  return responseCacheKey({ modelId, messages: request.messages, params: request.params });
}

/** A cache hit as a generation result: no time to first token, nothing evaluated. */
export function cachedResult(hit: CachedResponse, modelId: string, startedAt: number): GenerateResult {
  return {
    text: hit.text,
    modelId,
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

/** Whether a result may be stored under `key`: same model, and a reply that ended normally. */
export function isCacheable(result: GenerateResult, modelId: string | null): boolean {
  return (
    result.modelId === modelId && (result.stats.finish_reason === 'stop' || result.stats.finish_reason === 'length')
  );
}
