import { QueueFullError, QueueTimeoutError } from '../errors/index.js';

/** Options for {@link createRequestQueue}. */
export interface RequestQueueOptions {
  /** Requests that may run at once (the number of sequences). */
  capacity: number;
  /** Requests that may wait; one more is refused with QueueFullError. */
  limit: number;
  /** Longest wait before QueueTimeoutError. */
  timeoutMs: number;
  /** Seconds suggested in QueueFullError.retryAfterSeconds. Defaults to 5. */
  retryAfterSeconds?: number;
}

/** A FIFO of requests waiting for one of `capacity` slots. */
export interface RequestQueue {
  /**
   * Waits for a slot and returns its release function (call it exactly once).
   * Throws QueueFullError at once when `limit` requests already wait, QueueTimeoutError after `timeoutMs`,
   * and the signal's reason when aborted while waiting.
   */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Requests waiting now. */
  readonly depth: number;
  /** Slots taken now. */
  readonly inUse: number;
  readonly capacity: number;
  readonly limit: number;
  /** Changes the number of slots (a new model may have another sequence count); waiters are served at once if it grows. */
  setCapacity(capacity: number): void;
  /** Rejects every waiting request with `error`. */
  rejectAll(error: Error): void;
}

interface Waiter {
  grant: (release: () => void) => void;
  fail: (error: unknown) => void;
}

/**
 * Creates a bounded FIFO semaphore.
 *
 * @example
 * const queue = createRequestQueue({ capacity: 4, limit: 8, timeoutMs: 60_000 });
 * const release = await queue.acquire(signal);
 * try { await work(); } finally { release(); }
 */
export function createRequestQueue(options: RequestQueueOptions): RequestQueue {
  const { limit, timeoutMs } = options;
  let capacity = options.capacity;
  const retryAfterSeconds = options.retryAfterSeconds ?? 5;
  const waiters: Waiter[] = [];
  let inUse = 0;

  function makeRelease(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inUse--;
      drain();
    };
  }

  function drain(): void {
    // Grants happen synchronously here, so a newcomer calling acquire() later cannot jump the FIFO.
    while (inUse < capacity && waiters.length > 0) {
      inUse++;
      waiters.shift()!.grant(makeRelease());
    }
  }

  return {
    get depth() {
      return waiters.length;
    },
    get inUse() {
      return inUse;
    },
    get capacity() {
      return capacity;
    },
    limit,
    setCapacity(next) {
      capacity = Math.max(1, next);
      drain();
    },
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (inUse < capacity && waiters.length === 0) {
        inUse++;
        return Promise.resolve(makeRelease());
      }
      if (waiters.length >= limit) return Promise.reject(new QueueFullError(limit, retryAfterSeconds));
      return new Promise((resolve, reject) => {
        const cleanup = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          const index = waiters.indexOf(waiter);
          if (index >= 0) waiters.splice(index, 1);
        };
        const waiter: Waiter = {
          grant: (release) => {
            cleanup();
            resolve(release);
          },
          fail: (error) => {
            cleanup();
            reject(error);
          },
        };
        const onAbort = () => waiter.fail(signal?.reason);
        const timer = setTimeout(() => waiter.fail(new QueueTimeoutError(timeoutMs)), timeoutMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
      });
    },
    rejectAll(error) {
      for (const waiter of [...waiters]) waiter.fail(error);
    },
  };
}
