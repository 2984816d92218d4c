/** Server-Timing headers: total, database and generation time of API responses. */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { setMetric, timing } from 'hono/timing';

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
  if (!map) totals.set(c, (map = new Map()));
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

/**
 * Sets `Server-Timing` on responses: `total` plus the `db`, `gen` and `queue` sums recorded with {@link timeDb},
 * {@link timeGen}, {@link addTiming} or, from code that has no context, {@link addCurrentTiming} (the timed store
 * and runtime of `timed-deps.ts` use it). Built on hono/timing; its `startTime`/`endTime`/`setMetric` work too.
 *
 * @example
 * app.use('/api/*', serverTiming());
 */
export function serverTiming() {
  const inner = timing({ total: true, totalDescription: 'Total' });
  return createMiddleware(async (c, next) =>
    inner(c, async () => {
      await currentRequest.run(c, next);
      for (const [name, ms] of totals.get(c) ?? []) setMetric(c, name, ms);
    }),
  );
}

export { startTime, endTime, setMetric } from 'hono/timing';
