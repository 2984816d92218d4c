import type { ResolvedRuntimeOptions } from '../config/index.js';

/** The local llama.cpp provider's options from the runtime's resolved ones (in-process or in its worker thread). */
export function localProviderOptions(config: ResolvedRuntimeOptions) {
  return {
    modelsDir: config.modelsDir,
    gpu: config.gpu,
    ...(config.binaryCheckFile !== undefined ? { binaryCheckFile: config.binaryCheckFile } : {}),
    defaultMaxTokens: config.defaultMaxTokens,
    switchGraceMs: config.switchGraceMs,
    contextShiftFraction: config.contextShiftFraction,
    preloadNextTurn: config.preloadNextTurn,
    ...(config.flashAttention !== undefined ? { flashAttention: config.flashAttention } : {}),
    ...(config.threads !== undefined ? { threads: config.threads } : {}),
    ...(config.sequences !== undefined ? { sequences: config.sequences } : {}),
    ...(config.contextSize !== undefined ? { contextSize: config.contextSize } : {}),
    ...(config.embeddingModelId !== undefined ? { embeddingModelId: config.embeddingModelId } : {}),
  };
}
