#!/usr/bin/env node
/** `pnpm restore <file>`: replaces the database with a verified backup; refuses while the server runs. `--list` shows what can be restored. */
import path from 'node:path';
import { numberOption, parseCommandArgs, runCommand, UsageError } from '../cli/index.js';
import { loadOpsConfig } from '../config/index.js';
import {
  DUMP_EXTENSION,
  listBackups,
  listSafetyCopies,
  restoreDatabase,
  RestoreRefusedError,
} from '../backup/index.js';
import { formatBytes } from '../format/index.js';

const USAGE = `Usage: restore <backup-file> [--keep N]
       restore --list
Stop every server using the database first (pnpm stop --all). The current database is kept as a safety copy,
<backup dir>/before-restore-<database>-<time>.db (.dump with DATABASE_URL), the newest N (default 7) per database;
restore one of them like any backup to undo a restore. --list shows the safety copies and the backups.
With DATABASE_URL set, <backup-file> is a pg_dump archive (chat_history-<time>.dump); pg_restore replaces the tables.`;

runCommand(USAGE, async () => {
  const { values, positionals } = parseCommandArgs(
    process.argv.slice(2),
    { list: { type: 'boolean' }, keep: { type: 'string' } },
    true,
  );
  const config = loadOpsConfig();
  if (values.list) {
    if (positionals.length > 0) throw new UsageError('restore --list takes no file');
    const copies = await listSafetyCopies(config.backupDir);
    const backups = (
      await listBackups(config.databasePath, config.backupDir, config.databaseUrl ? DUMP_EXTENSION : '.db')
    ).reverse();
    console.log(`Safety copies kept by restores (newest first) in ${config.backupDir}:`);
    if (copies.length === 0) console.log('  none');
    for (const c of copies)
      console.log(`  ${path.basename(c.file)}  ${c.database}  ${c.takenAt}  ${formatBytes(c.sizeBytes)}`);
    console.log(`Backups (newest first):`);
    if (backups.length === 0) console.log('  none');
    for (const b of backups) console.log(`  ${path.basename(b)}`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('restore needs exactly one backup file (or --list)');
  const keep = numberOption(values.keep, 7, '--keep');
  try {
    const result = await restoreDatabase({ ...config, keep, file: positionals[0]!, log: (l) => console.error(l) });
    console.log(`Restored ${result.databasePath} (${result.sessions} sessions, ${result.messages} messages)`);
    if (result.previousCopy) console.log(`The replaced database is kept as ${result.previousCopy}`);
    for (const removed of result.removedCopies)
      console.log(`Removed the older safety copy ${removed} (keeping ${keep})`);
    return 0;
  } catch (error) {
    if (error instanceof RestoreRefusedError) {
      console.error(`Refused: ${error.message}`);
      return 1;
    }
    throw error;
  }
});
