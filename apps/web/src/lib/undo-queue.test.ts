import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUndoQueue } from './undo-queue.js';

describe('createUndoQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('commits after the delay, not before', () => {
    const committed: string[] = [];
    const q = createUndoQueue<string>({ delayMs: 5000, commit: (item) => void committed.push(item) });
    q.push('a', 'A');
    vi.advanceTimersByTime(4999);
    expect(committed).toEqual([]);
    expect(q.pending()).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(committed).toEqual(['A']);
    expect(q.pending()).toEqual([]);
  });

  it('undo cancels the commit and returns the item; a second undo returns nothing', () => {
    const committed: string[] = [];
    const q = createUndoQueue<string>({ commit: (item) => void committed.push(item) });
    q.push('a', 'A');
    vi.advanceTimersByTime(3000);
    expect(q.undo('a')).toBe('A');
    expect(q.undo('a')).toBeUndefined();
    vi.advanceTimersByTime(10_000);
    expect(committed).toEqual([]);
  });

  it('undo after the commit returns nothing', () => {
    const q = createUndoQueue<string>({ delayMs: 100, commit: () => {} });
    q.push('a', 'A');
    vi.advanceTimersByTime(100);
    expect(q.undo('a')).toBeUndefined();
  });

  it('flush commits everything pending at once', () => {
    const committed: string[] = [];
    const q = createUndoQueue<string>({ commit: (item) => void committed.push(item) });
    q.push('a', 'A');
    q.push('b', 'B');
    q.flush();
    expect(committed).toEqual(['A', 'B']);
    vi.advanceTimersByTime(10_000);
    expect(committed).toEqual(['A', 'B']);
  });

  it('pushing the same key again commits the earlier action first', () => {
    const committed: string[] = [];
    const q = createUndoQueue<string>({ commit: (item) => void committed.push(item) });
    q.push('a', 'A1');
    q.push('a', 'A2');
    expect(committed).toEqual(['A1']);
    expect(q.undo('a')).toBe('A2');
  });

  it('reports failed commits to onError, sync and async', async () => {
    const errors: string[] = [];
    const q = createUndoQueue<string>({
      delayMs: 10,
      commit: (item) => {
        if (item === 'sync') throw new Error('sync failed');
        return Promise.reject(new Error('async failed'));
      },
      onError: (e) => errors.push((e as Error).message),
    });
    q.push('x', 'sync');
    q.push('y', 'async');
    vi.advanceTimersByTime(10);
    await vi.runAllTimersAsync();
    expect(errors.sort()).toEqual(['async failed', 'sync failed']);
  });
});
