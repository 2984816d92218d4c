import os from 'node:os';

/**
 * Below this file size a model is "tiny": a token takes so little work that waking and syncing extra threads
 * costs more than they add. Measured on a 2-core machine (`pnpm bench:llm`, synthetic models of Llama-3.2-1B's
 * layer shape): generation with 1 thread beats 2 from stories260K (1.2 MB: ≈ 1,800 vs 70 tok/s) up to 260 MB
 * (66 vs 49 tok/s); from about 500 MB 2 threads are faster (1 GB: 15 vs 21 tok/s, prompts 47 vs 85 tok/s).
 * More threads than cores (node-llama-cpp's default of 4 on 2 cores) are 20–30× slower at every size.
 */
export const TINY_MODEL_BYTES = 256 * 1024 * 1024;

/**
 * The "tiny" bound with a local build (`pnpm llama:build`: OpenMP, whose threads live between evaluations and sleep
 * when they wait, where the prebuilt binary starts threads per evaluation and spins at every barrier). Measured on 2
 * busy cores (`BENCH_LLM_ONLY=threads pnpm bench:llm`): 2 threads were 1.07–1.55× of 1 thread on the 2-layer synthetic
 * model (130 MB file), against 0.17× with the prebuilt binary; on stories260K (1.2 MB) 1 thread stayed faster. The
 * bound lies between the two measured sizes.
 */
export const TINY_MODEL_BYTES_LOCAL_BUILD = 64 * 1024 * 1024;

/**
 * Thread count used when LLAMA_THREADS is not set: 1 for tiny models, else the usable cores
 * (capped at 8, where llama.cpp's CPU speed-up flattens because it becomes memory-bound). `localBuild` (node-llama-cpp's
 * `buildType` is `'localBuild'`) lowers the tiny bound to {@link TINY_MODEL_BYTES_LOCAL_BUILD}.
 *
 * @example
 * defaultThreads(1_185_376) // 1
 * defaultThreads(4_000_000_000, 16) // 8
 * defaultThreads(130_000_000, 2, true) // 2
 */
export function defaultThreads(
  modelBytes: number,
  cores: number = os.availableParallelism(),
  localBuild = false,
): number {
  if (modelBytes < (localBuild ? TINY_MODEL_BYTES_LOCAL_BUILD : TINY_MODEL_BYTES)) return 1;
  return Math.max(1, Math.min(cores, 8));
}

/**
 * Parallel sequences used when LLAMA_SEQUENCES is not set: 4 for tiny models, 2 for models under 8 GB, else 1,
 * since each sequence gets its own KV cache of `contextSize` tokens.
 *
 * @example
 * defaultSequences(1_185_376) // 4
 */
export function defaultSequences(modelBytes: number): number {
  if (modelBytes < TINY_MODEL_BYTES) return 4;
  if (modelBytes < 8 * 1024 ** 3) return 2;
  return 1;
}

/**
 * Flash attention used when LLAMA_FLASH_ATTENTION is not set: off for tiny models, else node-llama-cpp's `'auto'`.
 * Measured with stories260K (head size 8) on CPU, one thread: a 44-token prompt at position 1900 costs 32 ms of CPU
 * without flash attention and 160 ms with it; 1000 tokens take 0.8 s without and 1.4 s with. Larger models were
 * not measured here, so they keep the library's choice.
 *
 * @example
 * defaultFlashAttention(1_185_376) // false
 * defaultFlashAttention(4_000_000_000) // 'auto'
 */
export function defaultFlashAttention(modelBytes: number): 'auto' | false {
  return modelBytes < TINY_MODEL_BYTES ? false : 'auto';
}
