/** @chat-studio/protocol: valibot schemas, types and a typed client for every request, response and stream event. */
export * from './errors/index.js';
export * from './schemas/index.js';
export { DEFAULT_TITLE, deriveTitle } from './title/index.js';
export {
  createChatClient,
  ChatApiError,
  readChatStream,
  readServerSentEvents,
  type ServerSentEvent,
  type ChatClient,
  type ChatClientOptions,
} from './client/index.js';
