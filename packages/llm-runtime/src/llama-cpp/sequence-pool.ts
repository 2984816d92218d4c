/**
 * A slot: one context sequence, possibly kept for one chat session so its KV cache can be reused, with the caller's
 * per-slot state `T` (for the llama.cpp provider: what the sequence last evaluated and its idle-time preload).
 */
export type PoolSlot<S, T extends object = Record<never, never>> = T & {
  readonly sequence: S;
  sessionKey: string | null;
  busy: boolean;
  lastUsed: number;
};

/** What {@link SequencePool.take} hands out: the slot, and whether it already belonged to the asking session. */
export interface TakenSlot<S, T extends object = Record<never, never>> {
  slot: PoolSlot<S, T>;
  /** True when the slot was the session's own, so its sequence still holds that session's tokens. */
  reused: boolean;
}

/** Sticky, LRU-evicting assignment of sequences to chat sessions. */
export interface SequencePool<S, T extends object = Record<never, never>> {
  /** Takes a free slot: the session's own, else an unowned one, else the least recently used (evicting its session). Null when all are busy. */
  take(sessionKey: string | undefined): TakenSlot<S, T> | null;
  /** Returns a slot to the pool. */
  give(slot: PoolSlot<S, T>): void;
  /** The slot a session owns, busy or not; undefined when it has none. */
  ownedBy(sessionKey: string): PoolSlot<S, T> | undefined;
  readonly slots: readonly PoolSlot<S, T>[];
  readonly inUse: number;
}

/**
 * Creates a pool over `sequences`; `initialState` gives each slot its own state object (none by default).
 *
 * @example
 * const pool = createSequencePool(sequences, (): { last?: LastEvaluation } => ({}));
 * const taken = pool.take('session-1'); // same slot next time while it is not evicted
 */
export function createSequencePool<S, T extends object = Record<never, never>>(
  sequences: readonly S[],
  initialState: () => T = () => ({}) as T,
): SequencePool<S, T> {
  const slots: PoolSlot<S, T>[] = sequences.map((sequence) => ({
    ...initialState(),
    sequence,
    sessionKey: null,
    busy: false,
    lastUsed: 0,
  }));
  let clock = 0;
  return {
    slots,
    get inUse() {
      return slots.filter((slot) => slot.busy).length;
    },
    take(sessionKey) {
      const free = slots.filter((slot) => !slot.busy);
      const own = sessionKey === undefined ? undefined : free.find((slot) => slot.sessionKey === sessionKey);
      const slot = own ?? pickEvictable(free);
      if (!slot) return null;
      slot.busy = true;
      slot.lastUsed = ++clock;
      slot.sessionKey = sessionKey ?? null;
      return { slot, reused: own !== undefined };
    },
    give(slot) {
      slot.busy = false;
    },
    ownedBy(sessionKey) {
      return slots.find((slot) => slot.sessionKey === sessionKey);
    },
  };
}

/** An unowned free slot, else the least recently used free one; undefined when none is free. */
function pickEvictable<Slot extends { sessionKey: string | null; lastUsed: number }>(
  free: readonly Slot[],
): Slot | undefined {
  const unowned = free.find((candidate) => candidate.sessionKey === null);
  if (unowned) return unowned;
  let oldest: Slot | undefined;
  for (const candidate of free) if (!oldest || candidate.lastUsed < oldest.lastUsed) oldest = candidate;
  return oldest;
}
