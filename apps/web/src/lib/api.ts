/** The app's one API client (same origin, cookie auth) and a hook for "the session expired" (401) responses. */
import { createChatClient } from '@chat-studio/protocol';

const unauthorizedListeners = new Set<() => void>();
const reachabilityListeners = new Set<(reachable: boolean) => void>();

/**
 * Registers a callback told after each request whether the server answered at all (any HTTP status) or the
 * request failed on the network (server down, offline). Aborted requests tell nothing.
 *
 * @example
 * onReachability((ok) => (serverReachable.value = ok));
 */
export function onReachability(listener: (reachable: boolean) => void): () => void {
  reachabilityListeners.add(listener);
  return () => reachabilityListeners.delete(listener);
}

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

/**
 * The app's fetch: tells the reachability and 401 listeners what happened. Requests the shared client does not
 * make (attachments) go through it too.
 */
export async function appFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(input, init);
  } catch (e) {
    if (!(e instanceof DOMException && e.name === 'AbortError')) for (const l of reachabilityListeners) l(false);
    throw e;
  }
  for (const l of reachabilityListeners) l(true);
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (res.status === 401 && !url.includes('/api/auth/login')) for (const l of unauthorizedListeners) l();
  return res;
}

/** Shared client; every request goes to the origin that served the page. */
export const api = createChatClient({ credentials: 'same-origin', fetch: appFetch });
