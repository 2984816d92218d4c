import os from 'node:os';
import { GgufInsights, type GgufFileInfo, type Llama } from 'node-llama-cpp';
import { InsufficientMemoryError } from '../errors/index.js';

/** Share of free RAM a model may take; the rest stays for the OS, SQLite and the API. */
export const RAM_USE_RATIO = 0.9;

/**
 * Throws InsufficientMemoryError when `requiredBytes` exceeds {@link RAM_USE_RATIO} of `freeBytes`.
 *
 * @example
 * assertFitsInMemory('big-model', 8e9, 4e9) // throws
 */
export function assertFitsInMemory(modelId: string, requiredBytes: number, freeBytes: number): void {
  if (requiredBytes > freeBytes * RAM_USE_RATIO) throw new InsufficientMemoryError(modelId, requiredBytes, freeBytes);
}

/**
 * The most sequences, from `preferred` down by halves to 1, whose estimated RAM fits in {@link RAM_USE_RATIO} of
 * `freeBytes`; 1 when none does (loading then fails with the reason). Each sequence has its own KV cache, so on a
 * machine short of memory fewer parallel chats beat a model that does not load.
 *
 * @example
 * await fitSequences(4, (n) => estimateCpuRam(llama, info, { contextSize: 4096, sequences: n }), freeMemoryBytes())
 */
export async function fitSequences(
  preferred: number,
  estimate: (sequences: number) => Promise<number>,
  freeBytes: number,
): Promise<number> {
  for (let sequences = Math.max(1, preferred); sequences > 1; sequences = Math.floor(sequences / 2)) {
    if ((await estimate(sequences)) <= freeBytes * RAM_USE_RATIO) return sequences;
  }
  return 1;
}

/** node-llama-cpp's estimate of the RAM a CPU-only model plus its context needs, in bytes. */
export async function estimateCpuRam(
  llama: Llama,
  info: GgufFileInfo,
  context: { contextSize: number; sequences: number },
): Promise<number> {
  const insights = await GgufInsights.from(info, llama);
  const model = await insights.estimateModelResourceRequirementsV2({ gpuLayers: 0 });
  const kv = await insights.estimateContextResourceRequirementsV2({
    contextSize: context.contextSize,
    sequences: context.sequences,
    modelGpuLayers: 0,
  });
  return model.cpuRam + kv.cpuRam;
}

/** Free RAM as the OS reports it (MemAvailable on Linux). */
export function freeMemoryBytes(): number {
  return os.freemem();
}
