import type { Context, MiddlewareHandler } from 'hono';
import { MemoryStore, rateLimiter, type Store } from 'hono-rate-limiter';
import { errorEnvelope } from '@chat-studio/protocol';
import type { Principal } from '../auth/index.js';
import { parseRate, type Rate } from '../rate-limit/index.js';
import { clientIp } from './request-info.js';
import type { TrustProxy } from './security-env.js';

/** The three limits the API applies. */
export type RateLimitName = 'chat' | 'api' | 'login';

/** A rate as text (`'5/minute'`), parsed (`{ limit, windowMs }`), or `'off'`. */
export type RateSetting = string | Rate;

export interface RateLimitsOptions {
  /** Chat generation requests per user. Defaults to `'5/minute'` (RATE_LIMIT_CHAT). */
  chat?: RateSetting;
  /** Every API request per user. Defaults to `'300/minute'` (RATE_LIMIT_API). */
  api?: RateSetting;
  /** Failed logins per client IP; successful ones don't count. Defaults to `'10/15minutes'` (RATE_LIMIT_LOGIN). */
  login?: RateSetting;
  /** Makes the hit-count store for each limit. Defaults to a new `MemoryStore` each (one process). */
  store?: (name: RateLimitName) => Store;
  /** Reverse-proxy hops whose `X-Forwarded-For` is believed (TRUST_PROXY). Defaults to false. */
  trustProxy?: TrustProxy;
  /**
   * Builds the 429 body (the rate-limit headers are already on the response). Defaults to the
   * protocol's envelope `{ error: { code: 'rate_limited', message, details: { retry_after_seconds } } }`.
   */
  respond?: (
    c: Context,
    limited: { name: RateLimitName; message: string; retryAfterSeconds: number },
  ) => Response | Promise<Response>;
}

export const DEFAULT_RATES: Readonly<Record<RateLimitName, string>> = Object.freeze({
  chat: '5/minute',
  api: '300/minute',
  login: '10/15minutes',
});

const passThrough: MiddlewareHandler = async (_c, next) => {
  await next();
};

/** One limit's state for a caller, as `X-RateLimit-*` and the draft-7 `RateLimit` header state it. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/** What {@link rateLimits} returns: a middleware per limit, and a read-only look at a limit's current state. */
export type RateLimits = Record<RateLimitName, MiddlewareHandler> & {
  /**
   * The caller's current state of limit `name` without counting a hit (null when the limit is off or its store
   * cannot say), e.g. for the headers of a 405 on a chat route.
   */
  peek(name: RateLimitName, c: Context): Promise<RateLimitState | null>;
};

/**
 * Sets `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix seconds when the window resets),
 * the names the troubleshooting guide and many clients look for, beside the standard `RateLimit` fields.
 *
 * @example
 * setLegacyRateLimitHeaders(c, { limit: 5, remaining: 4, resetSeconds: 60 });
 */
export function setLegacyRateLimitHeaders(c: Context, state: RateLimitState): void {
  c.header('X-RateLimit-Limit', String(state.limit));
  c.header('X-RateLimit-Remaining', String(Math.max(0, state.remaining)));
  c.header('X-RateLimit-Reset', String(Math.ceil(Date.now() / 1000) + Math.max(0, state.resetSeconds)));
}

/** Reads the draft-7 `RateLimit: limit=5, remaining=4, reset=60` header the limiter set on this response. */
function stateFromHeader(c: Context): RateLimitState | null {
  const header = c.res.headers.get('ratelimit');
  if (!header) return null;
  const fields = Object.fromEntries(header.split(',').map((part) => part.trim().split('=') as [string, string]));
  const limit = Number(fields.limit);
  const remaining = Number(fields.remaining);
  const resetSeconds = Number(fields.reset);
  return [limit, remaining, resetSeconds].every(Number.isFinite) ? { limit, remaining, resetSeconds } : null;
}

/**
 * The limiter key: the signed-in user when `authenticate()` ran first, else the client IP, so
 * one user's traffic never eats another's quota and a user can't dodge it by changing address.
 */
export function rateLimitKey(c: Context, trustProxy?: TrustProxy): string {
  const principal = c.get('principal') as Principal | undefined;
  return principal ? `user:${principal.userId}` : `ip:${clientIp(c, { trustProxy })}`;
}

/**
 * Rate-limit middleware for chat, the whole API and login, on hono-rate-limiter with draft-7
 * headers (`RateLimit`, `RateLimit-Policy`, and `Retry-After` on a 429). Over the limit, the
 * answer is 429 with the protocol's envelope `{ error: { code: 'rate_limited', message,
 * details: { retry_after_seconds } } }`. Mount after `authenticate()` so limits are per user.
 *
 * @example
 * const limits = rateLimits({ chat: process.env.RATE_LIMIT_CHAT, api: process.env.RATE_LIMIT_API });
 * app.use('/api/*', authenticate({ auth, mode }), limits.api);
 * app.post('/api/auth/login', limits.login, loginHandler);
 * app.post('/api/chat/*', limits.chat);
 */
export function rateLimits(options: RateLimitsOptions = {}): RateLimits {
  const peeks = new Map<RateLimitName, (c: Context) => Promise<RateLimitState | null>>();
  const make = (name: RateLimitName): MiddlewareHandler => {
    const setting = options[name] ?? DEFAULT_RATES[name];
    if (typeof setting === 'string' && setting.trim().toLowerCase() === 'off') return passThrough;
    const { limit, windowMs } = typeof setting === 'string' ? parseRate(setting) : setting;
    const store = options.store?.(name) ?? new MemoryStore();
    const keyOf = (c: Context) =>
      name === 'login' ? `ip:${clientIp(c, options)}` : rateLimitKey(c, options.trustProxy);
    peeks.set(name, async (c) => {
      if (!store.get) return null;
      const info = await store.get(keyOf(c));
      const resetSeconds = info?.resetTime
        ? Math.ceil((info.resetTime.getTime() - Date.now()) / 1000)
        : Math.ceil(windowMs / 1000);
      return { limit, remaining: Math.max(0, limit - (info?.totalHits ?? 0)), resetSeconds: Math.max(0, resetSeconds) };
    });
    const limiter = rateLimiter({
      windowMs,
      limit,
      standardHeaders: 'draft-7',
      store,
      // Login is keyed by IP even for a signed-in caller: the attacker is the one without a session.
      keyGenerator: keyOf,
      skipSuccessfulRequests: name === 'login',
      // A service key is a whole team behind a front that applies the limits per user itself; throttling it here
      // would make the team share one user's budget. Login stays limited: it is keyed by address, not by key.
      skip: (c: Context) => name !== 'login' && (c.get('principal') as Principal | undefined)?.service === true,
      // Returning the envelope here (not throwing) keeps the RateLimit and Retry-After headers
      // the limiter has already put on this response.
      handler: (c) => {
        // The limiter rounds up to whole seconds but can say 0 in the window's last instant.
        const retryAfter = Math.max(1, Number(c.res.headers.get('retry-after') ?? Math.ceil(windowMs / 1000)));
        c.header('Retry-After', String(retryAfter));
        const what = name === 'login' ? 'login attempts' : name === 'chat' ? 'chat requests' : 'requests';
        const message = `Too many ${what}; retry in ${retryAfter} s`;
        const state = stateFromHeader(c);
        if (state) setLegacyRateLimitHeaders(c, state);
        if (options.respond) return options.respond(c, { name, message, retryAfterSeconds: retryAfter });
        return c.json(errorEnvelope('rate_limited', message, { retry_after_seconds: retryAfter }), 429);
      },
    }) as MiddlewareHandler;
    // The limiter has set `RateLimit` before calling on; a later limiter (chat after api) overwrites both, so each
    // route shows the bucket that applies to it.
    return (c, next) =>
      limiter(c, async () => {
        const state = stateFromHeader(c);
        if (state) setLegacyRateLimitHeaders(c, state);
        await next();
      });
  };
  const limits = { chat: make('chat'), api: make('api'), login: make('login') };
  return {
    ...limits,
    async peek(name, c) {
      const peek = peeks.get(name);
      return peek ? peek(c).catch(() => null) : null;
    },
  };
}
