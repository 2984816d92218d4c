/**
 * `@chat-studio/llm-runtime/early-worker`: starts llama.cpp's worker thread before the server has loaded anything
 * else, so that the worker's own start (importing node-llama-cpp, loading the bindings) runs while the main thread
 * imports its routes and opens the store (issue #18: time to model ready). The runtime created later with the same
 * options adopts that worker instead of starting another.
 */
import { resolveRuntimeOptions, type LlmRuntimeOptions } from '../config/index.js';
import type { LlamaCppProviderOptions } from '../llama-cpp/llama-cpp-provider.js';
import { localProviderOptions } from '../runtime/local-provider-options.js';
import { createWorkerLink } from './worker-link.js';

type WorkerLink = ReturnType<typeof createWorkerLink>;

/** The worker's settings the runtime will ask for: a worker started with others is not the one it needs. */
const DEFAULT_TOKEN_BATCH_MS = 4;
const DEFAULT_SYNC_TIMEOUT_MS = 5000;

let early: { key: string; link: WorkerLink } | null = null;
/** Set when a provider was created without an early worker: one started after that would never be adopted. */
let tooLate = false;

const keyOf = (options: LlamaCppProviderOptions, tokenBatchMs: number, syncTimeoutMs: number) =>
  JSON.stringify([options, tokenBatchMs, syncTimeoutMs]);

/**
 * Starts the local provider's worker thread for a runtime that `createLlmRuntime(options)` will create (same
 * options, a logger aside). Does nothing with `worker: false` (in-process provider), when one was already started, or
 * once a provider was created without one (it would never be adopted).
 *
 * @example
 * startWorkerEarly(config.runtime); // first thing at spawn
 * // … later: createLlmRuntime({ ...config.runtime, logger }) adopts the worker
 */
export function startWorkerEarly(options: LlmRuntimeOptions): void {
  const config = resolveRuntimeOptions(options);
  if (!config.worker || early || tooLate) return;
  const providerOptions = localProviderOptions(config);
  early = {
    key: keyOf(providerOptions, DEFAULT_TOKEN_BATCH_MS, DEFAULT_SYNC_TIMEOUT_MS),
    link: createWorkerLink(providerOptions, DEFAULT_TOKEN_BATCH_MS, DEFAULT_SYNC_TIMEOUT_MS),
  };
}

/**
 * The worker started early for exactly these options, once; undefined when none was. One started for other options
 * is ended here (its thread would otherwise hold llama.cpp's bindings for nothing).
 */
export function takeEarlyWorker(
  options: LlamaCppProviderOptions,
  tokenBatchMs: number,
  syncTimeoutMs: number,
): WorkerLink | undefined {
  const taken = early;
  early = null;
  if (!taken) {
    tooLate = true;
    return undefined;
  }
  if (taken.key === keyOf(options, tokenBatchMs, syncTimeoutMs)) return taken.link;
  void taken.link.worker.terminate();
  return undefined;
}
