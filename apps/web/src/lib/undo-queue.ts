/** A queue of destructive actions that wait a few seconds for an Undo before they are committed. */

/** Options for {@link createUndoQueue}. */
export interface UndoQueueOptions<T> {
  /** Sends the action for real (e.g. the DELETE request) once its delay passed without an undo. */
  commit: (item: T, key: string) => void | Promise<void>;
  /** How long an action can be undone, in ms. Defaults to 5000. */
  delayMs?: number;
  /** Called when a commit throws or rejects. Defaults to ignoring the error. */
  onError?: (error: unknown, item: T, key: string) => void;
}

/** The queue returned by {@link createUndoQueue}. */
export interface UndoQueue<T> {
  /** Schedules `item` under `key`; a pending action with the same key is committed at once first. */
  push(key: string, item: T): void;
  /** Cancels the pending action and returns its item, or `undefined` when it was already committed. */
  undo(key: string): T | undefined;
  /** Commits every pending action now (e.g. before the page unloads). */
  flush(): void;
  /** Keys still waiting. */
  pending(): string[];
}

/**
 * Creates an undo queue.
 *
 * @example
 * const queue = createUndoQueue({ commit: (s) => client.deleteSession(s.id) });
 * queue.push(session.id, session); // DELETE goes out in 5 s unless queue.undo(session.id) is called
 */
export function createUndoQueue<T>(options: UndoQueueOptions<T>): UndoQueue<T> {
  const delayMs = options.delayMs ?? 5000;
  const waiting = new Map<string, { item: T; timer: ReturnType<typeof setTimeout> }>();

  function commit(key: string) {
    const entry = waiting.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    waiting.delete(key);
    try {
      const result = options.commit(entry.item, key);
      if (result && typeof (result as Promise<void>).catch === 'function') {
        (result as Promise<void>).catch((e: unknown) => options.onError?.(e, entry.item, key));
      }
    } catch (e) {
      options.onError?.(e, entry.item, key);
    }
  }

  return {
    push(key, item) {
      commit(key);
      waiting.set(key, { item, timer: setTimeout(() => commit(key), delayMs) });
    },
    undo(key) {
      const entry = waiting.get(key);
      if (!entry) return undefined;
      clearTimeout(entry.timer);
      waiting.delete(key);
      return entry.item;
    },
    flush() {
      for (const key of [...waiting.keys()]) commit(key);
    },
    pending: () => [...waiting.keys()],
  };
}
