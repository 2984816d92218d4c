/** Server-Timing headers: total, database and generation time of API responses. */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { endTime } from 'hono/timing';
import { appendResponseHeader } from '../middleware/node-headers/index.js';

/** Milliseconds per timing name, summed over a request (several queries add up to one `db` entry). */
const totals = new WeakMap<Context, Map<string, number>>();

/** The request whose work is running now, so store and model calls made deep inside a route count towards it. */
const currentRequest = new AsyncLocalStorage<Context>();

/**
 * Adds `ms` to the timing of the request this code runs for (inside {@link serverTiming}); a no-op elsewhere.
 *
 * @example
 * addCurrentTiming('db', 0.4);
 */
export function addCurrentTiming(name: string, ms: number): void {
  const c = currentRequest.getStore();
  if (c) addTiming(c, name, ms);
}

/**
 * Adds `ms` to the request's `name` timing; shows up in `Server-Timing` when {@link serverTiming} runs.
 *
 * @example
 * addTiming(c, 'db', 3.2);
 */
export function addTiming(c: Context, name: string, ms: number): void {
  let map = totals.get(c);
  if (!map) {
    map = new Map();
    totals.set(c, map);
  }
  map.set(name, (map.get(name) ?? 0) + ms);
}

/**
 * Runs `fn` and adds its duration to the request's `name` timing, also when it throws.
 *
 * @example
 * const page = await measure(c, 'db', () => store.sessions.list(userId, opts));
 */
export async function measure<T>(c: Context, name: string, fn: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    addTiming(c, name, performance.now() - started);
  }
}

/** {@link measure} for database work: the `db` entry. */
export function timeDb<T>(c: Context, fn: () => Promise<T> | T): Promise<T> {
  return measure(c, 'db', fn);
}

/** {@link measure} for model generation: the `gen` entry (non-streaming replies; a stream's headers leave first). */
export function timeGen<T>(c: Context, fn: () => Promise<T> | T): Promise<T> {
  return measure(c, 'gen', fn);
}

/** Options of {@link serverTiming}. */
export interface ServerTimingOptions {
  /**
   * Requests whose routes record their own `db`/`gen` time on the context ({@link timeDb}, {@link timeGen}): they
   * run without the AsyncLocalStorage that lets the timed store and runtime find the request. Default: none.
   */
  selfTimed?: (c: Context) => boolean;
}

/** Requests running inside {@link currentRequest} now; at 0 the storage is disabled again. */
let attributed = 0;

/**
 * Runs `next` with `c` as the current request, so the timed store and runtime can add to its timings.
 *
 * Why it is turned off between such requests: on Node 20 an enabled AsyncLocalStorage installs promise hooks that
 * every promise in the process pays for (a 15-deep async chain: 7 → 23 µs), also in requests that never read it.
 * Disabled while no attributed request is in flight, the routes that time themselves (the session list, health)
 * do not pay for it (issue #18).
 */
async function attributedRun(c: Context, next: () => Promise<void>): Promise<void> {
  attributed++;
  try {
    await currentRequest.run(c, next);
  } finally {
    if (--attributed === 0) currentRequest.disable();
  }
}

/**
 * Sets `Server-Timing` on responses: `total` plus the `db`, `gen` and `queue` sums recorded with {@link timeDb},
 * {@link timeGen}, {@link addTiming} or, from code that has no context, {@link addCurrentTiming} (the timed store
 * and runtime of `timed-deps.ts` use it; requests that `selfTimed` names do not need it). hono/timing's
 * `startTime`/`endTime`/`setMetric` work inside it too. The header goes straight onto Node's response where there
 * is one (no fetch `Headers` object, issue #18).
 *
 * @example
 * app.use('/api/*', serverTiming({ selfTimed: (c) => c.req.method === 'GET' && c.req.path === '/api/health' }));
 */
export function serverTiming(options: ServerTimingOptions = {}) {
  const selfTimed = options.selfTimed ?? (() => false);
  return createMiddleware(async (c, next) => {
    if (c.get('metric')) return next();
    const started = performance.now();
    // What hono/timing keeps per request, so its `startTime`/`endTime`/`setMetric` work inside.
    const metric = { headers: [] as string[], timers: new Map() };
    c.set('metric', metric);
    await (selfTimed(c) ? next() : attributedRun(c, next));
    for (const name of [...metric.timers.keys()]) endTime(c, name);
    const entries = metric.headers;
    for (const [name, ms] of totals.get(c) ?? []) entries.push(`${name};dur=${ms.toFixed(1)}`);
    entries.push(`total;dur=${(performance.now() - started).toFixed(1)};desc="Total"`);
    appendResponseHeader(c, 'Server-Timing', entries.join(','));
  });
}

export { startTime, endTime, setMetric } from 'hono/timing';
