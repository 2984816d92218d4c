import { describe, expect, it } from 'vitest';
import { toBase64, toInputList } from './index.js';

describe('embeddings helpers', () => {
  it('one input or many: strings, a token array, arrays of token arrays', () => {
    expect(toInputList('hi')).toEqual(['hi']);
    expect(toInputList(['a', 'b'])).toEqual(['a', 'b']);
    expect(toInputList([1, 2, 3])).toEqual([[1, 2, 3]]);
    expect(toInputList([[1], [2, 3]])).toEqual([[1], [2, 3]]);
  });

  it('base64 is little-endian float32, and decodes to the float32-rounded vector', () => {
    const vector = [0.1, -0.5, 1 / 3];
    const bytes = Buffer.from(toBase64(vector), 'base64');
    expect(bytes).toHaveLength(12);
    expect(bytes.readFloatLE(4)).toBe(-0.5);
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 3))).toEqual(vector.map(Math.fround));
  });
});
