/** The clock reply timings are measured on. */

/**
 * Milliseconds on a monotonic clock where there is one (`performance.now()`), else wall-clock time.
 *
 * @example
 * const startedAt = clock();
 */
export function clock(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
