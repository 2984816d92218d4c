#!/usr/bin/env node
/** `pnpm backup`: online backup to data/backups/<name>-<timestamp>.db (pg_dump to chat_history-<timestamp>.dump on PostgreSQL), keeping the newest N. */
import { numberOption, parseCommandArgs, runCommand } from '../cli/index.js';
import { fromRoot, loadOpsConfig } from '../config/index.js';
import { backupDatabase } from '../backup/index.js';
import { formatBytes } from '../format/index.js';

const USAGE = `Usage: backup [--keep N] [--dir DIR] [--json]
  --keep  backups to keep, newest first (default 7; 0 keeps all)
  --dir   backup folder (default BACKUP_DIR or backups/ beside the database)
Safe while the server runs. With DATABASE_URL set, runs pg_dump (PostgreSQL client tools) to chat_history-<time>.dump.`;

runCommand(USAGE, async () => {
  const { values } = parseCommandArgs(process.argv.slice(2), {
    keep: { type: 'string' },
    dir: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const config = loadOpsConfig();
  const result = await backupDatabase({
    databasePath: config.databasePath,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    backupDir: values.dir ? fromRoot(values.dir) : config.backupDir,
    keep: Math.floor(numberOption(values.keep, 7, 'keep')),
  });
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(
      `Backed up ${config.databaseLabel} → ${result.file} (${formatBytes(result.sizeBytes)}, ${result.sessions} sessions, ${result.messages} messages)`,
    );
    if (!result.verified)
      console.log(
        'pg_restore is not installed, so the dump was not read back; install the PostgreSQL client tools to verify and restore it',
      );
    for (const old of result.removed) console.log(`removed old backup ${old}`);
  }
  return 0;
});
