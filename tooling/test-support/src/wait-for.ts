/** Polling until something a test waits for has happened. */

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

/**
 * Polls `check` every 50 ms until it returns a value other than `undefined` or `false`, and resolves with it;
 * throws `WaitTimeoutError` after `timeoutMs`. Defaults to 10 s and the description `condition`.
 *
 * @example
 * await waitFor(() => /listening/.test(child.output()), 5_000, 'listening line');
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
