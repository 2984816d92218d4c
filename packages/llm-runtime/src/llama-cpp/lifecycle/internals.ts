/**
 * node-llama-cpp's internal modules the remembered binary check loads through (its `exports` allow only `.` and
 * `./commands`, so they are imported by file from its installed `dist`). The worker's build bundle
 * (scripts/bundle-worker.mjs) replaces this module with static imports of the same files, so that the Llama class
 * used here is the bundle's own copy, not a second one loaded beside it.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** What the remembered binary check uses of node-llama-cpp's internals (3.21.1). */
export interface LlamaInternals {
  Llama: unknown;
  defaultLlamaCppDebugMode: boolean;
  defaultLlamaVramPadding: unknown;
  defaultLlamaRamPadding: unknown;
}

/**
 * Imports `bindings/Llama.js`, `config.js` and `bindings/getLlama.js` from node-llama-cpp's `dist` folder.
 *
 * @example
 * const { Llama } = await loadLlamaInternals(candidate.distDir);
 */
export async function loadLlamaInternals(distDir: string): Promise<LlamaInternals> {
  const internal = (file: string) => import(pathToFileURL(path.join(distDir, file)).href);
  const { Llama } = (await internal('bindings/Llama.js')) as { Llama: unknown };
  const { defaultLlamaCppDebugMode } = (await internal('config.js')) as { defaultLlamaCppDebugMode: boolean };
  const paddings = (await internal('bindings/getLlama.js')) as {
    defaultLlamaVramPadding: unknown;
    defaultLlamaRamPadding: unknown;
  };
  return { Llama, defaultLlamaCppDebugMode, ...paddings };
}
