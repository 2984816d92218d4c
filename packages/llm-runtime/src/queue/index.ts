/** Bounded FIFO queue in front of the model's parallel sequences. */
export { createRequestQueue, type RequestQueue, type RequestQueueOptions } from './request-queue.js';
