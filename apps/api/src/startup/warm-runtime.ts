/** Starts llama.cpp's bindings at spawn when there is a local model to load, beside the server's own loading. */
import { readdirSync } from 'node:fs';
import type { AppConfig } from '../config/index.js';

/** Whether `dir` holds a GGUF file (top level only, as the registry scans). */
function hasGguf(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => name.toLowerCase().endsWith('.gguf'));
  } catch {
    // No models folder (yet): the runtime reports that itself.
    return false;
  }
}

/**
 * When the models folder holds a GGUF file, begins creating the Llama the runtime will use, so that
 * node-llama-cpp's binary check (a child process, hundreds of milliseconds on Linux) runs while the routes and the
 * store load (issue #18: time to model ready). Without local models (upstreams only), or with the provider in its worker
 * thread (which makes its own), nothing is started. Returns
 * the promise of the import, which never rejects: a failure is met again and reported by the runtime.
 *
 * @example
 * const warm = warmRuntime(config);
 * const { startServer } = await import('./start-server.js');
 */
export function warmRuntime(config: Pick<AppConfig, 'runtime' | 'modelsDir'>): Promise<void> {
  // With llama.cpp in its worker thread (LLAMA_WORKER, on by default) a Llama made here would be a second, unused one.
  if (config.runtime.worker !== false || !hasGguf(config.modelsDir)) return Promise.resolve();
  return import('@chat-studio/llm-runtime/warm')
    .then(({ warmLlama }) => warmLlama(config.runtime.gpu ?? 'auto', 'warn', config.runtime.binaryCheckFile))
    .catch(() => undefined);
}

/**
 * With llama.cpp in its worker thread (LLAMA_WORKER, on by default) and a GGUF in the models folder, starts that
 * thread now, before the routes and the store are imported; the runtime created later adopts it. Never rejects: a
 * failure here leaves the runtime to start its own worker and report what fails.
 *
 * @example
 * void startWorkerEarly(config); // first thing after the port opens
 */
export function startWorkerEarly(config: Pick<AppConfig, 'runtime' | 'modelsDir'>): Promise<void> {
  if (config.runtime.worker === false || !hasGguf(config.modelsDir)) return Promise.resolve();
  return import('@chat-studio/llm-runtime/early-worker')
    .then(({ startWorkerEarly: start }) => start(config.runtime))
    .catch(() => undefined);
}
