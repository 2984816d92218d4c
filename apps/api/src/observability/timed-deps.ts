/** The store and the model runtime, timed per request for `Server-Timing` (`db`, `gen`, `queue`). */
import type { ChatStore } from '@chat-studio/chat-store';
import type { LlmRuntime } from '@chat-studio/llm-runtime';
import { addCurrentTiming } from './server-timing.js';

type AnyFn = (...args: unknown[]) => unknown;

/** Marks a timed wrapper, so wrapping twice (server and app) never counts twice. */
const TIMED = Symbol('chat-studio.timed');

/** `fn` with its duration (sync, or until its promise settles) added to the current request's `name` timing. */
function timed<F extends AnyFn>(name: string, fn: F, self: unknown): F {
  return function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    const done = () => addCurrentTiming(name, performance.now() - started);
    let result: unknown;
    try {
      result = fn.apply(self, args);
    } catch (error) {
      done();
      throw error;
    }
    if (result instanceof Promise) return result.finally(done);
    done();
    return result;
  } as F;
}

/** Every method of `target` timed as `name`; other properties as they are. */
function timedObject<T extends object>(target: T, name: string): T {
  const cache = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== 'function') return value;
      if (!cache.has(prop)) cache.set(prop, timed(name, value as AnyFn, obj));
      return cache.get(prop);
    },
  });
}

const REPOSITORIES = ['sessions', 'messages', 'users', 'authSessions', 'apiKeys', 'maintenance'] as const;

/**
 * The store with every repository call and `search` counted as `db` time of the request that made it.
 *
 * @example
 * const store = timedStore(await openChatStore());
 */
export function timedStore(store: ChatStore): ChatStore {
  if ((store as { [TIMED]?: boolean })[TIMED]) return store;
  const wrapped = new Map<PropertyKey, unknown>(REPOSITORIES.map((name) => [name, timedObject(store[name], 'db')]));
  wrapped.set('search', timed('db', store.search as AnyFn, store));
  wrapped.set('searchJson', timed('db', store.searchJson as AnyFn, store));
  wrapped.set(TIMED, true);
  return new Proxy(store, {
    get(obj, prop) {
      return wrapped.has(prop) ? wrapped.get(prop) : (Reflect.get(obj, prop, obj) as unknown);
    },
  });
}

/**
 * The runtime with `generate` split into `queue` (waiting for a free sequence, when it waited at all) and `gen`
 * (the rest) of the request that made it.
 */
export function timedRuntime(runtime: LlmRuntime): LlmRuntime {
  if ((runtime as { [TIMED]?: boolean })[TIMED]) return runtime;
  const generate: LlmRuntime['generate'] = async (request) => {
    const started = performance.now();
    try {
      const result = await runtime.generate(request);
      const waited = result.queueWaitMs ?? 0;
      if (waited >= 1) addCurrentTiming('queue', waited);
      addCurrentTiming('gen', performance.now() - started - waited);
      return result;
    } catch (error) {
      addCurrentTiming('gen', performance.now() - started);
      throw error;
    }
  };
  // One bound function per method, made again only if the method itself changes: `/health` reads three of them on
  // every request, and a fresh `bind` each time was garbage per request (issue #18).
  const bound = new Map<PropertyKey, { fn: AnyFn; bound: AnyFn }>();
  return new Proxy(runtime, {
    get(obj, prop) {
      if (prop === 'generate') return generate;
      if (prop === TIMED) return true;
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== 'function') return value;
      const known = bound.get(prop);
      if (known?.fn === value) return known.bound;
      const entry = { fn: value as AnyFn, bound: (value as AnyFn).bind(obj) };
      bound.set(prop, entry);
      return entry.bound;
    },
  });
}
