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

  it('reads its capacity at each decision: wake serves waiters once it grew; it keeps at least one slot', async () => {
    let sequences = 1;
    const queue = createRequestQueue({ capacity: () => sequences, limit: 4, timeoutMs: 60_000 });
    const first = await queue.acquire();
    const waiting = [queue.acquire(), queue.acquire()];
    expect(queue.depth).toBe(2);
    sequences = 3;
    queue.wake();
    const releases = await Promise.all(waiting);
    expect([queue.inUse, queue.depth]).toEqual([3, 0]);
    sequences = 0;
    expect(queue.capacity).toBe(1);
    // Shrinking takes effect as slots come back: one release leaves two in use, none is handed out.
    const late = queue.acquire();
    for (const release of [first, ...releases]) release();
    const lateRelease = await late;
    expect(queue.inUse).toBe(1);
    lateRelease();
    lateRelease();
    expect(queue.inUse).toBe(0);
  });

  it('a newcomer is served by a capacity that grew without a wake, after the waiters before it', async () => {
    let sequences = 1;
    const queue = createRequestQueue({ capacity: () => sequences, limit: 4, timeoutMs: 60_000 });
    const held = await queue.acquire();
    const order: string[] = [];
    const earlier = queue.acquire().then((release) => {
      order.push('earlier');
      return release;
    });
    sequences = 3;
    const newcomer = await queue.acquire();
    order.push('newcomer');
    const releaseEarlier = await earlier;
    expect(order).toEqual(['earlier', 'newcomer']);
    for (const release of [held, releaseEarlier, newcomer]) release();
    expect(queue.inUse).toBe(0);
  });

  it('refusal() is what acquire would refuse with, asked without taking anything', async () => {
    const queue = createRequestQueue({ capacity: 1, limit: 1, timeoutMs: 60_000, retryAfterSeconds: 3 });
    expect(queue.refusal()).toBeNull();
    const held = await queue.acquire();
    // The one slot is taken but a request could still wait.
    expect(queue.refusal()).toBeNull();
    expect([queue.inUse, queue.depth]).toEqual([1, 0]);
    const waiting = queue.acquire();
    const refused = queue.refusal();
    expect(refused).toBeInstanceOf(QueueFullError);
    expect(refused?.retryAfterSeconds).toBe(3);
    // Asking took nothing.
    expect([queue.inUse, queue.depth]).toEqual([1, 1]);
    await expect(queue.acquire()).rejects.toThrow(refused!.message);
    held();
    (await waiting)();
    expect(queue.refusal()).toBeNull();
  });

  it('rejects every waiter with the given error, and a pre-aborted request at once', async () => {
    const queue = createRequestQueue({ capacity: 1, limit: 4, timeoutMs: 60_000 });
    const held = await queue.acquire();
    const waiting = [queue.acquire(), queue.acquire()];
    queue.rejectAll(new Error('closed'));
    for (const waiter of waiting) await expect(waiter).rejects.toThrow('closed');
    expect(queue.depth).toBe(0);
    const aborted = new AbortController();
    aborted.abort(new Error('gone'));
    await expect(queue.acquire(aborted.signal)).rejects.toThrow('gone');
    held();
    expect(queue.inUse).toBe(0);
  });
});
