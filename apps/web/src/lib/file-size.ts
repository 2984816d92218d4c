/** File sizes for people: "812 bytes", "14.2 KB", "20 MB" (powers of 1024, as the limits are configured). */

const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/**
 * `bytes` in the largest unit that keeps the number at 1 or more, one decimal below 10.
 *
 * @example
 * formatBytes(20 * 1024 * 1024) // '20 MB'
 * formatBytes(1536) // '1.5 KB'
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes.toLocaleString('en-US')} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes;
  let unit = 'bytes';
  for (const u of UNITS) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  const digits = value < 10 && !Number.isInteger(value) ? 1 : 0;
  return `${Number(value.toFixed(digits)).toLocaleString('en-US')} ${unit}`;
}
