import type { UpstreamHealth } from '@chat-studio/protocol';
import type { UpstreamOptions } from '../config/index.js';

/** One upstream server and what is known about it. */
export interface Upstream {
  /** `<name>@<host:port>`, unique within the pool (a `#n` suffix is added for repeats). */
  readonly id: string;
  readonly name: string;
  readonly baseUrl: string;
  readonly apiKey: string | undefined;
  /** In rotation. False until the first successful check. */
  healthy: boolean;
  consecutiveFailures: number;
  outstanding: number;
  lastError: string | null;
  lastCheckedAt: Date | null;
  /** Model ids as the upstream names them, from its last successful GET /models. */
  models: string[];
  /** Order of the last pick, so ties on `outstanding` rotate instead of always hitting the first server. */
  lastPicked: number;
}

/** Options for {@link createUpstreamPool}. */
export interface UpstreamPoolOptions {
  upstreams: UpstreamOptions[];
  /** Consecutive failures that take a healthy upstream out of rotation. */
  maxFailures: number;
}

/** The set of upstreams with their health, and the choice of which one serves the next request. */
export interface UpstreamPool {
  readonly all: readonly Upstream[];
  /** The healthy upstreams of pool `name` that list `model`. */
  serving(name: string, model: string): Upstream[];
  /** The healthy upstream serving `model` with the fewest outstanding requests, skipping `exclude`; ties rotate. */
  pick(name: string, model: string, exclude: ReadonlySet<Upstream>): Upstream | undefined;
  /** A check or request succeeded: back in rotation, failure count cleared. */
  succeeded(upstream: Upstream, models?: string[]): void;
  /** A check or request failed for a reason that is the upstream's, not the request's. */
  failed(upstream: Upstream, reason: string): void;
  health(upstream: Upstream): UpstreamHealth;
}

/**
 * Creates the health-tracking pool behind the openai-compatible provider.
 *
 * @example
 * const pool = createUpstreamPool({ upstreams: [{ name: 'a', baseUrl: 'http://127.0.0.1:8080/v1' }], maxFailures: 3 });
 * pool.succeeded(pool.all[0]!, ['stories260K']);
 * pool.pick('a', 'stories260K', new Set())?.id // 'a@127.0.0.1:8080'
 */
export function createUpstreamPool(options: UpstreamPoolOptions): UpstreamPool {
  const seen = new Map<string, number>();
  const all: Upstream[] = options.upstreams.map((config) => {
    const base = `${config.name}@${new URL(config.baseUrl).host}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return {
      id: count === 1 ? base : `${base}#${count}`,
      name: config.name,
      baseUrl: config.baseUrl,
      apiKey: config.apiKey,
      healthy: false,
      consecutiveFailures: 0,
      outstanding: 0,
      lastError: null,
      lastCheckedAt: null,
      models: [],
      lastPicked: 0,
    };
  });
  let picks = 0;

  function serving(name: string, model: string): Upstream[] {
    return all.filter((upstream) => upstream.name === name && upstream.healthy && upstream.models.includes(model));
  }

  return {
    all,
    serving,
    pick(name, model, exclude) {
      let best: Upstream | undefined;
      for (const upstream of serving(name, model)) {
        if (exclude.has(upstream)) continue;
        if (
          !best ||
          upstream.outstanding < best.outstanding ||
          (upstream.outstanding === best.outstanding && upstream.lastPicked < best.lastPicked)
        ) {
          best = upstream;
        }
      }
      if (best) best.lastPicked = ++picks;
      return best;
    },
    succeeded(upstream, models) {
      upstream.healthy = true;
      upstream.consecutiveFailures = 0;
      upstream.lastCheckedAt = new Date();
      if (models) upstream.models = models;
    },
    failed(upstream, reason) {
      upstream.consecutiveFailures++;
      upstream.lastError = reason;
      upstream.lastCheckedAt = new Date();
      if (upstream.consecutiveFailures >= options.maxFailures) upstream.healthy = false;
    },
    health(upstream) {
      return {
        base_url: upstream.baseUrl,
        healthy: upstream.healthy,
        consecutive_failures: upstream.consecutiveFailures,
        outstanding: upstream.outstanding,
        last_error: upstream.lastError,
        last_checked_at: upstream.lastCheckedAt?.toISOString() ?? null,
      };
    },
  };
}
