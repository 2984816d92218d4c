import { fetchFailure, httpFailure, requestHeaders } from './stream-chat-completion.js';
import type { Upstream, UpstreamPool } from './upstream-pool.js';

/** Options for {@link createHealthChecks}. */
export interface HealthChecksOptions {
  pool: UpstreamPool;
  /** How often every upstream is checked. */
  intervalMs: number;
  /** Longest wait for an answer (capped by the interval, at least 1 s). */
  responseTimeoutMs: number;
  /** Aborted when the provider closes: checks stop and their failures are not counted. */
  closing: AbortSignal;
  /** A key of the current model list; `onChanged` is called when it differs after a round. */
  modelsKey: () => string;
  onChanged?: () => void;
}

/** Periodic GET /models on every upstream. */
export interface HealthChecks {
  /** Checks every upstream now and starts the periodic checks; resolves when this round is done. */
  refresh(): Promise<void>;
  /** Stops the checks and waits for the round under way. */
  stop(): Promise<void>;
}

/**
 * Creates the health checks. A slow round never stacks up behind itself: a tick while one runs joins it.
 *
 * @example
 * const checks = createHealthChecks({ pool, intervalMs: 5000, responseTimeoutMs: 30_000, closing, modelsKey });
 * await checks.refresh();
 */
export function createHealthChecks(options: HealthChecksOptions): HealthChecks {
  let timer: NodeJS.Timeout | null = null;
  let round: Promise<void> | null = null;
  let lastKey = '';
  const timeoutMs = Math.min(options.responseTimeoutMs, Math.max(1000, options.intervalMs));

  function checkAll(): Promise<void> {
    round ??= Promise.all(options.pool.all.map((upstream) => checkUpstream(upstream, options, timeoutMs))).then(() => {
      round = null;
      const key = options.modelsKey();
      if (key === lastKey) return;
      lastKey = key;
      options.onChanged?.();
    });
    return round;
  }

  return {
    async refresh() {
      if (options.closing.aborted) return;
      if (!timer) {
        timer = setInterval(() => void checkAll(), options.intervalMs);
        // Health checks alone must not keep a process alive.
        timer.unref();
      }
      await checkAll();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (round) await round.catch(() => undefined);
    },
  };
}

/** One GET /models: the upstream's model list on success, a counted failure otherwise. */
export async function checkUpstream(
  upstream: Upstream,
  options: Pick<HealthChecksOptions, 'pool' | 'closing'>,
  timeoutMs: number,
): Promise<void> {
  const { pool, closing } = options;
  try {
    const response = await fetch(`${upstream.baseUrl}/models`, {
      headers: requestHeaders(upstream.apiKey),
      signal: AbortSignal.any([closing, AbortSignal.timeout(timeoutMs)]),
    });
    if (!response.ok) {
      pool.failed(upstream, await httpFailure(response));
      return;
    }
    const body = (await response.json()) as { data?: { id?: unknown }[] };
    if (!Array.isArray(body.data)) {
      pool.failed(upstream, 'GET /models did not answer with { data: [...] }');
      return;
    }
    const ids = body.data.map((model) => model.id).filter((id): id is string => typeof id === 'string');
    pool.succeeded(upstream, ids);
  } catch (error) {
    if (!closing.aborted) pool.failed(upstream, fetchFailure(error));
  }
}
