export { backupDatabase, listBackups, BackupVerifyError, type BackupOptions, type BackupResult } from './backup-database.js';
export { restoreDatabase, serverRunningReasons, RestoreRefusedError, type RestoreOptions, type RestoreResult } from './restore-database.js';
