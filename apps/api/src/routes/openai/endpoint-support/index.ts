/** Shared by /v1/embeddings, /v1/completions and /v1/responses: body parsing with the field policy, model checks. */
export { parseBody, refuse, type Refusals } from './parse-body.js';
export { requireActiveModel } from './model-check.js';
