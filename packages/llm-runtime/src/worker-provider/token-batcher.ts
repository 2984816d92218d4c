/** Worker side: the pieces of a stream gathered and posted in batches, so the main thread gets a few messages a tick. */
import type { StreamItem } from './messages.js';

/** A stream's batcher: `push` in generation order, `flush` before the answer. */
export interface TokenBatcher {
  push(item: StreamItem): void;
  /** Posts what is pending now (before the final answer, so no piece arrives after it). */
  flush(): void;
}

/**
 * Posts the first piece at once (time to first token is not delayed), then everything generated since the last post,
 * at most once every `intervalMs`.
 *
 * @example
 * const batcher = createTokenBatcher(4, (items) => port.postMessage({ kind: 'stream', id, items }));
 */
export function createTokenBatcher(intervalMs: number, post: (items: StreamItem[]) => void): TokenBatcher {
  let pending: StreamItem[] = [];
  let lastPost = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return;
    const items = pending;
    pending = [];
    lastPost = performance.now();
    post(items);
  };
  return {
    push(item) {
      pending.push(item);
      if (timer) return;
      const wait = lastPost + intervalMs - performance.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    flush,
  };
}
