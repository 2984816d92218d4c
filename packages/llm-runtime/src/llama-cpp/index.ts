/** The in-process llama.cpp provider. */
export {
  createLlamaCppProvider,
  DEFAULT_TEMPERATURE,
  DEFAULT_MAX_CONTEXT,
  type LlamaCppProviderOptions,
} from './llama-cpp-provider.js';
export { createSequencePool, type SequencePool, type PoolSlot, type TakenSlot } from './sequence-pool.js';
export { toChatHistory, continuedContextWindow } from './chat-history.js';
export { keepNewestTurns, type ContextShiftInput, type ContextShiftOutput } from './context-shift.js';
export { assertFitsInMemory, RAM_USE_RATIO } from './memory-check.js';
