import { describe, expect, it } from 'vitest';
import { formatBytes, formatModelLabel, formatModelTitle } from './model-label.js';

describe('formatBytes', () => {
  it('uses decimal units with one decimal below 10', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.0 kB');
    expect(formatBytes(1_185_376)).toBe('1.2 MB');
    expect(formatBytes(15_400_000)).toBe('15 MB');
    expect(formatBytes(640_000_000)).toBe('640 MB');
    expect(formatBytes(4_080_000_000)).toBe('4.1 GB');
  });

  it('moves to the next unit instead of printing 1000', () => {
    expect(formatBytes(999_600)).toBe('1.0 MB');
    expect(formatBytes(999_400)).toBe('999 kB');
  });

  it('returns an empty string for unknown sizes', () => {
    expect(formatBytes(null)).toBe('');
    expect(formatBytes(-1)).toBe('');
    expect(formatBytes(Number.NaN)).toBe('');
  });
});

describe('formatModelLabel', () => {
  it('shows the id, size and quantization', () => {
    expect(
      formatModelLabel({ id: 'stories260K', size_bytes: 1_185_376, quantization: 'F32', status: 'available' }),
    ).toBe('stories260K · 1.2 MB · F32');
  });

  it('leaves out unknown parts and marks broken files', () => {
    expect(formatModelLabel({ id: 'a', size_bytes: null, quantization: null, status: 'available' })).toBe('a');
    expect(formatModelLabel({ id: 'bad', size_bytes: 12, quantization: null, status: 'broken' })).toBe(
      'bad · 12 B · broken',
    );
  });

  it('tells apart two files that share a GGUF name', () => {
    const a = formatModelLabel({ id: 'llama-q4', size_bytes: 4e9, quantization: 'Q4_K_M', status: 'available' });
    const b = formatModelLabel({ id: 'llama-q8', size_bytes: 7e9, quantization: 'Q8_0', status: 'available' });
    expect(a).not.toBe(b);
  });
});

describe('formatModelTitle', () => {
  it('shows the GGUF name with architecture and parameters', () => {
    expect(formatModelTitle({ name: 'TinyStories', architecture: 'llama', parameters: 292_800, error: null })).toBe(
      'TinyStories (llama, 293K parameters)',
    );
    expect(formatModelTitle({ name: 'llama', architecture: 'llama', parameters: 7_241_732_096, error: null })).toBe(
      'llama (7.2B parameters)',
    );
    expect(formatModelTitle({ name: 'x', architecture: null, parameters: null, error: null })).toBe('x');
  });

  it('appends the load error of a broken file', () => {
    expect(formatModelTitle({ name: 'bad', architecture: null, parameters: 12, error: 'not a GGUF file' })).toBe(
      'bad (12 parameters) — not a GGUF file',
    );
  });
});
