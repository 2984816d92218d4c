/** Runtime configuration: env fallbacks and measured defaults. */
export { defaultThreads, defaultSequences, defaultFlashAttention, TINY_MODEL_BYTES } from './default-threads.js';
export {
  resolveRuntimeOptions,
  DEFAULT_CONTEXT_SHIFT_FRACTION,
  InvalidOptionError,
  type LlmRuntimeOptions,
  type ResolvedRuntimeOptions,
} from './resolve-options.js';
export { parseUpstreams, normalizeUpstream, type UpstreamOptions } from './parse-upstreams.js';
