/** The app's one API client (same origin, cookie auth) and a hook for "the session expired" (401) responses. */
import { createChatClient } from '@chat-studio/protocol';

const unauthorizedListeners = new Set<() => void>();

/**
 * Registers a callback for any 401 response except from the login call itself.
 *
 * @example
 * onUnauthorized(() => (needsLogin.value = true));
 */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** Shared client; every request goes to the origin that served the page. */
export const api = createChatClient({
  credentials: 'same-origin',
  fetch: async (input, init) => {
    const res = await fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (res.status === 401 && !url.includes('/api/auth/login')) for (const l of unauthorizedListeners) l();
    return res;
  },
});
