/** The llama.cpp provider's operations, each over the shared {@link ProviderContext}. */
export { completePrompt } from './complete-prompt.js';
export { describeStatus } from './describe-status.js';
export { generateReply } from './generate-reply.js';
export { loadModel } from './load-model.js';
export { loadedOrThrow, stripPath, type ProviderContext, type ProviderSettings } from './provider-context.js';
