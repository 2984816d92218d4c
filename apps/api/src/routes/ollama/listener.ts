/** The OLLAMA_PORT listener: the same app, its requests mapped under `/ollama` and marked as coming through it. */

/** Where the Ollama routes are mounted inside the app. */
export const OLLAMA_PREFIX = '/ollama';

/** The mark the Ollama listener puts on each request's env; routes under `/ollama` answer only requests that carry it. */
export const OLLAMA_LISTENER = 'ollama';

type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>;

/**
 * A fetch handler for the second listener: `/api/tags` becomes `/ollama/api/tags` in the same app, so authentication,
 * rate limits (the same counters), logging and metrics are shared with the main port. The env mark cannot be sent by
 * a client, so the Ollama routes stay off the main port.
 *
 * @example
 * serve({ fetch: ollamaFetch(app.fetch), hostname: config.host, port: config.ollamaPort });
 */
export function ollamaFetch(fetch: Fetch): Fetch {
  return (request, env) => {
    const url = new URL(request.url);
    url.pathname = url.pathname === '/' ? OLLAMA_PREFIX : `${OLLAMA_PREFIX}${url.pathname}`;
    const init: RequestInit & { duplex?: 'half' } = {
      method: request.method,
      headers: request.headers,
      signal: request.signal,
      ...(request.body ? { body: request.body, duplex: 'half' } : {}),
    };
    return fetch(new Request(url, init), { ...((env as object | undefined) ?? {}), listener: OLLAMA_LISTENER });
  };
}

/** True when the request came through the Ollama listener. */
export function viaOllamaListener(env: unknown): boolean {
  return typeof env === 'object' && env !== null && (env as { listener?: unknown }).listener === OLLAMA_LISTENER;
}
