/** Tool calling on node-llama-cpp: history with calls and results, and grammar-forced calls. */
export { toolResults, toModelResponse } from './tool-history.js';
export { planForcedCall, createForcedCallSplitter, type ForcedCallPlan } from './forced-call.js';
