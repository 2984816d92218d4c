/** Options of the runtime and their defaults. The variable named beside each is what `runtimeOptionsFromEnv` reads. */
import { InvalidOptionError } from './invalid-option-error.js';
import { normalizeUpstream, type UpstreamOptions } from './parse-upstreams.js';
import {
  checkedFraction,
  DEFAULT_CONTEXT_SHIFT_FRACTION,
  definedOnly,
  runtimeOptionsFromEnv,
  type EnvVars,
} from './runtime-env.js';

/**
 * Options for {@link createLlmRuntime}. Every field is optional and has a default; the runtime reads no environment
 * variable itself (an app passes `runtimeOptionsFromEnv(process.env)`), so "env X" below names that variable.
 */
export interface LlmRuntimeOptions {
  /** Folder scanned for `.gguf` files. Defaults to env MODELS_DIR, else `'models'` (relative to the cwd). */
  modelsDir?: string;
  /** Model to load at start. Defaults to env CHAT_MODEL, else the first available model (sorted by id). */
  modelId?: string;
  /**
   * CPU threads for generation. Defaults to env LLAMA_THREADS, else {@link defaultThreads} of the model size
   * (1 for tiny models, where more threads are measured to be 15× slower on this machine).
   */
  threads?: number;
  /**
   * Parallel sequences in one context. Defaults to env LLAMA_SEQUENCES, else {@link defaultSequences} (4 for tiny
   * models), halved while their KV caches would not fit in free RAM.
   */
  sequences?: number;
  /** Context size per sequence in tokens. Defaults to env LLAMA_CONTEXT_SIZE, else min(training context, 4096). */
  contextSize?: number;
  /** Requests that may wait for a busy sequence; one more gets QueueFullError. Defaults to env LLAMA_QUEUE_LIMIT, else 8. */
  queueLimit?: number;
  /** Longest wait for a sequence before QueueTimeoutError. Defaults to env LLAMA_QUEUE_TIMEOUT_MS, else 60000. */
  queueTimeoutMs?: number;
  /** Response cache lifetime in seconds; 0 turns the cache off. Defaults to env CHAT_CACHE_TTL, else 300. */
  cacheTtlS?: number;
  /** Most cached responses (LRU). Defaults to env CHAT_CACHE_MAX_ENTRIES, else 500. */
  cacheMaxEntries?: number;
  /** `'auto'` uses CUDA/Vulkan/Metal when a binary and device exist, with CPU fallback; `false` forces CPU. Defaults to env LLAMA_GPU (`false`/`off` = CPU), else `'auto'`. */
  gpu?: 'auto' | false;
  /**
   * A file where the runtime remembers that node-llama-cpp's prebuilt binary passed its check on this machine, so
   * later starts skip the check's child process (Linux; about 1–3 s). Unset: every start checks.
   */
  binaryCheckFile?: string;
  /** Tokens generated when a request sets no `max_tokens`. Defaults to env LLAMA_MAX_TOKENS, else 1024. */
  defaultMaxTokens?: number;
  /** How long in-flight generations on a replaced model may run before they are aborted. Defaults to 10000 ms. */
  switchGraceMs?: number;
  /**
   * Flash attention for the context. Defaults to env LLAMA_FLASH_ATTENTION (`on`/`off`/`auto`), else
   * {@link defaultFlashAttention} of the model size (off for tiny models, where it is measured to be 2–5× slower on CPU).
   */
  flashAttention?: 'auto' | boolean;
  /**
   * Share of the context freed at once when a sequence's context is full (the oldest turns, or the start of a
   * reply longer than the context, are dropped; the first system message stays). Each shift re-evaluates what is
   * left, so a larger share makes shifts rarer and cheaper per token. Defaults to env LLAMA_CONTEXT_SHIFT, else 0.5.
   */
  contextShiftFraction?: number;
  /**
   * After a reply, evaluate the tokens that open the chat's next user turn (and any of the reply the tokenizer reads
   * back differently) while the user types, so the next turn's time to first token covers only the new message.
   * Defaults to env LLAMA_PRELOAD_NEXT_TURN (`on`/`off`), else on.
   */
  preloadNextTurn?: boolean;
  /**
   * Run the local llama.cpp provider in a worker thread with its own event loop, so that generation never waits behind
   * the HTTP requests the main thread serves (issue #18: streams under load). `false` runs it in-process, as before.
   * Defaults to env LLAMA_WORKER (`on`/`off`), else on.
   */
  worker?: boolean;
  /**
   * Remote OpenAI-compatible servers whose models are listed next to the local ones as `<name>/<model id>`.
   * Defaults to env LLM_UPSTREAMS (`name=http://host:port/v1|api-key,...`, see {@link parseUpstreams}), else none.
   */
  upstreams?: UpstreamOptions[];
  /** How often every upstream is health-checked (GET /models). Defaults to env LLM_UPSTREAM_CHECK_MS, else 5000. */
  upstreamCheckIntervalMs?: number;
  /** Consecutive failures (connect errors, 5xx, failed checks) that take an upstream out. Defaults to env LLM_UPSTREAM_MAX_FAILURES, else 3. */
  upstreamMaxFailures?: number;
  /** Requests one healthy upstream is given at once before the rest queue. Defaults to env LLM_UPSTREAM_CONCURRENCY, else 4. */
  upstreamConcurrency?: number;
  /**
   * A model in `modelsDir` loaded beside the chat model for `/v1/embeddings` and Ollama's `/api/embed`. Defaults to
   * env EMBEDDING_MODEL, else none (the active chat model embeds).
   */
  embeddingModelId?: string;
  /**
   * Variables to read as {@link runtimeOptionsFromEnv} does, under the options given here. Defaults to none: the
   * runtime never reads `process.env` on its own.
   */
  env?: EnvVars;
  /** Debug log of each generation (model, seed used, finish reason), e.g. a pino logger. Defaults to none. */
  logger?: { debug(data: object, message: string): void };
}

/** Options after defaults; `threads`, `sequences`, `contextSize` stay undefined until the model is known. */
export interface ResolvedRuntimeOptions {
  modelsDir: string;
  modelId: string | undefined;
  threads: number | undefined;
  sequences: number | undefined;
  contextSize: number | undefined;
  queueLimit: number;
  queueTimeoutMs: number;
  cacheTtlS: number;
  cacheMaxEntries: number;
  gpu: 'auto' | false;
  binaryCheckFile: string | undefined;
  defaultMaxTokens: number;
  switchGraceMs: number;
  flashAttention: 'auto' | boolean | undefined;
  contextShiftFraction: number;
  preloadNextTurn: boolean;
  worker: boolean;
  upstreams: UpstreamOptions[];
  upstreamCheckIntervalMs: number;
  upstreamMaxFailures: number;
  upstreamConcurrency: number;
  embeddingModelId: string | undefined;
}

export { DEFAULT_CONTEXT_SHIFT_FRACTION, InvalidOptionError };

/**
 * Fills the defaults in; options given win over the `env` option's variables.
 *
 * @example
 * resolveRuntimeOptions({ threads: 2 }).queueLimit // 8
 */
export function resolveRuntimeOptions(options: LlmRuntimeOptions = {}): ResolvedRuntimeOptions {
  const { env, logger: _logger, ...given } = options;
  const merged: LlmRuntimeOptions = { ...(env ? runtimeOptionsFromEnv(env) : {}), ...definedOnly(given) };
  return {
    modelsDir: merged.modelsDir ?? 'models',
    modelId: merged.modelId,
    threads: merged.threads,
    sequences: merged.sequences,
    contextSize: merged.contextSize,
    queueLimit: merged.queueLimit ?? 8,
    queueTimeoutMs: merged.queueTimeoutMs ?? 60_000,
    cacheTtlS: merged.cacheTtlS ?? 300,
    cacheMaxEntries: merged.cacheMaxEntries ?? 500,
    gpu: merged.gpu ?? 'auto',
    binaryCheckFile: merged.binaryCheckFile,
    defaultMaxTokens: merged.defaultMaxTokens ?? 1024,
    switchGraceMs: merged.switchGraceMs ?? 10_000,
    flashAttention: merged.flashAttention,
    contextShiftFraction: fraction(given.contextShiftFraction, merged.contextShiftFraction),
    preloadNextTurn: merged.preloadNextTurn ?? true,
    worker: merged.worker ?? true,
    upstreams: (merged.upstreams ?? []).map((upstream) => normalizeUpstream(upstream)),
    upstreamCheckIntervalMs: merged.upstreamCheckIntervalMs ?? 5000,
    upstreamMaxFailures: merged.upstreamMaxFailures ?? 3,
    upstreamConcurrency: merged.upstreamConcurrency ?? 4,
    embeddingModelId: merged.embeddingModelId,
  };
}

/** The option given is checked under its own name; one from the env was checked when it was read. */
function fraction(given: number | undefined, merged: number | undefined): number {
  if (given !== undefined) return checkedFraction(given, 'contextShiftFraction');
  return merged ?? DEFAULT_CONTEXT_SHIFT_FRACTION;
}
