/** Waiting for a running API server's model to finish loading. */

/** The fields of the protocol's `LlmStatus` this waits on; pass `LlmStatus` as `T` to get the full type back. */
export interface ModelStatus {
  state: string;
  model_id?: string | null;
  reason?: string | null;
}

export interface WaitForModelReadyOptions {
  /** Request headers, e.g. `authorization` when AUTH is on. Defaults to none. */
  headers?: Record<string, string>;
  /** How long to wait. Defaults to 90 s (a loaded 2-core CI machine took over 30 s; a ready model returns at once). */
  timeoutMs?: number;
  /** Adds the server's output to the error, e.g. `server.output`. Defaults to nothing. */
  output?: () => string;
}

export class ModelNotReadyError extends Error {
  override name = 'ModelNotReadyError';
}

/**
 * Polls `GET <baseUrl>/api/llm/status` until its state is `ready` and resolves with that status; throws
 * `ModelNotReadyError` at once on `error`, or at the deadline (`no_model` is also what a server says before its
 * first scan, so only the deadline ends that wait).
 *
 * @example
 * const status = await waitForModelReady<LlmStatus>(server.baseUrl, { headers: { authorization: `Bearer ${key}` } });
 * const model = status.model_id!;
 */
export async function waitForModelReady<T extends ModelStatus = ModelStatus>(
  baseUrl: string,
  options: WaitForModelReadyOptions = {},
): Promise<T> {
  const { headers = {}, timeoutMs = 90_000, output = () => '' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      const res = await fetch(`${baseUrl}/api/llm/status`, { headers });
      if (res.ok) last = (await res.json()) as T;
    } catch {
      // Not listening (yet, or again).
    }
    if (last?.state === 'ready') return last;
    if (last?.state === 'error') throw new ModelNotReadyError(`model could not load: ${last.reason}\n${output()}`);
    if (Date.now() > deadline)
      throw new ModelNotReadyError(
        `model not ready in ${timeoutMs} ms (${last?.state ?? 'no answer'}: ${last?.reason ?? ''})\n${output()}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
