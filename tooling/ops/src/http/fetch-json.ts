/** What a GET to the server gave: a status and parsed body, or the network error when nothing answered. */
export type FetchResult<T> = { reachable: true; status: number; body: T | null } | { reachable: false; error: string };

/** Node's fetch wraps the useful part ("connect ECONNREFUSED …") in `cause`. */
function describe(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error && cause.message) return cause.message;
    return error.message;
  }
  return String(error);
}

/**
 * GETs `url` and parses JSON; never throws. Defaults to a 3 s timeout.
 *
 * @example
 * const res = await fetchJson<HealthResponse>('http://127.0.0.1:5000/health');
 * if (res.reachable && res.status === 200) console.log(res.body?.status);
 */
export async function fetchJson<T>(url: string, timeoutMs = 3000, apiKey?: string): Promise<FetchResult<T>> {
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers });
    const text = await res.text();
    let body: T | null = null;
    try {
      body = JSON.parse(text) as T;
    } catch {
      body = null;
    }
    return { reachable: true, status: res.status, body };
  } catch (error) {
    return { reachable: false, error: describe(error) };
  }
}
