/** @chat-studio/ops: the operations commands (health, maintenance, backup, restore, monitor, collect-logs, stop) as functions. */
export { loadOpsConfig, fromRoot, defaultPidFile, postgresLabel, REPO_ROOT, type OpsConfig } from './config/index.js';
export {
  runHealthChecks,
  formatHealthReport,
  type CheckResult,
  type CheckStatus,
  type HealthReport,
} from './health/index.js';
export {
  runMaintenance,
  cleanTempDir,
  MaintenanceAbortedError,
  type MaintenanceOptions,
  type MaintenanceReport,
  type MaintenanceStep,
} from './maintenance/index.js';
export {
  backupDatabase,
  listBackups,
  verifyDump,
  DUMP_EXTENSION,
  restoreDatabase,
  serverRunningReasons,
  BackupVerifyError,
  RestoreRefusedError,
  type BackupOptions,
  type BackupResult,
  type RestoreOptions,
  type RestoreResult,
} from './backup/index.js';
export { monitorHealth, probeHealth, formatStateLine, type HealthState, type MonitorOptions } from './monitor/index.js';
export { collectLogs, type CollectLogsOptions, type CollectLogsResult } from './collect-logs/index.js';
export {
  stopServer,
  readPidFile,
  isProcessAlive,
  runningServerPid,
  type StopServerOptions,
  type StopServerResult,
} from './process/index.js';
export {
  findPgTool,
  requirePgTool,
  runPgTool,
  PgToolMissingError,
  PgToolError,
  type FindPgToolOptions,
} from './pg-tools/index.js';
export { redactEnv, redactText, REDACTED, SECRET_NAME } from './redact/index.js';
export {
  openReadonlyStore,
  openWritableStore,
  readSchema,
  hasChatTables,
  removeIdleSidecars,
  DatabaseOpenError,
  type SchemaEntry,
} from './database/index.js';
export { fetchJson, type FetchResult } from './http/index.js';
export { formatBytes, formatTable, fileTimestamp } from './format/index.js';
