/** Prometheus metrics on a registry of the API's own, served at /metrics. */
import { Hono, type MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StoreStats } from '@chat-studio/chat-store';
import type { GenerationStats, LlmStatus } from '@chat-studio/protocol';

/** What gauges read on each scrape; the app's deps fit. */
export interface MetricsSources {
  store?: { maintenance: { stats(): Promise<StoreStats> } };
  runtime?: { status(): LlmStatus };
}

export interface MetricsOptions {
  /** Also export process and Node.js metrics (memory, event loop lag, GC). Defaults to `true`. */
  defaultMetrics?: boolean;
}

/** A registry of its own (never prom-client's global one) and the recorders the app calls. */
export interface Metrics {
  readonly registry: Registry;
  /** Hono middleware counting requests and timing them by route pattern, method and status. */
  middleware(): MiddlewareHandler;
  /** Records one finished generation (tokens per second, time to first token, token counts). */
  observeGeneration(stats: GenerationStats): void;
  /** Counts a request refused by the rate limiter. */
  countRateLimited(): void;
  /** Counts a request made with a service key (exempt from rate limits, so counted here instead). */
  countServiceRequest(): void;
  /** Counts replies a start found left `partial` by a dead process and marked `interrupted`. */
  countInterrupted(n: number): void;
  /** Counts a request the database could not serve, by error code (`database_busy`, `storage_full` …). */
  countStorageError(code: string): void;
  /** Sets what the scrape-time gauges read (queue, sequences, active model, database size). */
  bind(sources: MetricsSources): void;
}

const PREFIX = 'chat_studio_';

/**
 * Creates the metrics. Request metrics use the route pattern (`/api/chat/sessions/:id`), never the raw path, so
 * label cardinality stays bounded.
 *
 * @example
 * const metrics = createMetrics();
 * app.use(metrics.middleware());
 * app.route('/metrics', metricsRoute(deps, metrics));
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    // Gauges named *_total break Prometheus naming rules (promtool check metrics); the per-type gauges remain.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
      registry.removeSingleMetric(name);
  }
  let sources: MetricsSources = {};

  const requests = new Counter({
    name: `${PREFIX}http_requests_total`,
    help: 'HTTP requests by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'Time until the response headers were ready (streams: until the stream started).',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const tokensPerSecond = new Histogram({
    name: `${PREFIX}generation_tokens_per_second`,
    help: 'Completion tokens per second of each generated reply (cache hits excluded).',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
    registers: [registry],
  });
  const ttft = new Histogram({
    name: `${PREFIX}generation_time_to_first_token_seconds`,
    help: 'Time from request to the first generated token (includes queueing and prompt evaluation).',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const genDuration = new Histogram({
    name: `${PREFIX}generation_duration_seconds`,
    help: 'Total time of each generation.',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const tokens = new Counter({
    name: `${PREFIX}generation_tokens_total`,
    help: 'Tokens processed, by kind (prompt or completion).',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const generations = new Counter({
    name: `${PREFIX}generations_total`,
    help: 'Finished generations by finish reason and whether the reply came from the cache.',
    labelNames: ['finish_reason', 'cached'] as const,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: `${PREFIX}rate_limited_total`,
    help: 'Requests refused with 429 by the rate limiter.',
    registers: [registry],
  });
  const storageErrors = new Counter({
    name: `${PREFIX}storage_errors_total`,
    help: 'Requests the database could not serve, by error code (database_busy, storage_full, storage_read_only, storage_corrupt).',
    labelNames: ['code'] as const,
    registers: [registry],
  });

  const serviceRequests = new Counter({
    name: `${PREFIX}service_key_requests_total`,
    help: 'Requests made with a service key (a front calling this server as its upstream); rate limits skip them.',
    registers: [registry],
  });
  const interrupted = new Counter({
    name: `${PREFIX}replies_interrupted_total`,
    help: 'Replies found partial after their process died (crash, SIGKILL) and marked interrupted at start.',
    registers: [registry],
  });

  const status = () => {
    try {
      return sources.runtime?.status() ?? null;
    } catch {
      return null;
    }
  };
  new Gauge({
    name: `${PREFIX}llm_queue_depth`,
    help: 'Chat requests waiting for a free sequence.',
    registers: [registry],
    collect() {
      this.set(status()?.queue_depth ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}llm_queue_limit`,
    help: 'Most chat requests allowed to wait; more get 503.',
    registers: [registry],
    collect() {
      this.set(status()?.queue_limit ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}llm_sequences_in_use`,
    help: 'Context sequences generating right now.',
    registers: [registry],
    collect() {
      this.set(status()?.sequences_in_use ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}llm_sequences_capacity`,
    help: 'Context sequences of the loaded model (parallel generations).',
    registers: [registry],
    collect() {
      this.set(status()?.sequences_total ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}llm_model_info`,
    help: 'Always 1; labels name the active model and the runtime state.',
    labelNames: ['model_id', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const s = status();
      this.set({ model_id: s?.model_id ?? 'none', state: s?.state ?? 'no_model' }, 1);
    },
  });
  let statsCache: Promise<StoreStats | null> | null = null;
  // Both database gauges read one stats() call per scrape.
  const storeStats = () => {
    statsCache ??= (sources.store?.maintenance.stats() ?? Promise.resolve(null))
      .catch(() => null)
      .finally(() => setTimeout(() => (statsCache = null), 0));
    return statsCache;
  };
  new Gauge({
    name: `${PREFIX}database_size_bytes`,
    help: 'SQLite file sizes: the main file and its write-ahead log.',
    labelNames: ['file'] as const,
    registers: [registry],
    async collect() {
      const s = await storeStats();
      if (!s) return;
      this.set({ file: 'main' }, s.fileSizeBytes);
      this.set({ file: 'wal' }, s.walSizeBytes);
    },
  });
  new Gauge({
    name: `${PREFIX}database_rows`,
    help: 'Rows in the main tables.',
    labelNames: ['table'] as const,
    registers: [registry],
    async collect() {
      const s = await storeStats();
      if (!s) return;
      this.set({ table: 'chat_sessions' }, s.sessions);
      this.set({ table: 'chat_messages' }, s.messages);
      this.set({ table: 'users' }, s.users);
    },
  });

  return {
    registry,
    middleware() {
      return createMiddleware(async (c, next) => {
        // performance.now and one labels object: startTimer made a closure, an hrtime pair and a merged copy of
        // the labels per request (issue #18).
        const started = performance.now();
        await next();
        const labels = { method: c.req.method, route: routePath(c), status: String(c.res.status) };
        duration.observe(labels, (performance.now() - started) / 1000);
        requests.inc(labels);
      });
    },
    observeGeneration(stats) {
      generations.inc({ finish_reason: stats.finish_reason, cached: String(stats.cached ?? false) });
      tokens.inc({ kind: 'prompt' }, stats.prompt_tokens);
      tokens.inc({ kind: 'completion' }, stats.completion_tokens);
      if (stats.cached) return;
      genDuration.observe(stats.total_ms / 1000);
      if (stats.tokens_per_second !== null && Number.isFinite(stats.tokens_per_second))
        tokensPerSecond.observe(stats.tokens_per_second);
      if (stats.time_to_first_token_ms !== null) ttft.observe(stats.time_to_first_token_ms / 1000);
    },
    countRateLimited() {
      rateLimited.inc();
    },
    countServiceRequest() {
      serviceRequests.inc();
    },
    countInterrupted(n) {
      interrupted.inc(n);
    },
    countStorageError(code) {
      storageErrors.inc({ code });
    },
    bind(next) {
      sources = next;
    },
  };
}

let shared: Metrics | undefined;

/** The process-wide metrics the free functions below record into. Created on first use. */
export function defaultMetrics(): Metrics {
  shared ??= createMetrics();
  return shared;
}

/**
 * Records a finished generation in the default metrics; the chat code calls it with the reply's stats.
 *
 * @example
 * const { stats } = await runtime.generate(request);
 * observeGeneration(stats);
 */
export function observeGeneration(stats: GenerationStats, metrics: Metrics = defaultMetrics()): void {
  metrics.observeGeneration(stats);
}

/**
 * Counts a 429 in the default metrics; call it from the rate limiter's handler.
 *
 * @example
 * rateLimiter({ handler: (c) => { countRateLimited(); throw new ApiError('rate_limited', 'Too many requests'); } });
 */
export function countRateLimited(metrics: Metrics = defaultMetrics()): void {
  metrics.countRateLimited();
}

/**
 * Request counting and timing middleware of the default metrics.
 *
 * @example
 * app.use(metricsMiddleware());
 */
export function metricsMiddleware(metrics: Metrics = defaultMetrics()): MiddlewareHandler {
  return metrics.middleware();
}

/**
 * `GET /` answering the Prometheus text format; mount it at `/metrics`. Binds `deps` (store, runtime) for the
 * scrape-time gauges. Defaults to the default metrics.
 *
 * @example
 * app.route('/metrics', metricsRoute({ store, runtime }));
 */
export function metricsRoute(deps: MetricsSources, metrics: Metrics = defaultMetrics()) {
  metrics.bind(deps);
  return new Hono().get('/', async (c) => {
    const body = await metrics.registry.metrics();
    c.header('Content-Type', metrics.registry.contentType);
    c.header('Cache-Control', 'no-store');
    return c.body(body);
  });
}
