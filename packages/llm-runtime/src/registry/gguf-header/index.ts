/** GGUF headers read without node-llama-cpp: the model list and its descriptions on the server's main thread. */
export { readGgufHeader, type GgufHeader, type GgufTensor, type GgufValue } from './read-gguf-header.js';
export { describeHeader, headerProblem } from './describe-header.js';
export { GgufFormatError } from './gguf-format-error.js';
