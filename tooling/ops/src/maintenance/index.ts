/** Integrity checks, VACUUM, ANALYZE and search index upkeep. */
export {
  runMaintenance,
  MaintenanceAbortedError,
  type MaintenanceOptions,
  type MaintenanceReport,
  type MaintenanceStep,
} from './run-maintenance.js';
export { cleanTempDir } from './clean-temp.js';
