import { describe, expect, it } from 'vitest';
import { QueueFullError, QueueTimeoutError } from '../errors/index.js';
import { createRequestQueue } from './request-queue.js';

describe('createRequestQueue', () => {
  it('runs up to capacity at once and hands slots out in FIFO order', async () => {
    const queue = createRequestQueue({ capacity: 2, limit: 5, timeoutMs: 1000 });
    const a = await queue.acquire();
    const b = await queue.acquire();
    expect(queue.inUse).toBe(2);
    const order: string[] = [];
    const c = queue.acquire().then((release) => {
      order.push('c');
      return release;
    });
    const d = queue.acquire().then((release) => {
      order.push('d');
      return release;
    });
    expect(queue.depth).toBe(2);
    a();
    a(); // a second call must not free a second slot
    const releaseC = await c;
    expect(order).toEqual(['c']);
    expect(queue.depth).toBe(1);
    b();
    const releaseD = await d;
    expect(order).toEqual(['c', 'd']);
    releaseC();
    releaseD();
    expect(queue.inUse).toBe(0);
  });

  it('refuses at once past the bound with QueueFullError and a retry hint', async () => {
    const queue = createRequestQueue({ capacity: 1, limit: 1, timeoutMs: 1000, retryAfterSeconds: 7 });
    const release = await queue.acquire();
    const waiting = queue.acquire();
    const error = await queue.acquire().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueFullError);
    expect((error as QueueFullError).retryAfterSeconds).toBe(7);
    release();
    (await waiting)();
  });

  it('times out a waiter with QueueTimeoutError and frees its place', async () => {
    const queue = createRequestQueue({ capacity: 1, limit: 1, timeoutMs: 50 });
    const release = await queue.acquire();
    const started = Date.now();
    await expect(queue.acquire()).rejects.toBeInstanceOf(QueueTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(queue.depth).toBe(0);
    release();
    expect(queue.inUse).toBe(0);
  });

  it('removes an aborted waiter', async () => {
    const queue = createRequestQueue({ capacity: 1, limit: 2, timeoutMs: 1000 });
    const release = await queue.acquire();
    const controller = new AbortController();
    const waiting = queue.acquire(controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(queue.depth).toBe(0);
    release();
    expect(queue.inUse).toBe(0);
  });
});
