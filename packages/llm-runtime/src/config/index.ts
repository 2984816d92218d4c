/** Runtime configuration: options with their defaults, the env variables an app may parse, measured defaults. */
export { defaultThreads, defaultSequences, defaultFlashAttention, TINY_MODEL_BYTES } from './default-threads.js';
export {
  resolveRuntimeOptions,
  DEFAULT_CONTEXT_SHIFT_FRACTION,
  InvalidOptionError,
  type LlmRuntimeOptions,
  type ResolvedRuntimeOptions,
} from './resolve-options.js';
export { runtimeOptionsFromEnv, type EnvVars } from './runtime-env.js';
export { parseUpstreams, normalizeUpstream, type UpstreamOptions } from './parse-upstreams.js';
