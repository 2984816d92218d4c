/** The runtime's environment variables, parsed by the program that owns the environment (apps/api's config). */
import { InvalidOptionError } from './invalid-option-error.js';
import { parseUpstreams } from './parse-upstreams.js';
import type { LlmRuntimeOptions } from './resolve-options.js';

/** Environment-style variables: names to raw text, as `process.env` holds them. */
export type EnvVars = Readonly<Record<string, string | undefined>>;

/** Share of the context freed by one context shift when neither option nor env sets one. */
export const DEFAULT_CONTEXT_SHIFT_FRACTION = 0.5;

/**
 * The runtime options the variables set, validated: MODELS_DIR, CHAT_MODEL, LLAMA_THREADS, LLAMA_SEQUENCES,
 * LLAMA_CONTEXT_SIZE, LLAMA_QUEUE_LIMIT, LLAMA_QUEUE_TIMEOUT_MS, CHAT_CACHE_TTL, CHAT_CACHE_MAX_ENTRIES, LLAMA_GPU,
 * LLAMA_MAX_TOKENS, LLAMA_FLASH_ATTENTION, LLAMA_CONTEXT_SHIFT, LLAMA_PRELOAD_NEXT_TURN, LLAMA_WORKER, LLM_UPSTREAMS,
 * LLM_UPSTREAM_CHECK_MS, LLM_UPSTREAM_MAX_FAILURES, LLM_UPSTREAM_CONCURRENCY, EMBEDDING_MODEL. A variable that is
 * unset or blank sets nothing; a malformed one throws InvalidOptionError naming it. The library itself never reads
 * `process.env`: a program passes its environment here, once, at start.
 *
 * @example
 * createLlmRuntime({ ...runtimeOptionsFromEnv(process.env), logger });
 */
export function runtimeOptionsFromEnv(env: EnvVars): LlmRuntimeOptions {
  const gpu = nonEmpty(env.LLAMA_GPU)?.toLowerCase();
  const upstreams = nonEmpty(env.LLM_UPSTREAMS);
  const shift = nonEmpty(env.LLAMA_CONTEXT_SHIFT);
  return definedOnly({
    modelsDir: nonEmpty(env.MODELS_DIR),
    modelId: nonEmpty(env.CHAT_MODEL),
    threads: int(env, 'LLAMA_THREADS', 1),
    sequences: int(env, 'LLAMA_SEQUENCES', 1),
    contextSize: int(env, 'LLAMA_CONTEXT_SIZE', 16),
    queueLimit: int(env, 'LLAMA_QUEUE_LIMIT', 0),
    queueTimeoutMs: int(env, 'LLAMA_QUEUE_TIMEOUT_MS', 1),
    cacheTtlS: int(env, 'CHAT_CACHE_TTL', 0),
    cacheMaxEntries: int(env, 'CHAT_CACHE_MAX_ENTRIES', 1),
    gpu: gpu === 'false' || gpu === 'off' || gpu === '0' ? false : undefined,
    defaultMaxTokens: int(env, 'LLAMA_MAX_TOKENS', 1),
    flashAttention: flashAttention(env.LLAMA_FLASH_ATTENTION),
    contextShiftFraction:
      shift === undefined ? undefined : checkedFraction(Number(shift), 'LLAMA_CONTEXT_SHIFT', shift),
    preloadNextTurn: onOff(env.LLAMA_PRELOAD_NEXT_TURN, 'LLAMA_PRELOAD_NEXT_TURN'),
    worker: onOff(env.LLAMA_WORKER, 'LLAMA_WORKER'),
    upstreams: upstreams === undefined ? undefined : parseUpstreams(upstreams),
    upstreamCheckIntervalMs: int(env, 'LLM_UPSTREAM_CHECK_MS', 50),
    upstreamMaxFailures: int(env, 'LLM_UPSTREAM_MAX_FAILURES', 1),
    upstreamConcurrency: int(env, 'LLM_UPSTREAM_CONCURRENCY', 1),
    embeddingModelId: nonEmpty(env.EMBEDDING_MODEL),
  });
}

/**
 * A context shift share, checked: above 0.9 almost nothing is kept; below 0.05 shifts come nearly every token again.
 */
export function checkedFraction(value: number, name: string, raw: unknown = value): number {
  if (!Number.isFinite(value) || value < 0.05 || value > 0.9) {
    throw new InvalidOptionError(`${name} must be a number from 0.05 to 0.9, got "${String(raw)}"`);
  }
  return value;
}

/** `value` without its undefined fields, so that spreading it over defaults keeps them. */
export function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function flashAttention(raw: string | undefined): 'auto' | boolean | undefined {
  if (nonEmpty(raw)?.toLowerCase() === 'auto') return 'auto';
  return onOff(raw, 'LLAMA_FLASH_ATTENTION', ', off or auto');
}

function onOff(raw: string | undefined, name: string, choices = ' or off'): boolean | undefined {
  const value = nonEmpty(raw)?.toLowerCase();
  if (value === undefined) return undefined;
  if (['on', 'true', '1'].includes(value)) return true;
  if (['off', 'false', '0'].includes(value)) return false;
  throw new InvalidOptionError(`${name} must be on${choices}, got "${raw}"`);
}

function int(env: EnvVars, name: string, min: number): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}
