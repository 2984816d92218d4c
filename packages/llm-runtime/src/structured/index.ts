/**
 * `@chat-studio/llm-runtime/structured`: JSON schemas as grammars: what node-llama-cpp's grammar builder can enforce, and a 400 for the rest. Free of
 * node-llama-cpp at run time, so the API validates request schemas without importing it.
 */
export { toGrammarSchema } from './json-schema.js';
