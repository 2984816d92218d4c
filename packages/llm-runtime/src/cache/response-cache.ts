import { createHash } from 'node:crypto';
import type { GenerationParams, GenerationStats } from '@chat-studio/protocol';

/** What the cache keeps for one reply. */
export interface CachedResponse {
  text: string;
  stats: GenerationStats;
}

/** Inputs that decide a reply. */
export interface CacheKeyInput {
  modelId: string;
  messages: readonly { role: string; content: string }[];
  params: GenerationParams | undefined;
}

/**
 * True when the same input gives the same output: greedy sampling (temperature 0) or a fixed seed.
 *
 * @example
 * isDeterministic({ temperature: 0 }) // true
 * isDeterministic({ temperature: 0.8 }) // false
 */
export function isDeterministic(params: GenerationParams | undefined): boolean {
  return params?.temperature === 0 || params?.seed !== undefined;
}

/**
 * Stable key of a request: param keys are sorted so `{a,b}` and `{b,a}` hit the same entry.
 *
 * @example
 * responseCacheKey({ modelId: 'm', messages: [{ role: 'user', content: 'hi' }], params: { temperature: 0 } })
 */
export function responseCacheKey(input: CacheKeyInput): string {
  const params = Object.entries(input.params ?? {})
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const messages = input.messages.map((message) => [message.role, message.content]);
  return createHash('sha256')
    .update(JSON.stringify([input.modelId, messages, params]))
    .digest('hex');
}

/** Options for {@link createResponseCache}. */
export interface ResponseCacheOptions {
  /** Entry lifetime in seconds; 0 disables the cache. */
  ttlS: number;
  /** Most entries; the least recently used goes first. */
  maxEntries: number;
  /** Clock in ms; tests pass their own. Defaults to `Date.now`. */
  now?: () => number;
}

/** LRU map with a time to live. */
export interface ResponseCache {
  get(key: string): CachedResponse | undefined;
  set(key: string, value: CachedResponse): void;
  clear(): void;
  readonly size: number;
  readonly enabled: boolean;
}

/**
 * Creates an LRU response cache with TTL.
 *
 * @example
 * const cache = createResponseCache({ ttlS: 300, maxEntries: 500 });
 */
export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const now = options.now ?? Date.now;
  const enabled = options.ttlS > 0 && options.maxEntries > 0;
  // A Map iterates in insertion order, so re-inserting on read makes the first key the least recently used.
  const entries = new Map<string, { value: CachedResponse; expiresAt: number }>();
  return {
    enabled,
    get size() {
      return entries.size;
    },
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value) {
      if (!enabled) return;
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + options.ttlS * 1000 });
      while (entries.size > options.maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    clear() {
      entries.clear();
    },
  };
}
