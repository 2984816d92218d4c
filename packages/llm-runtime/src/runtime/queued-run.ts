import { ChatUnavailableError } from '../errors/index.js';
import { abortedResult } from '../provider/aborted-result.js';
import type { GenerateResult } from '../provider/index.js';
import type { RequestQueue } from '../queue/index.js';

/** Options for {@link runQueued}. */
export interface QueuedRunOptions {
  queue: RequestQueue;
  /** The request's signal: aborting it while queued resolves with an aborted result. */
  signal: AbortSignal | undefined;
  /** Runs are added here until they settle, so that `whenIdle` and `close` can wait for them. */
  inFlight: Set<Promise<unknown>>;
  /** For the aborted result: the model id and when the request arrived. */
  modelId: () => string | null;
  /** The runtime's reason chat cannot run, asked again once the wait is over (the model may have gone meanwhile). */
  unavailableReason: () => string | null;
  startedAt: number;
}

/**
 * Waits for a free slot in the queue, then runs `work` with the wait in milliseconds, and releases the slot when it
 * settles. An abort while waiting resolves with finish_reason `abort`; a full queue, a timeout, or chat becoming
 * unavailable during the wait throws.
 */
export async function runQueued(
  options: QueuedRunOptions,
  work: (queueWaitMs: number) => Promise<GenerateResult>,
): Promise<GenerateResult> {
  const { queue, signal, inFlight } = options;
  const queuedAt = performance.now();
  let release: () => void;
  try {
    release = await queue.acquire(signal);
  } catch (error) {
    if (signal?.aborted) return abortedResult(options.modelId() ?? '', options.startedAt);
    throw error;
  }
  const reason = options.unavailableReason();
  if (reason) {
    release();
    throw new ChatUnavailableError(reason);
  }
  const run = work(performance.now() - queuedAt);
  inFlight.add(run);
  try {
    return await run;
  } finally {
    inFlight.delete(run);
    release();
  }
}
