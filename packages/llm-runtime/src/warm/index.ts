/**
 * `@chat-studio/llm-runtime/warm`: starts llama.cpp's bindings before the rest of the server is loaded. On Linux
 * node-llama-cpp tests a prebuilt binary in a child process before loading it (hundreds of milliseconds); begun
 * first, that test runs on another core while the server imports its routes and opens its database.
 */
import { createLlama } from '../llama-cpp/lifecycle/create-llama.js';
import type { LlamaLogLevelName } from '../llama-cpp/defaults.js';
import { putWarmLlama, takeWarmLlama } from './warm-cache.js';

export { takeWarmLlama };

/**
 * Creates the Llama the local provider will ask for with the same options (`gpu`, log level). A failure here is
 * not reported: the provider then creates its own and reports that failure as usual.
 *
 * @example
 * warmLlama('auto', 'warn'); // then createLlmRuntime(...).start() uses it
 */
export function warmLlama(gpu: 'auto' | false, level: LlamaLogLevelName = 'warn', checkFile?: string): void {
  const llama = createLlama(gpu, level, checkFile);
  // Not reported here; a failed one is dropped below so the provider's own attempt reports it.
  llama.catch(() => takeWarmLlama(gpu, level));
  putWarmLlama(gpu, level, llama);
}
