/**
 * `@chat-studio/llm-runtime/llama-cpp`: the pieces typed with node-llama-cpp's own types (a consumer's strict `tsc`
 * then reads node-llama-cpp's declarations, which need `skipLibCheck`). The main entry has the provider itself.
 */
export {
  createLlamaCppProvider,
  DEFAULT_TEMPERATURE,
  DEFAULT_MAX_CONTEXT,
  type LlamaCppProviderOptions,
} from './llama-cpp-provider.js';
export { MAX_EMBEDDING_CONTEXT, type LlamaLogLevelName } from './defaults.js';
export { createSequencePool, type SequencePool, type PoolSlot, type TakenSlot } from './sequence-pool.js';
export { toChatHistory, continuedContextWindow } from './chat-history.js';
export { keepNewestTurns, type ContextShiftInput, type ContextShiftOutput } from './context-shift.js';
export { assertFitsInMemory, RAM_USE_RATIO } from './memory-check.js';
export { newToolCallId } from './generation-plan.js';
export { describeGguf, ggufProblem } from '../registry/describe-gguf.js';
export { toGrammarSchema } from '../structured/index.js';
export { resolveSeed, toRepeatPenalty, toTokenBias } from '../sampling/index.js';
