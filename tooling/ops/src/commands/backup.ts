#!/usr/bin/env node
/** `pnpm backup`: online backup to data/backups/<name>-<timestamp>.db, keeping the newest N. */
import { numberOption, parseCommandArgs, runCommand } from '../cli/index.js';
import { fromRoot, loadOpsConfig } from '../config/index.js';
import { backupDatabase } from '../backup/index.js';
import { formatBytes } from '../format/index.js';

const USAGE = `Usage: backup [--keep N] [--dir DIR] [--json]
  --keep  backups to keep, newest first (default 7; 0 keeps all)
  --dir   backup folder (default BACKUP_DIR or backups/ beside the database)
Safe while the server runs.`;

runCommand(USAGE, async () => {
  const { values } = parseCommandArgs(process.argv.slice(2), {
    keep: { type: 'string' },
    dir: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const config = loadOpsConfig();
  const result = await backupDatabase({
    databasePath: config.databasePath,
    backupDir: values.dir ? fromRoot(values.dir) : config.backupDir,
    keep: Math.floor(numberOption(values.keep, 7, 'keep')),
  });
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`Backed up ${config.databasePath} → ${result.file} (${formatBytes(result.sizeBytes)}, ${result.sessions} sessions, ${result.messages} messages)`);
    for (const old of result.removed) console.log(`removed old backup ${old}`);
  }
  return 0;
});
