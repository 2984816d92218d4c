/** Online backups with rotation, and restore. */
export {
  backupDatabase,
  listBackups,
  verifyDump,
  BackupVerifyError,
  DUMP_EXTENSION,
  type BackupOptions,
  type BackupResult,
} from './backup-database.js';
export {
  restoreDatabase,
  serverRunningReasons,
  RestoreRefusedError,
  type RestoreOptions,
  type RestoreResult,
} from './restore-database.js';
export {
  listSafetyCopies,
  rotateSafetyCopies,
  safetyCopyPath,
  SAFETY_COPY_PREFIX,
  type SafetyCopy,
} from './safety-copies.js';
