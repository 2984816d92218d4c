/** @chat-studio/llm-runtime: local GGUF models on node-llama-cpp and remote OpenAI-compatible upstreams, with a registry, queue, KV reuse and response cache. */
export { createLlmRuntime, type LlmRuntime } from './runtime/index.js';
export {
  resolveRuntimeOptions,
  runtimeOptionsFromEnv,
  defaultThreads,
  defaultSequences,
  defaultFlashAttention,
  DEFAULT_CONTEXT_SHIFT_FRACTION,
  TINY_MODEL_BYTES,
  InvalidOptionError,
  parseUpstreams,
  normalizeUpstream,
  type LlmRuntimeOptions,
  type ResolvedRuntimeOptions,
  type UpstreamOptions,
  type EnvVars,
} from './config/index.js';
export * from './errors/runtime-errors.js';
export { MAX_EMBEDDING_CONTEXT } from './llama-cpp/defaults.js';
// The main entry's types never load node-llama-cpp's declarations (they fail `tsc` with `skipLibCheck: false`):
// what is typed with node-llama-cpp's own types is under `@chat-studio/llm-runtime/llama-cpp`.
export {
  scanModels,
  modelIdFromFile,
  parseSizeLabel,
  LLAMA_CPP_PROVIDER_ID,
  type ScannedModel,
} from './registry/scan-models.js';
// GGUF headers read without node-llama-cpp (what the model list shows).
export {
  readGgufHeader,
  describeHeader,
  headerProblem,
  type GgufHeader,
  type GgufTensor,
  type GgufValue,
} from './registry/gguf-header/index.js';
export type {
  LlmProvider,
  GenerateRequest,
  GenerateResult,
  GenerateMessage,
  GenerateTools,
  ToolDefinition,
  ToolChoice,
  ToolCall,
  ToolCallDelta,
  ResponseFormat,
  GenerateTiming,
  PreloadRequest,
  PreloadState,
  ProviderModel,
  ProviderStatus,
  ProviderLoadOptions,
  EmbedRequest,
  EmbedResult,
  CompleteRequest,
  TextProvider,
  EmbeddingModelStatus,
} from './provider/index.js';
export {
  createLlamaCppProvider,
  DEFAULT_TEMPERATURE,
  DEFAULT_MAX_CONTEXT,
  type LlamaCppProviderOptions,
} from './llama-cpp/lazy-provider.js';
export type { LlamaLogLevelName } from './llama-cpp/defaults.js';
export {
  createWorkerLlamaCppProvider,
  type WorkerLlamaCppProvider,
  type WorkerLlamaCppProviderOptions,
} from './worker-provider/index.js';
export { createRequestQueue, type RequestQueue, type RequestQueueOptions } from './queue/index.js';
export {
  createResponseCache,
  responseCacheKey,
  isDeterministic,
  type ResponseCache,
  type ResponseCacheOptions,
  type CachedResponse,
} from './cache/index.js';
export {
  pullModel,
  resolveModelUrl,
  DEFAULT_HF_ENDPOINT,
  type PullModelOptions,
  type PullModelResult,
} from './download/index.js';
export {
  createOpenAiCompatibleProvider,
  OPENAI_COMPATIBLE_PROVIDER_ID,
  UpstreamRequestError,
  type OpenAiCompatibleProvider,
  type OpenAiCompatibleProviderOptions,
} from './openai-compatible/index.js';
