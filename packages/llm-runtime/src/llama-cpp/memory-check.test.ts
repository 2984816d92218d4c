import { describe, expect, it } from 'vitest';
import { InsufficientMemoryError } from '../errors/index.js';
import { assertFitsInMemory } from './memory-check.js';

describe('assertFitsInMemory', () => {
  it('passes when the model fits and names sizes when it does not', () => {
    expect(() => assertFitsInMemory('m', 1e9, 4e9)).not.toThrow();
    let error: unknown;
    try {
      assertFitsInMemory('m', 8 * 1024 ** 3, 4 * 1024 ** 3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InsufficientMemoryError);
    expect((error as InsufficientMemoryError).reason).toMatch(/needs about 8192 MiB but only 4096 MiB is free/);
  });
});
