/** The llama.cpp provider hosted in a worker thread (issue #18: generation isolated from request load). */
export {
  createWorkerLlamaCppProvider,
  type WorkerLlamaCppProvider,
  type WorkerLlamaCppProviderOptions,
} from './worker-provider.js';
export { toWireError, fromWireError, type WireError } from './wire-error.js';
export { createTokenBatcher, type TokenBatcher } from './token-batcher.js';
