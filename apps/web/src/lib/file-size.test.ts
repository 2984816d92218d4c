import { describe, expect, it } from 'vitest';
import { formatBytes } from './file-size.js';

describe('formatBytes', () => {
  it('counts bytes, then the largest unit with one decimal below 10', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(812)).toBe('812 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(20 * 1024 * 1024)).toBe('20 MB');
    expect(formatBytes(500 * 1024 * 1024)).toBe('500 MB');
    expect(formatBytes(1024 ** 3 * 2.25)).toBe('2.3 GB');
  });
});
