/** Options of the runtime, and how each falls back to an environment variable and then a default. */
import { InvalidOptionError } from './invalid-option-error.js';
import { normalizeUpstream, parseUpstreams, type UpstreamOptions } from './parse-upstreams.js';

/** Options for {@link createLlmRuntime}. Every field is optional; env vars fill the gaps. */
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
  /** Environment to read; tests pass their own. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Debug log of each generation (model, seed used, finish reason), e.g. a pino logger. Defaults to none. */
  logger?: { debug(data: object, message: string): void };
}

/** Options after env and defaults; `threads`, `sequences`, `contextSize` stay undefined until the model is known. */
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
  defaultMaxTokens: number;
  switchGraceMs: number;
  flashAttention: 'auto' | boolean | undefined;
  contextShiftFraction: number;
  preloadNextTurn: boolean;
  upstreams: UpstreamOptions[];
  upstreamCheckIntervalMs: number;
  upstreamMaxFailures: number;
  upstreamConcurrency: number;
  embeddingModelId: string | undefined;
}

/** Share of the context freed by one context shift when neither option nor env sets one. */
export const DEFAULT_CONTEXT_SHIFT_FRACTION = 0.5;

export { InvalidOptionError };

/**
 * Merges options, env vars and defaults.
 *
 * @example
 * resolveRuntimeOptions({ env: { LLAMA_THREADS: '2' } }).threads // 2
 */
export function resolveRuntimeOptions(options: LlmRuntimeOptions = {}): ResolvedRuntimeOptions {
  const env = options.env ?? process.env;
  const gpuEnv = env.LLAMA_GPU?.trim().toLowerCase();
  return {
    modelsDir: options.modelsDir ?? nonEmpty(env.MODELS_DIR) ?? 'models',
    modelId: options.modelId ?? nonEmpty(env.CHAT_MODEL),
    threads: options.threads ?? int(env, 'LLAMA_THREADS', 1),
    sequences: options.sequences ?? int(env, 'LLAMA_SEQUENCES', 1),
    contextSize: options.contextSize ?? int(env, 'LLAMA_CONTEXT_SIZE', 16),
    queueLimit: options.queueLimit ?? int(env, 'LLAMA_QUEUE_LIMIT', 0) ?? 8,
    queueTimeoutMs: options.queueTimeoutMs ?? int(env, 'LLAMA_QUEUE_TIMEOUT_MS', 1) ?? 60_000,
    cacheTtlS: options.cacheTtlS ?? int(env, 'CHAT_CACHE_TTL', 0) ?? 300,
    cacheMaxEntries: options.cacheMaxEntries ?? int(env, 'CHAT_CACHE_MAX_ENTRIES', 1) ?? 500,
    gpu: options.gpu ?? (gpuEnv === 'false' || gpuEnv === 'off' || gpuEnv === '0' ? false : 'auto'),
    defaultMaxTokens: options.defaultMaxTokens ?? int(env, 'LLAMA_MAX_TOKENS', 1) ?? 1024,
    switchGraceMs: options.switchGraceMs ?? 10_000,
    flashAttention: options.flashAttention ?? flashAttentionEnv(env.LLAMA_FLASH_ATTENTION),
    contextShiftFraction: fraction(options.contextShiftFraction, env.LLAMA_CONTEXT_SHIFT),
    preloadNextTurn: options.preloadNextTurn ?? onOff(env, 'LLAMA_PRELOAD_NEXT_TURN') ?? true,
    upstreams: options.upstreams
      ? options.upstreams.map((upstream) => normalizeUpstream(upstream))
      : parseUpstreams(env.LLM_UPSTREAMS ?? ''),
    upstreamCheckIntervalMs: options.upstreamCheckIntervalMs ?? int(env, 'LLM_UPSTREAM_CHECK_MS', 50) ?? 5000,
    upstreamMaxFailures: options.upstreamMaxFailures ?? int(env, 'LLM_UPSTREAM_MAX_FAILURES', 1) ?? 3,
    upstreamConcurrency: options.upstreamConcurrency ?? int(env, 'LLM_UPSTREAM_CONCURRENCY', 1) ?? 4,
    embeddingModelId: options.embeddingModelId ?? nonEmpty(env.EMBEDDING_MODEL),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function flashAttentionEnv(raw: string | undefined): 'auto' | boolean | undefined {
  if (nonEmpty(raw)?.toLowerCase() === 'auto') return 'auto';
  return onOff({ LLAMA_FLASH_ATTENTION: raw }, 'LLAMA_FLASH_ATTENTION', ', off or auto');
}

function onOff(env: NodeJS.ProcessEnv, name: string, choices = ' or off'): boolean | undefined {
  const raw = env[name];
  const value = nonEmpty(raw)?.toLowerCase();
  if (value === undefined) return undefined;
  if (['on', 'true', '1'].includes(value)) return true;
  if (['off', 'false', '0'].includes(value)) return false;
  throw new InvalidOptionError(`${name} must be on${choices}, got "${raw}"`);
}

function fraction(option: number | undefined, raw: string | undefined): number {
  const text = nonEmpty(raw);
  const value = option ?? (text === undefined ? DEFAULT_CONTEXT_SHIFT_FRACTION : Number(text));
  // Above 0.9 almost nothing is kept; below 0.05 shifts come nearly every token again.
  if (!Number.isFinite(value) || value < 0.05 || value > 0.9) {
    const name = option === undefined ? 'LLAMA_CONTEXT_SHIFT' : 'contextShiftFraction';
    throw new InvalidOptionError(`${name} must be a number from 0.05 to 0.9, got "${option ?? raw}"`);
  }
  return value;
}

function int(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}
