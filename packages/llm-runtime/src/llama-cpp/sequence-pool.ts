/** A slot: one context sequence, possibly kept for one chat session so its KV cache can be reused. */
export interface PoolSlot<S> {
  readonly sequence: S;
  sessionKey: string | null;
  busy: boolean;
  lastUsed: number;
}

/** Sticky, LRU-evicting assignment of sequences to chat sessions. */
export interface SequencePool<S> {
  /** Takes a free slot: the session's own, else an unowned one, else the least recently used (evicting its session). Null when all are busy. */
  take(sessionKey: string | undefined): { slot: PoolSlot<S>; reused: boolean } | null;
  /** Returns a slot to the pool. */
  give(slot: PoolSlot<S>): void;
  readonly slots: readonly PoolSlot<S>[];
  readonly inUse: number;
}

/**
 * Creates a pool over `sequences`.
 *
 * @example
 * const pool = createSequencePool(context sequences);
 * const taken = pool.take('session-1'); // same slot next time while it is not evicted
 */
export function createSequencePool<S>(sequences: readonly S[]): SequencePool<S> {
  const slots: PoolSlot<S>[] = sequences.map((sequence) => ({ sequence, sessionKey: null, busy: false, lastUsed: 0 }));
  let clock = 0;
  return {
    slots,
    get inUse() {
      return slots.filter((slot) => slot.busy).length;
    },
    take(sessionKey) {
      const free = slots.filter((slot) => !slot.busy);
      if (free.length === 0) return null;
      const own = sessionKey === undefined ? undefined : free.find((slot) => slot.sessionKey === sessionKey);
      const slot =
        own ??
        free.find((candidate) => candidate.sessionKey === null) ??
        free.reduce((oldest, candidate) => (candidate.lastUsed < oldest.lastUsed ? candidate : oldest));
      slot.busy = true;
      slot.lastUsed = ++clock;
      slot.sessionKey = sessionKey ?? null;
      return { slot, reused: own !== undefined };
    },
    give(slot) {
      slot.busy = false;
    },
  };
}
