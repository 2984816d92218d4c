import { describe, expect, it } from 'vitest';
import { InvalidSecurityConfigError } from '../errors/index.js';
import { parseRate } from './index.js';

describe('parseRate', () => {
  it.each([
    ['10/minute', 10, 60_000],
    ['5/minute', 5, 60_000],
    ['300/minute', 300, 60_000],
    ['1/second', 1, 1_000],
    ['2/seconds', 2, 1_000],
    ['100/hour', 100, 3_600_000],
    ['1000/day', 1000, 86_400_000],
    ['10/15minutes', 10, 900_000],
    ['10/15minute', 10, 900_000],
    ['3/2hours', 3, 7_200_000],
    [' 7 / 30 seconds ', 7, 30_000],
    ['5/m', 5, 60_000],
    ['5/s', 5, 1_000],
    ['5/h', 5, 3_600_000],
    ['5/d', 5, 86_400_000],
    ['5/500ms', 5, 500],
    ['5/MINUTE', 5, 60_000],
  ])('%s → %i per %i ms', (text, limit, windowMs) => {
    expect(parseRate(text)).toEqual({ limit, windowMs });
  });

  it.each([
    '',
    'minute',
    '10',
    '10/',
    '/minute',
    '0/minute',
    '-1/minute',
    '1.5/minute',
    '10/fortnight',
    '10/0minutes',
    '10/minute/extra',
    '10/constructor',
    'ten/minute',
  ])('rejects %j with a clear error', (text) => {
    expect(() => parseRate(text)).toThrow(InvalidSecurityConfigError);
    expect(() => parseRate(text)).toThrow(/expected N\/second\|minute\|hour\|day/);
  });
});
