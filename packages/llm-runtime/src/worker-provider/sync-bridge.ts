/** Main side of the synchronous calls: post on a port of their own, then wait on a shared flag for the answer. */
import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { SHARED_SYNC_FLAG, type SyncAnswer, type SyncCall } from './messages.js';

type SyncRequest = SyncCall extends infer C ? (C extends SyncCall ? Omit<C, 'id'> : never) : never;

/**
 * A blocking call to the worker for the provider's synchronous methods (`countTokens`, `preload`): the worker answers
 * between two tokens, so the main thread waits about as long as it would have spent doing the work in-process.
 * Returns undefined when no answer came within `timeoutMs` (a late answer is dropped by its id).
 *
 * @example
 * const bridge = createSyncBridge(port, shared, 5000);
 * bridge.call({ op: 'countTokens', text: 'hello' }) // 2
 */
export function createSyncBridge(port: MessagePort, shared: Int32Array, timeoutMs: number) {
  let nextId = 1;
  return {
    call(request: SyncRequest): unknown {
      const id = nextId++;
      Atomics.store(shared, SHARED_SYNC_FLAG, 0);
      port.postMessage({ ...request, id });
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const received = receiveMessageOnPort(port) as { message: SyncAnswer } | undefined;
        if (received) {
          if (received.message.id === id) return received.message.value;
          continue;
        }
        const left = deadline - performance.now();
        if (left <= 0) return undefined;
        Atomics.store(shared, SHARED_SYNC_FLAG, 0);
        // An answer posted between the read above and the reset is still read: check the port once more.
        const raced = receiveMessageOnPort(port) as { message: SyncAnswer } | undefined;
        if (raced) {
          if (raced.message.id === id) return raced.message.value;
          continue;
        }
        Atomics.wait(shared, SHARED_SYNC_FLAG, 0, left);
      }
    },
  };
}
