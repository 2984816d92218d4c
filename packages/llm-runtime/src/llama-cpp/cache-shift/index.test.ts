import { describe, expect, it } from 'vitest';
import { alignShift, MIN_KEPT_TOKENS } from './index.js';

/** `count` distinct tokens from `from` on. */
const run = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);

describe('alignShift', () => {
  const system = run(1, 5);
  const dropped = run(100, 40);
  const kept = run(200, 30);
  const reply = run(300, 10);

  it('erases the dropped turns and keeps the rest of the cache as the prompt goes on', () => {
    const cached = [...system, ...dropped, ...kept, ...reply];
    const prompt = [...system, ...kept, ...reply, ...run(400, 12)];
    const alignment = alignShift(cached, prompt);
    expect(alignment).toEqual({ start: 5, end: 45, kept: 40 });
    // What the cache holds after the shift is exactly the prompt's start: only the new turn is left to evaluate.
    const after = [
      ...cached.slice(0, alignment!.start),
      ...cached.slice(alignment!.end, alignment!.end + alignment!.kept),
    ];
    expect(after).toEqual(prompt.slice(0, after.length));
    expect(prompt.length - after.length).toBe(12);
  });

  it('keeps the longest run when the prompt stops matching before the cache ends', () => {
    // The reply read back as other tokens: the kept turns match, the reply's tokens are erased too.
    const cached = [...system, ...dropped, ...kept, ...reply];
    const prompt = [...system, ...kept, 999, ...run(400, 12)];
    expect(alignShift(cached, prompt)).toEqual({ start: 5, end: 45, kept: 30 });
  });

  it('finds the gap after a shared start inside the first dropped message', () => {
    // Both the first dropped and the first kept user message open with the same word.
    const cached = [...system, 7, ...dropped, 7, ...kept];
    const prompt = [...system, 7, ...kept, ...run(400, 3)];
    expect(alignShift(cached, prompt)).toEqual({ start: 6, end: 47, kept: 30 });
  });

  it('does nothing when the cache is already a prefix of the prompt', () => {
    const cached = [...system, ...kept];
    expect(alignShift(cached, [...cached, ...reply])).toBeUndefined();
    expect(alignShift([], reply)).toBeUndefined();
  });

  it('refuses a stitch of a few coincidental tokens', () => {
    const cached = [...system, ...dropped, ...kept];
    const prompt = [...system, ...kept.slice(0, MIN_KEPT_TOKENS - 1), 999, ...run(400, 20)];
    expect(alignShift(cached, prompt)).toBeUndefined();
    // Unless they are all the cache has left: then they are worth keeping.
    const short = [...system, ...dropped, ...kept.slice(0, 3)];
    expect(alignShift(short, [...system, ...kept.slice(0, 3), 999])).toEqual({ start: 5, end: 45, kept: 3 });
  });

  it('finds nothing when the prompt shares no run with the cache', () => {
    expect(alignShift([...system, ...dropped], [...system, ...run(500, 20)])).toBeUndefined();
  });
});
