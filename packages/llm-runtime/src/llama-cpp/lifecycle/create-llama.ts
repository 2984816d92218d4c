import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import type { LlamaLogLevelName } from '../defaults.js';
import { takeWarmLlama } from '../../warm/warm-cache.js';

/**
 * Gets llama.cpp's bindings without compiling or downloading anything at run time (`build: 'never'`); with `'auto'`
 * a missing GPU binary or device means CPU.
 */
export async function createLlama(gpu: 'auto' | false, levelName: LlamaLogLevelName): Promise<Llama> {
  // Begun at server start by `@chat-studio/llm-runtime/warm` (issue #18: model ready sooner).
  const warmed = takeWarmLlama(gpu, levelName);
  if (warmed) return warmed.catch(() => createLlama(gpu, levelName));
  const logLevel = Object.values(LlamaLogLevel).find((level) => level === levelName) ?? LlamaLogLevel.warn;
  const base = { build: 'never', logLevel, logger: llamaLogger } as const;
  if (gpu === false) return getLlama({ ...base, gpu: false });
  try {
    return await getLlama({ ...base, gpu: 'auto' });
  } catch {
    return getLlama({ ...base, gpu: false });
  }
}

/** llama.cpp's log lines on stderr, less the known harmless ones. */
export function llamaLogger(level: LlamaLogLevel, message: string): void {
  // GGUFs converted without special-token types (stories260K and other toy models) trigger these at load; harmless.
  if (message.includes('bad special token') || message.includes('special_eos_id is not in special_eog_ids')) return;
  const text = message.trimEnd();
  if (!text) return;
  if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal) console.error(`[llama.cpp] ${text}`);
  else console.warn(`[llama.cpp] ${text}`);
}

/** How status names the back end: `cpu`, or the GPU type. */
export function describeGpu(gpu: Llama['gpu']): string {
  return gpu === false ? 'cpu' : gpu;
}
