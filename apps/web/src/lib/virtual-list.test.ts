import { describe, expect, it } from 'vitest';
import { computeOffsets, computeWindow, estimateHeight, indexAt } from './virtual-list.js';

describe('computeOffsets', () => {
  it('builds prefix sums with the total at the end', () => {
    expect([...computeOffsets([10, 20, 30])]).toEqual([0, 10, 30, 60]);
    expect([...computeOffsets([])]).toEqual([0]);
  });
  it('treats negative heights as zero', () => {
    expect([...computeOffsets([10, -5, 5])]).toEqual([0, 10, 10, 15]);
  });
});

describe('indexAt', () => {
  const offsets = computeOffsets([10, 20, 30]);
  it('finds the item containing a pixel', () => {
    expect(indexAt(offsets, 0)).toBe(0);
    expect(indexAt(offsets, 9.9)).toBe(0);
    expect(indexAt(offsets, 10)).toBe(1);
    expect(indexAt(offsets, 29)).toBe(1);
    expect(indexAt(offsets, 30)).toBe(2);
  });
  it('clamps outside the list', () => {
    expect(indexAt(offsets, -100)).toBe(0);
    expect(indexAt(offsets, 1e9)).toBe(2);
    expect(indexAt(computeOffsets([]), 5)).toBe(0);
  });
});

describe('computeWindow', () => {
  it('renders only visible items plus overscan for 10,000 messages', () => {
    const heights = Array.from({ length: 10_000 }, (_, i) => 60 + (i % 7) * 25);
    const offsets = computeOffsets(heights);
    const total = offsets[10_000]!;
    for (const scrollTop of [0, total / 3, total / 2, total - 900, total]) {
      const w = computeWindow({ offsets, scrollTop, viewportHeight: 900, overscan: 5 });
      expect(w.end - w.start).toBeLessThan(100);
      expect(w.end - w.start).toBeGreaterThan(0);
      // The rendered items plus the padding add up to the full height, so the scrollbar is right.
      expect(w.padTop + (offsets[w.end]! - offsets[w.start]!) + w.padBottom).toBeCloseTo(total);
      // Everything visible is inside the window.
      const top = Math.min(scrollTop, total - 900);
      expect(offsets[w.start]!).toBeLessThanOrEqual(top);
      expect(offsets[w.end]!).toBeGreaterThanOrEqual(Math.min(total, top + 900));
    }
  });

  it('at the bottom of the list ends at the last item', () => {
    const offsets = computeOffsets(new Array(10_000).fill(50));
    const w = computeWindow({ offsets, scrollTop: 10_000 * 50, viewportHeight: 500, overscan: 3 });
    expect(w.end).toBe(10_000);
    expect(w.start).toBe(10_000 - 10 - 3);
    expect(w.padBottom).toBe(0);
  });

  it('applies overscan on both sides and clamps at the top', () => {
    const offsets = computeOffsets(new Array(100).fill(100));
    expect(computeWindow({ offsets, scrollTop: 0, viewportHeight: 300, overscan: 2 })).toMatchObject({
      start: 0,
      end: 5,
      padTop: 0,
    });
    expect(computeWindow({ offsets, scrollTop: 1000, viewportHeight: 300, overscan: 2 })).toMatchObject({
      start: 8,
      end: 15,
      padTop: 800,
      padBottom: 8500,
    });
  });

  it('handles an empty list and a list shorter than the viewport', () => {
    expect(computeWindow({ offsets: computeOffsets([]), scrollTop: 0, viewportHeight: 500 })).toEqual({
      start: 0,
      end: 0,
      padTop: 0,
      padBottom: 0,
      totalHeight: 0,
    });
    expect(computeWindow({ offsets: computeOffsets([40, 40]), scrollTop: 0, viewportHeight: 500 })).toMatchObject({
      start: 0,
      end: 2,
    });
  });

  it('is fast enough to run on every scroll event with 10,000 items', () => {
    const heights = Array.from({ length: 10_000 }, () => 80);
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) {
      const offsets = computeOffsets(heights);
      computeWindow({ offsets, scrollTop: i * 700, viewportHeight: 900 });
    }
    expect((performance.now() - t0) / 100).toBeLessThan(5);
  });
});

describe('estimateHeight', () => {
  it('grows with lines and wrapped length', () => {
    expect(estimateHeight('hello')).toBe(78);
    expect(estimateHeight('a\nb\nc')).toBe(56 + 3 * 22);
    expect(estimateHeight('x'.repeat(161))).toBe(56 + 3 * 22);
  });
});
