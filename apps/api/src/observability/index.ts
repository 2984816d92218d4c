/** Observability for the API: pino logging, Prometheus metrics, Server-Timing, the pid file. */
export { createLogger, REDACTED, REDACT_PATHS, type LoggerOptions, type Logger } from './logger.js';
export { requestLogger } from './request-logger.js';
export {
  createMetrics,
  defaultMetrics,
  observeGeneration,
  countRateLimited,
  metricsMiddleware,
  metricsRoute,
  type Metrics,
  type MetricsOptions,
  type MetricsSources,
} from './metrics.js';
export {
  serverTiming,
  addTiming,
  addCurrentTiming,
  measure,
  timeDb,
  timeGen,
  startTime,
  endTime,
  setMetric,
} from './server-timing.js';
export { timedStore, timedRuntime } from './timed-deps.js';
export { writePidFile, removePidFile, resolvePidFile } from './pid-file.js';
