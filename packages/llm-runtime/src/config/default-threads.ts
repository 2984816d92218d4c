import os from 'node:os';

/**
 * Below this file size a model is "tiny": a token takes microseconds, so the cost of waking and syncing
 * extra threads dominates. Measured with stories260K (1.2 MB) on a 2-core machine: 1 thread ≈ 1,000–1,500 tok/s,
 * 2 threads ≈ 70–160 tok/s, 4 threads (the node-llama-cpp default there) ≈ 2 tok/s.
 */
export const TINY_MODEL_BYTES = 256 * 1024 * 1024;

/**
 * Thread count used when LLAMA_THREADS is not set: 1 for tiny models, else the usable cores
 * (capped at 8, where llama.cpp's CPU speed-up flattens because it becomes memory-bound).
 *
 * @example
 * defaultThreads(1_185_376) // 1
 * defaultThreads(4_000_000_000, 16) // 8
 */
export function defaultThreads(modelBytes: number, cores: number = os.availableParallelism()): number {
  if (modelBytes < TINY_MODEL_BYTES) return 1;
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
