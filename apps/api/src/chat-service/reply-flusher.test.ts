import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReplyFlusher, type ReplyFlusherOptions } from './reply-flusher.js';

/** A flusher whose writes are recorded; `hold` keeps each write pending until released. */
function recorded(options: Partial<ReplyFlusherOptions> = {}, hold = false) {
  const writes: string[] = [];
  const releases: (() => void)[] = [];
  const flusher = createReplyFlusher({
    maxDelayMs: 100,
    maxTokens: 16,
    write: (text) => {
      writes.push(text);
      return hold ? new Promise<void>((r) => releases.push(r)) : Promise.resolve();
    },
    ...options,
  });
  return { flusher, writes, releases };
}

/** Advances fake time by `ms`, then lets the writes that became due run. */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

const tokens = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `t${from + i} `);

describe('reply flusher', () => {
  beforeEach(() => {
    // Writes wait for a real setImmediate (the socket goes first); only the delay timer is fake.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stores at once when the 16th unstored token is sent', async () => {
    const { flusher, writes } = recorded();
    for (const t of tokens(15)) flusher.sent(t);
    await advance(0);
    expect(writes).toEqual([]);
    flusher.sent('t15 ');
    await advance(0);
    expect(writes).toEqual([tokens(16).join('')]);
    // The count starts again from the write.
    for (const t of tokens(15, 16)) flusher.sent(t);
    await advance(0);
    expect(writes).toHaveLength(1);
    flusher.sent('t31 ');
    await advance(0);
    expect(writes).toEqual([tokens(16).join(''), tokens(32).join('')]);
  });

  it('stores within a burst: the 16th token of a batch is written before the 17th is sent', async () => {
    // A batch from the worker thread arrives in one tick; waiting for a macrotask would leave all of it unstored.
    const { flusher, writes } = recorded();
    for (const t of tokens(16)) flusher.sent(t);
    expect(writes).toEqual([tokens(16).join('')]);
    for (const t of tokens(24, 16)) flusher.sent(t);
    // The next write follows the one in flight within microtasks, before any macrotask (a socket write) runs.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(writes).toEqual([tokens(16).join(''), tokens(40).join('')]);
  });

  it('stores a token at most the delay after it was sent, even when few follow', async () => {
    const { flusher, writes } = recorded();
    flusher.sent('Once');
    await advance(60);
    flusher.sent(' upon');
    await advance(39);
    expect(writes).toEqual([]);
    await advance(1);
    expect(writes).toEqual(['Once upon']);
    // Nothing new sent: no write.
    await advance(1000);
    expect(writes).toEqual(['Once upon']);
    flusher.sent(' a time');
    await advance(100);
    expect(writes).toEqual(['Once upon', 'Once upon a time']);
  });

  it('with maxTokens 0 stores on time alone (the old interval)', async () => {
    const { flusher, writes } = recorded({ maxTokens: 0, maxDelayMs: 500 });
    for (const t of tokens(100)) flusher.sent(t);
    await advance(499);
    expect(writes).toEqual([]);
    await advance(1);
    expect(writes).toEqual([tokens(100).join('')]);
  });

  it('runs one write at a time, then writes what came meanwhile', async () => {
    const { flusher, writes, releases } = recorded({}, true);
    for (const t of tokens(16)) flusher.sent(t);
    await advance(0);
    expect(writes).toHaveLength(1);
    for (const t of tokens(20, 16)) flusher.sent(t);
    await advance(200);
    expect(writes).toHaveLength(1);
    releases.shift()!();
    await advance(0);
    expect(writes).toEqual([tokens(16).join(''), tokens(36).join('')]);
    releases.shift()!();
    const done = flusher.finish();
    await advance(0);
    await done;
  });

  it('retries a failed write, and writes nothing once finished', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const writes: string[] = [];
    const flusher = createReplyFlusher({
      maxDelayMs: 100,
      maxTokens: 16,
      write: async (text) => {
        writes.push(text);
        if (fail) throw new Error('disk full');
      },
      onError: (e) => errors.push(e),
    });
    flusher.sent('a');
    await advance(100);
    expect(errors).toHaveLength(1);
    fail = false;
    await advance(100);
    expect(writes).toEqual(['a', 'a']);
    flusher.sent('b');
    await flusher.finish();
    flusher.sent('c');
    await advance(1000);
    expect(writes).toEqual(['a', 'a']);
    expect(flusher.text).toBe('ab');
  });

  it('in append mode writes only the new text, whose concatenation is the text sent', async () => {
    const { flusher, writes } = recorded({ append: true });
    const sent = tokens(40);
    for (const t of sent) flusher.sent(t);
    await advance(0);
    await advance(100);
    await flusher.finish();
    // The 16th token stores the first 16; what came during that write goes in the next, never twice.
    expect(writes[0]).toBe(sent.slice(0, 16).join(''));
    expect(writes.length).toBeGreaterThan(1);
    expect(writes.join('')).toBe(flusher.text);
  });

  it('in append mode gives a failed write’s text again with what came after it', async () => {
    const writes: string[] = [];
    let fail = true;
    const flusher = createReplyFlusher({
      maxDelayMs: 100,
      maxTokens: 16,
      append: true,
      write: (text) => {
        if (fail) {
          fail = false;
          return Promise.reject(new Error('busy'));
        }
        writes.push(text);
        return Promise.resolve();
      },
    });
    const sent = tokens(20);
    for (const t of sent) flusher.sent(t);
    await advance(0);
    await advance(100);
    await flusher.finish();
    expect(writes.join('')).toBe(sent.join(''));
  });
});
