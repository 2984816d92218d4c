/** The typed API client and its server-sent-event readers. */
export { createChatClient, type ChatClient, type ChatClientOptions } from './create-chat-client.js';
export { ChatApiError } from './chat-api-error.js';
export { readChatStream, readServerSentEvents, type ServerSentEvent } from './sse.js';
