import { describe, expect, it } from 'vitest';
import { chunkSegments, partLabel } from './chunk-segments.js';

const chunk = (ordinal: number, start: number, end: number, heading: string | null = null) => ({
  ordinal,
  start,
  end,
  heading,
  page: null,
});

describe('chunkSegments', () => {
  it('cuts the text at its chunks, each character once, in order', () => {
    const text = '# A\nalpha\n# B\nbeta\n';
    const segments = chunkSegments(text, [chunk(1, 10, 19, 'B'), chunk(0, 0, 10, 'A')]);
    expect(segments.map((s) => [s.ordinal, s.heading, s.text])).toEqual([
      [0, 'A', '# A\nalpha\n'],
      [1, 'B', '# B\nbeta\n'],
    ]);
    expect(segments.map((s) => s.text).join('')).toBe(text);
  });

  it('keeps text before, between and after the chunks as unnumbered runs', () => {
    const segments = chunkSegments('xxAAyyBBzz', [chunk(0, 2, 4), chunk(1, 6, 8)]);
    expect(segments.map((s) => [s.ordinal, s.text])).toEqual([
      [null, 'xx'],
      [0, 'AA'],
      [null, 'yy'],
      [1, 'BB'],
      [null, 'zz'],
    ]);
  });

  it('starts an overlapping chunk after the one before, and clamps offsets past the end', () => {
    const segments = chunkSegments('abcdef', [chunk(0, 0, 4), chunk(1, 2, 99)]);
    expect(segments.map((s) => s.text)).toEqual(['abcd', 'ef']);
  });

  it('is the whole text as one run without chunks (a file placed whole)', () => {
    expect(chunkSegments('hello', [])).toEqual([{ ordinal: null, heading: null, page: null, text: 'hello' }]);
  });
});

describe('partLabel', () => {
  it('numbers parts from 1 and adds the heading and page where known', () => {
    expect(partLabel({ ordinal: 2, heading: 'Installation', page: 2 })).toBe('Part 3 · Installation · page 2');
    expect(partLabel({ ordinal: 0, heading: null, page: null })).toBe('Part 1');
  });
});
