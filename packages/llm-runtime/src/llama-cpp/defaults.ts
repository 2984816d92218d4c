/**
 * The llama.cpp provider's defaults, kept free of node-llama-cpp imports so that the package's public types never
 * load node-llama-cpp's declarations (which do not pass `tsc` with `skipLibCheck: false`).
 */

/** Temperature used when a request sets none; node-llama-cpp's suggested balance. */
export const DEFAULT_TEMPERATURE = 0.8;

/** Context size per sequence when neither option nor env sets one (capped by the training context). */
export const DEFAULT_MAX_CONTEXT = 4096;

/** Tokens one embedding context takes at most; inputs are embedded whole, in one batch. */
export const MAX_EMBEDDING_CONTEXT = 4096;

/** llama.cpp's log levels by name (the values of node-llama-cpp's `LlamaLogLevel`, which may be passed as well). */
export type LlamaLogLevelName = 'disabled' | 'fatal' | 'error' | 'warn' | 'info' | 'log' | 'debug';
