import { describe, expect, it } from 'vitest';
import { BatchedStream, type BatchTarget } from './batched-stream.js';

/** A target that records each write it receives (one entry per write call). */
function recorder(): BatchTarget & { writes: string[]; flushes: number } {
  const target = {
    writes: [] as string[],
    flushes: 0,
    write(chunk: string) {
      target.writes.push(chunk);
      return true;
    },
    flushSync() {
      target.flushes += 1;
    },
  };
  return target;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('BatchedStream', () => {
  it('writes the lines of one event-loop turn in one write, in order, at the end of the turn', async () => {
    const target = recorder();
    const stream = new BatchedStream(target);
    stream.write('a\n');
    stream.write('b\n');
    stream.write('c\n');
    expect(target.writes).toEqual([]);
    await nextTurn();
    expect(target.writes).toEqual(['a\nb\nc\n']);
    stream.write('d\n');
    await nextTurn();
    expect(target.writes).toEqual(['a\nb\nc\n', 'd\n']);
    stream.end();
  });

  it('flushSync writes what is pending at once and flushes the target', () => {
    const target = recorder();
    const stream = new BatchedStream(target);
    stream.write('x\n');
    stream.flushSync();
    expect(target.writes).toEqual(['x\n']);
    expect(target.flushes).toBe(1);
    stream.end();
  });

  it('flush reports a failing target to its callback', () => {
    const stream = new BatchedStream({
      write: () => true,
      flushSync() {
        throw new Error('closed');
      },
    });
    let reported: Error | undefined;
    stream.flush((err) => {
      reported = err;
    });
    expect(reported?.message).toBe('closed');
  });

  it('with a delay, writes the lines of several turns in one write, once the delay has passed', async () => {
    // A delay far beyond any loaded machine's turn: nothing is written between these turns.
    const target = recorder();
    const stream = new BatchedStream(target, 60_000);
    stream.write('a\n');
    await nextTurn();
    stream.write('b\n');
    await nextTurn();
    expect(target.writes).toEqual([]);
    stream.flushSync();
    expect(target.writes).toEqual(['a\nb\n']);
    stream.end();
    // And the timer does write on its own.
    const timed = recorder();
    const short = new BatchedStream(timed, 20);
    short.write('c\n');
    for (let i = 0; i < 500 && timed.writes.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(timed.writes).toEqual(['c\n']);
    short.end();
  });
});
