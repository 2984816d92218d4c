/** Where a Llama created ahead of time waits for the provider that will use it. */
import type { Llama } from 'node-llama-cpp';
import type { LlamaLogLevelName } from '../llama-cpp/defaults.js';

const warmed = new Map<string, Promise<Llama>>();
const keyOf = (gpu: 'auto' | false, level: LlamaLogLevelName) => `${String(gpu)}:${level}`;

/** Keeps `llama` for the first {@link takeWarmLlama} with the same options. */
export function putWarmLlama(gpu: 'auto' | false, level: LlamaLogLevelName, llama: Promise<Llama>): void {
  warmed.set(keyOf(gpu, level), llama);
}

/** The Llama created ahead of time with these options, once (the next caller creates its own), or undefined. */
export function takeWarmLlama(gpu: 'auto' | false, level: LlamaLogLevelName): Promise<Llama> | undefined {
  const key = keyOf(gpu, level);
  const llama = warmed.get(key);
  warmed.delete(key);
  return llama;
}
