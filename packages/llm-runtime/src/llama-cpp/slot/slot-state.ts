import type { LastEvaluation } from '../chat-history.js';
import type { PoolSlot, SequencePool } from '../sequence-pool.js';

/** An idle-time evaluation running on a free slot; see `LlamaCppProviderOptions.preloadNextTurn`. */
export interface Preload {
  controller: AbortController;
  done: Promise<void>;
}

/** What the llama.cpp provider keeps per slot besides the pool's own fields. */
export interface SlotState {
  /** What the sequence holds for its session: the last turn's evaluation, or a finished preload. */
  last?: LastEvaluation;
  /** The preload running on the slot while it is free. */
  preload?: Preload;
}

/** A pool slot of the llama.cpp provider, over sequences of type `S` (node-llama-cpp's context sequences). */
export type StatefulSlot<S> = PoolSlot<S, SlotState>;

/** The provider's pool: sequences with their {@link SlotState}. */
export type StatefulPool<S> = SequencePool<S, SlotState>;

/** The state a fresh slot starts with: nothing evaluated, no preload. */
export function emptySlotState(): SlotState {
  return {};
}
