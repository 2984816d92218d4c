export { monitorHealth, probeHealth, formatStateLine, type HealthState, type MonitorOptions } from './monitor-health.js';
