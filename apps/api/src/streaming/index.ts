/** Streaming responses: the one SSE writer and the queue that feeds it. */
export { createEventChannel, type EventChannel } from './event-channel.js';
export {
  sseResponse,
  ndjsonResponse,
  isErrorEvent,
  type ErrorEvent,
  type SseEncoder,
  type SseFrame,
  type SseResponseOptions,
} from './sse-writer.js';
