/** Streaming responses: the one SSE writer (its NDJSON and JSON forms too) and the queue that feeds it. */
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
export { jsonResponse, type JsonResponseOptions } from './json-writer.js';
