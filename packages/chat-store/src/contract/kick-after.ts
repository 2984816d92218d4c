/** Runs a follow-up after the calls that may leave work behind (the chunks of deleted files). */

/**
 * `repo` with each method named in `names` calling `kick()` once it has succeeded; the other methods as they are.
 * Each store calls its chunk purger this way after every delete that may take files with it (a draft, a message
 * and those below it, a chat, a user).
 */
export function kickAfter<T extends object>(repo: T, names: readonly (keyof T & string)[], kick: () => void): T {
  const out: T = { ...repo };
  for (const name of names) {
    const method = repo[name];
    if (typeof method !== 'function') continue;
    (out as Record<string, unknown>)[name] = async (...args: unknown[]): Promise<unknown> => {
      const result: unknown = await (method as (...a: unknown[]) => unknown).apply(out, args);
      kick();
      return result;
    };
  }
  return out;
}
