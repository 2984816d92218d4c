/** The llama.cpp provider's slots: per-slot state on the sequence pool, and running work on a slot. */
export { emptySlotState, type Preload, type SlotState, type StatefulPool, type StatefulSlot } from './slot-state.js';
export { withSlot, type WithSlotOptions } from './with-slot.js';
