import { describe, expect, it } from 'vitest';
import { sliceHighlights } from './highlight-slices.js';

const join = (s: { text: string }[]) => s.map((x) => x.text).join('');

describe('sliceHighlights', () => {
  it('marks the given ranges', () => {
    expect(sliceHighlights('hello world', [[6, 11]])).toEqual([
      { text: 'hello ', mark: false },
      { text: 'world', mark: true },
    ]);
    expect(
      sliceHighlights('a cat and a cat', [
        [2, 5],
        [12, 15],
      ])
        .filter((s) => s.mark)
        .map((s) => s.text),
    ).toEqual(['cat', 'cat']);
  });
  it('sorts, merges overlapping and touching ranges, and clamps out-of-range offsets', () => {
    const text = 'abcdefghij';
    const s = sliceHighlights(text, [
      [8, 20],
      [1, 3],
      [2, 5],
      [5, 6],
      [-4, 0],
    ]);
    expect(s).toEqual([
      { text: 'a', mark: false },
      { text: 'bcdef', mark: true },
      { text: 'gh', mark: false },
      { text: 'ij', mark: true },
    ]);
    expect(join(s)).toBe(text);
  });
  it('ignores empty and reversed ranges', () => {
    expect(
      sliceHighlights('abc', [
        [2, 2],
        [3, 1],
      ]),
    ).toEqual([{ text: 'abc', mark: false }]);
  });
  it('keeps markup in snippets as text', () => {
    const snippet = '<img src=x onerror=alert(1)> found';
    const s = sliceHighlights(snippet, [[29, 34]]);
    expect(s[0]).toEqual({ text: '<img src=x onerror=alert(1)> ', mark: false });
    expect(s[1]).toEqual({ text: 'found', mark: true });
  });
  it('returns one empty slice for empty text', () => {
    expect(sliceHighlights('', [[0, 3]])).toEqual([{ text: '', mark: false }]);
  });
});
