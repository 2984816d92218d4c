/** State that several API processes share: rate-limit counters in Redis. */
export {
  createRedisRateLimitStore,
  redactRedisUrl,
  SharedStateError,
  type RateLimitStore,
  type RedisRateLimitStore,
  type RedisRateLimitStoreOptions,
  type SharedStateHealth,
} from './redis-rate-limit-store.js';
