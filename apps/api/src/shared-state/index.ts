/** State that several API processes share: rate-limit counters in Redis. */
export {
  createRedisRateLimitStore,
  redactRedisUrl,
  SharedStateError,
  type RateLimitStore,
  type RedisRateLimitStore,
  type RedisRateLimitStoreOptions,
} from './redis-rate-limit-store.js';
