#!/usr/bin/env node
/** `pnpm restore <file>`: replaces the database with a verified backup; refuses while the server runs. */
import { parseCommandArgs, runCommand, UsageError } from '../cli/index.js';
import { loadOpsConfig } from '../config/index.js';
import { restoreDatabase, RestoreRefusedError } from '../backup/index.js';

const USAGE = `Usage: restore <backup-file>
Stop the server first (pnpm stop). The current database is kept as <database>.before-restore.
With DATABASE_URL set, <backup-file> is a pg_dump archive (chat_history-<time>.dump); pg_restore replaces the
tables and the current data is kept as <backup dir>/chat_history.before-restore.dump.`;

runCommand(USAGE, async () => {
  const { positionals } = parseCommandArgs(process.argv.slice(2), {}, true);
  if (positionals.length !== 1) throw new UsageError('restore needs exactly one backup file');
  const config = loadOpsConfig();
  try {
    const result = await restoreDatabase({ ...config, file: positionals[0]!, log: (l) => console.error(l) });
    console.log(`Restored ${result.databasePath} (${result.sessions} sessions, ${result.messages} messages)`);
    if (result.previousCopy) console.log(`The replaced database is kept as ${result.previousCopy}`);
    return 0;
  } catch (error) {
    if (error instanceof RestoreRefusedError) {
      console.error(`Refused: ${error.message}`);
      return 1;
    }
    throw error;
  }
});
