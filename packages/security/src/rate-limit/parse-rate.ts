import { InvalidSecurityConfigError } from '../errors/index.js';

/** A number of requests allowed per window. */
export interface Rate {
  limit: number;
  windowMs: number;
}

const UNIT_MS = new Map<string, number>(
  Object.entries({
    ms: 1,
    millisecond: 1,
    s: 1_000,
    sec: 1_000,
    second: 1_000,
    m: 60_000,
    min: 60_000,
    minute: 60_000,
    h: 3_600_000,
    hour: 3_600_000,
    d: 86_400_000,
    day: 86_400_000,
  }),
);

/**
 * Parses `N/unit` or `N/<count>units`: units are second, minute, hour, day (singular or plural,
 * or s/m/h/d). Spaces are allowed around the parts.
 *
 * @example
 * parseRate('5/minute')     // { limit: 5, windowMs: 60000 }
 * parseRate('10/15minutes') // { limit: 10, windowMs: 900000 }
 * parseRate('1/2 s')        // { limit: 1, windowMs: 2000 }
 */
export function parseRate(text: string): Rate {
  const m = /^\s*(\d+)\s*\/\s*(\d+)?\s*([a-z]+)\s*$/i.exec(text);
  const word = m?.[3]?.toLowerCase() ?? '';
  const unit = UNIT_MS.get(word) ?? (word.endsWith('s') ? UNIT_MS.get(word.slice(0, -1)) : undefined);
  const limit = m ? Number(m[1]) : NaN;
  const count = m?.[2] === undefined ? 1 : Number(m[2]);
  if (
    !m ||
    unit === undefined ||
    !Number.isSafeInteger(limit) ||
    limit < 1 ||
    !Number.isSafeInteger(count) ||
    count < 1
  ) {
    throw new InvalidSecurityConfigError(
      `Invalid rate "${text}": expected N/second|minute|hour|day or N/<count><unit>, e.g. "5/minute" or "10/15minutes"`,
    );
  }
  return { limit, windowMs: count * unit };
}
