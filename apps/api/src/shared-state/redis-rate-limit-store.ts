/** Rate-limit counters in Redis, so every API process behind a load balancer counts against the same limits. */
import { MemoryStore } from 'hono-rate-limiter';
import { Redis } from 'ioredis';
import type { ErrorCode } from '@chat-studio/protocol';
import type { RateLimitName, RateLimitsOptions } from '@chat-studio/security';

/** The hit-count store `rateLimits({ store })` takes (hono-rate-limiter's `Store`). */
export type RateLimitStore = ReturnType<NonNullable<RateLimitsOptions['store']>>;

/** Redis was unreachable or answered unexpectedly. */
export class SharedStateError extends Error {
  override readonly name = 'SharedStateError';
  /** Start-up fails with it; were it ever answered, the rate-limit store is a dependency that is down. */
  readonly code = 'chat_unavailable' satisfies ErrorCode;
}

export interface RedisRateLimitStoreOptions {
  /** Prepended to every key, so several deployments can share one Redis. Defaults to `'chat-studio:ratelimit:'`. */
  keyPrefix?: string;
  /** How long connecting may take before start-up fails. Defaults to 5000 ms. */
  connectTimeoutMs?: number;
  /** Called when Redis stops answering (each process then counts alone) and when it answers again. Defaults to none. */
  onStateChange?: (state: SharedStateHealth) => void;
}

/** Whether the counters are shared right now. */
export interface SharedStateHealth {
  ok: boolean;
  /** Why Redis is not used, while it is not. */
  error: string | null;
}

export interface RedisRateLimitStore {
  /** One store per limit, for `rateLimits({ store })`; the limits keep separate counters. */
  store(name: RateLimitName): RateLimitStore;
  /** `true` when Redis answers PING. */
  ping(): Promise<boolean>;
  /** Whether the last command reached Redis. While not, every limit counts in this process only. */
  health(): SharedStateHealth;
  /** Closes the connection; idempotent. */
  close(): Promise<void>;
}

// The same Lua as hono-rate-limiter's RedisStore: the count and its expiry change in one atomic step, so two
// processes incrementing at once can neither lose a hit nor leave a key without a TTL.
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
  ttl = tonumber(ARGV[1])
end
return { hits, ttl }`;

const GET = `
return { redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]) }`;

// Never below zero and never on a key whose window already ended (a bare DECR would create it at -1, without TTL).
const DECREMENT = `
local current = tonumber(redis.call('GET', KEYS[1]))
if current and current > 0 then redis.call('DECR', KEYS[1]) end
return 0`;

interface RateLimitCommands {
  chatStudioRateIncrement(key: string, windowMs: number): Promise<[number, number]>;
  chatStudioRateGet(key: string): Promise<[string | null, number]>;
  chatStudioRateDecrement(key: string): Promise<number>;
}

/**
 * Connects to Redis (failing start-up if it can't) and returns rate-limit stores that share their counts with every
 * other process using the same Redis. ioredis sends the scripts with EVALSHA and reloads them after a Redis restart.
 * If Redis goes away later, each limit counts in this process until Redis answers again (see `health()`).
 *
 * @example
 * const shared = await createRedisRateLimitStore(process.env.REDIS_URL!);
 * const limits = rateLimits({ ...security.rates, store: shared.store });
 * // on shutdown
 * await shared.close();
 */
export async function createRedisRateLimitStore(
  url: string,
  options: RedisRateLimitStoreOptions = {},
): Promise<RedisRateLimitStore> {
  const keyPrefix = options.keyPrefix ?? 'chat-studio:ratelimit:';
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    // A request waits for at most one reconnect, rather than ioredis's default 20 retries, when Redis goes away.
    maxRetriesPerRequest: 1,
    // While disconnected, commands fail at once (and count locally) instead of queueing behind the reconnect.
    enableOfflineQueue: false,
  });
  // Without a listener ioredis prints every reconnect error; commands still reject on their own. The last one is
  // kept: a refused password only shows there (connect() itself then says "Connection is closed.").
  let lastError: Error | undefined;
  client.on('error', (err: Error) => {
    lastError = err;
  });
  client.defineCommand('chatStudioRateIncrement', { numberOfKeys: 1, lua: INCREMENT });
  client.defineCommand('chatStudioRateGet', { numberOfKeys: 1, lua: GET });
  client.defineCommand('chatStudioRateDecrement', { numberOfKeys: 1, lua: DECREMENT });
  const commands = client as unknown as RateLimitCommands;

  try {
    await client.connect();
    await client.ping();
  } catch (cause) {
    client.disconnect();
    const refused = authFailure(lastError) ?? authFailure(cause);
    if (refused) {
      throw new SharedStateError(
        `Redis at ${redactRedisUrl(url)} refused to authenticate (${refused}): check the password in REDIS_URL ` +
          '(redis://:<password>@host:6379/0, or redis://<user>:<password>@… for an ACL user)',
        { cause },
      );
    }
    throw new SharedStateError(
      `Cannot reach Redis at ${redactRedisUrl(url)}: ${(lastError ?? (cause as Error)).message}`,
      { cause },
    );
  }

  let closed = false;
  let health: SharedStateHealth = { ok: true, error: null };
  const setHealth = (next: SharedStateHealth) => {
    if (next.ok === health.ok) return;
    health = next;
    options.onStateChange?.(next);
  };
  const fallbacks: MemoryStore[] = [];

  /**
   * Runs a command on Redis, or on this process's own counters while Redis is unreachable: an outage of the shared
   * counters loosens the limits to one count per process for a while, rather than failing every request with a 500.
   */
  async function shared<T>(remote: () => Promise<T>, local: () => T | Promise<T>): Promise<T> {
    if (client.status !== 'ready') {
      setHealth({ ok: false, error: `Redis connection is ${client.status}` });
      return local();
    }
    try {
      const result = await remote();
      setHealth({ ok: true, error: null });
      return result;
    } catch (cause) {
      setHealth({ ok: false, error: (cause as Error).message });
      return local();
    }
  }

  return {
    store(name) {
      const prefix = `${keyPrefix}${name}:`;
      let windowMs = 60_000;
      const local = new MemoryStore();
      fallbacks.push(local);
      return {
        // Counts are shared across processes: tells the limiter this store can't double-count locally.
        localKeys: false,
        prefix,
        init(config: { windowMs: number }) {
          windowMs = config.windowMs;
          local.init(config as Parameters<MemoryStore['init']>[0]);
        },
        get(key: string) {
          return shared(
            async () => {
              const [hits, ttl] = await commands.chatStudioRateGet(prefix + key);
              if (hits == null) return undefined;
              return { totalHits: Number(hits), resetTime: new Date(Date.now() + Math.max(0, ttl)) };
            },
            () => local.get(key),
          );
        },
        increment(key: string) {
          return shared(
            async () => {
              const [hits, ttl] = await commands.chatStudioRateIncrement(prefix + key, windowMs);
              return { totalHits: hits, resetTime: new Date(Date.now() + ttl) };
            },
            () => local.increment(key),
          );
        },
        decrement(key: string) {
          return shared(
            async () => {
              await commands.chatStudioRateDecrement(prefix + key);
            },
            () => local.decrement(key),
          );
        },
        resetKey(key: string) {
          return shared(
            async () => {
              await client.del(prefix + key);
            },
            () => local.resetKey(key),
          );
        },
      };
    },
    health() {
      // The socket's state is known at once; the last command's outcome covers a Redis that is up but refusing.
      if (client.status !== 'ready' && !closed) return { ok: false, error: `Redis connection is ${client.status}` };
      return { ...health };
    },
    async ping() {
      try {
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const local of fallbacks) local.shutdown();
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparsable url)';
  }
}

/** Redis's answer when `error` is an authentication failure (wrong or missing password, unknown ACL user). */
export function authFailure(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : '';
  return /WRONGPASS|NOAUTH|invalid password|invalid username-password|AUTH .*without any password/i.test(message)
    ? message
    : undefined;
}
