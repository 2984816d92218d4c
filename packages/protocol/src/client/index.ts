export { createChatClient, type ChatClient, type ChatClientOptions } from './create-chat-client.js';
export { ChatApiError } from './chat-api-error.js';
export { readChatStream } from './sse.js';
