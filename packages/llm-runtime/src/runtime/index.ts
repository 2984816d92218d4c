/** The runtime facade used by apps/api. */
export { createLlmRuntime, type LlmRuntime } from './create-llm-runtime.js';
