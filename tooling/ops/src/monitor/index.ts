/** Polling health and logging its changes. */
export {
  monitorHealth,
  probeHealth,
  formatStateLine,
  type HealthState,
  type MonitorOptions,
} from './monitor-health.js';
