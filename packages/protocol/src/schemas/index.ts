/** valibot schemas and types of every request, response and stream event. */
export * from './limits.js';
export * from './common.js';
export * from './generation.js';
export * from './session.js';
export * from './attachment.js';
export * from './message.js';
export * from './chat.js';
export * from './search.js';
export * from './llm.js';
export * from './health.js';
export * from './auth.js';
export * from './openai.js';
export * from './branch.js';
export * from './transfer.js';
