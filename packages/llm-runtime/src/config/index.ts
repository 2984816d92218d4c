/** Runtime configuration: env fallbacks and measured defaults. */
export { defaultThreads, defaultSequences, TINY_MODEL_BYTES } from './default-threads.js';
export {
  resolveRuntimeOptions,
  InvalidOptionError,
  type LlmRuntimeOptions,
  type ResolvedRuntimeOptions,
} from './resolve-options.js';
