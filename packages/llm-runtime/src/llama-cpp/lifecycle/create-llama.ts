import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import type { LlamaLogLevelName } from '../defaults.js';
import { takeWarmLlama } from '../../warm/warm-cache.js';
import { loadCheckedBinary, recordCheckedBinary } from './checked-binary.js';

/**
 * Gets llama.cpp's bindings without compiling or downloading anything at run time (`build: 'never'`); with `'auto'`
 * a missing GPU binary or device means CPU. With `checkFile`, a prebuilt binary that passed node-llama-cpp's check
 * on this machine before is loaded without checking it again (see checked-binary.ts), and one that passes now is
 * remembered there.
 */
export async function createLlama(
  gpu: 'auto' | false,
  levelName: LlamaLogLevelName,
  checkFile?: string,
): Promise<Llama> {
  // Begun at server start by `@chat-studio/llm-runtime/warm` (issue #18: model ready sooner).
  const warmed = takeWarmLlama(gpu, levelName);
  if (warmed) return warmed.catch(() => createLlama(gpu, levelName, checkFile));
  const logLevel = Object.values(LlamaLogLevel).find((level) => level === levelName) ?? LlamaLogLevel.warn;
  if (checkFile) {
    // A failure here (a changed install the key did not catch) falls back to node-llama-cpp's own checked load.
    const checked = await loadCheckedBinary(checkFile, gpu, logLevel, llamaLogger).catch(() => undefined);
    if (checked) return checked;
  }
  const llama = await getCheckedLlama(gpu, logLevel);
  if (checkFile) recordCheckedBinary(checkFile, gpu, llama);
  return llama;
}

async function getCheckedLlama(gpu: 'auto' | false, logLevel: LlamaLogLevel): Promise<Llama> {
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
