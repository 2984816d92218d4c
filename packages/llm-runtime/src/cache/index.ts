/** Response cache for deterministic requests. */
export {
  createResponseCache,
  responseCacheKey,
  isDeterministic,
  type ResponseCache,
  type ResponseCacheOptions,
  type CachedResponse,
  type CacheKeyInput,
} from './response-cache.js';
