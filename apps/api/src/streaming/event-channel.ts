/** A push-to-pull bridge: a producer that calls back (the model's `onToken`) feeds a consumer that iterates. */

/** The producer's side of an {@link EventChannel}. */
export interface EventChannel<T> extends AsyncIterable<T> {
  /**
   * Queues `event` for the consumer; ignored after `close` or once the consumer has stopped iterating. The promise
   * resolves when the consumer has handled the event (asked for the next one): for a writer, when it was written. It
   * never resolves for an event the consumer never handled.
   */
  push(event: T): Promise<void>;
  /** Ends the iteration after the queued events. */
  close(): void;
}

/**
 * An unbounded queue read with `for await`. The producer never waits for the consumer (the model must not stall on a
 * slow socket); a consumer that stops early (`break`, `return()`) only stops receiving, it does not stop the producer.
 *
 * @example
 * const channel = createEventChannel<string>();
 * void runtime.generate({ onToken: (t) => channel.push(t) }).finally(() => channel.close());
 * for await (const token of channel) write(token);
 */
export function createEventChannel<T>(): EventChannel<T> {
  const queue: { event: T; handled: () => void }[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };

  return {
    push(event) {
      if (closed) return new Promise<void>(() => {});
      return new Promise<void>((handled) => {
        queue.push({ event, handled });
        notify();
      });
    },
    close() {
      closed = true;
      notify();
    },
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          const next = queue.shift();
          if (next !== undefined) {
            yield next.event;
            // The consumer asked for more: it is done with this one (a writer has written it).
            next.handled();
            continue;
          }
          if (closed) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      } finally {
        // The consumer left (or read everything): later pushes have nobody to go to.
        closed = true;
        queue.length = 0;
      }
    },
  };
}
