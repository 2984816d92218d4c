/** JSON schemas as grammars: what node-llama-cpp's grammar builder can enforce, and a 400 for the rest. */
export { toGrammarSchema } from './json-schema.js';
