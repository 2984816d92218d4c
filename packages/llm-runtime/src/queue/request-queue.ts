import { QueueFullError, QueueTimeoutError } from '../errors/index.js';

/** Options for {@link createRequestQueue}. */
export interface RequestQueueOptions {
  /**
   * Requests that may run at once: a number, or where it is read from at each decision (the runtime passes the active
   * provider's sequence count, so the queue never holds a copy to keep in step). At least 1 is used.
   */
  capacity: number | (() => number);
  /** Requests that may wait; one more is refused with QueueFullError. */
  limit: number;
  /** Longest wait before QueueTimeoutError. */
  timeoutMs: number;
  /** Seconds suggested in QueueFullError.retryAfterSeconds. Defaults to 5. */
  retryAfterSeconds?: number;
}

/**
 * A FIFO of requests waiting for one of `capacity` slots: the one place that decides whether a request runs now, waits
 * or is refused, and that counts the requests running.
 */
export interface RequestQueue {
  /**
   * Waits for a slot and returns its release function (call it exactly once).
   * Throws QueueFullError at once when {@link RequestQueue.refusal} says so, QueueTimeoutError after `timeoutMs`,
   * and the signal's reason when aborted while waiting.
   */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /**
   * What `acquire` would refuse with at once, asked without taking anything: QueueFullError when every slot is taken
   * and `limit` requests already wait; null when a request would run or wait its turn.
   */
  refusal(): QueueFullError | null;
  /** Requests waiting now. */
  readonly depth: number;
  /** Slots taken now. */
  readonly inUse: number;
  /** Slots now (read from the capacity option). */
  readonly capacity: number;
  readonly limit: number;
  /** Hands free slots to waiters; call it when the capacity may have grown (a model with more sequences is active). */
  wake(): void;
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
 * const queue = createRequestQueue({ capacity: () => provider.status().sequences_total, limit: 8, timeoutMs: 60_000 });
 * const release = await queue.acquire(signal);
 * try { await work(); } finally { release(); }
 */
export function createRequestQueue(options: RequestQueueOptions): RequestQueue {
  const { limit, timeoutMs } = options;
  const capacityOption = options.capacity;
  const capacity = (): number => Math.max(1, typeof capacityOption === 'function' ? capacityOption() : capacityOption);
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
    while (waiters.length > 0 && inUse < capacity()) {
      inUse++;
      waiters.shift()!.grant(makeRelease());
    }
  }

  function refusal(): QueueFullError | null {
    return inUse >= capacity() && waiters.length >= limit ? new QueueFullError(limit, retryAfterSeconds) : null;
  }

  return {
    get depth() {
      return waiters.length;
    },
    get inUse() {
      return inUse;
    },
    get capacity() {
      return capacity();
    },
    limit,
    refusal,
    wake: drain,
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      // The capacity is read, not stored: serve whoever it now admits before deciding for the newcomer.
      drain();
      if (inUse < capacity() && waiters.length === 0) {
        inUse++;
        return Promise.resolve(makeRelease());
      }
      // Every slot is taken now (drain served the waiters it could): wait, unless the queue is at its bound.
      const refused = refusal();
      if (refused) return Promise.reject(refused);
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
