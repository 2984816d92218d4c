import { describe, expect, it } from 'vitest';
import { tokenMeter } from './token-meter.js';

describe('tokenMeter', () => {
  it('counts the files placed whole against the context', () => {
    const meter = tokenMeter(
      [
        { name: 'a.md', tokens: 1200, chunked: false },
        { name: 'b.txt', tokens: 300, chunked: false },
      ],
      4096,
    );
    expect(meter).toMatchObject({ tokens: 1500, left: 2596, over: false, partial: [], warning: null });
    expect(meter.summary).toBe('Attachments: 1,500 tokens · 2,596 of 4,096 left');
  });

  it('warns about a file the server retrieves in parts, and leaves it out of the count', () => {
    const meter = tokenMeter(
      [
        { name: 'small.md', tokens: 100, chunked: false },
        { name: 'manual.pdf', tokens: 90_000, chunked: true },
      ],
      4096,
    );
    expect(meter.tokens).toBe(100);
    expect(meter.partial).toEqual(['manual.pdf']);
    expect(meter.warning).toBe(
      '“manual.pdf” is too large to place whole: the parts most relevant to each question are retrieved instead.',
    );
  });

  it('warns about a file past the share of the context files may take, even before the server says so', () => {
    const meter = tokenMeter(
      [
        { name: 'a.md', tokens: 200, chunked: false },
        { name: 'b.md', tokens: 100, chunked: false },
      ],
      512,
    );
    // Half of 512 is 256: a.md fits, b.md would take the files past it.
    expect(meter.tokens).toBe(200);
    expect(meter.partial).toEqual(['b.md']);
    expect(meter.warning).toContain('“b.md” is too large');
  });

  it('says when files are still being counted and when the context size is not known', () => {
    const meter = tokenMeter([{ name: 'a.md', tokens: null, chunked: false }], null);
    expect(meter).toMatchObject({ tokens: 0, left: null, counting: 1 });
    expect(meter.summary).toBe('Attachments: 0 tokens · context size not known · counting 1 file…');
  });
});
